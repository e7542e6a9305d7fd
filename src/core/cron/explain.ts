/**
 * @module core/cron/explain
 * A cron expression in words, for CLI tables and the dashboard ("At 02:30", "Every 15
 * minutes"), by cronstrue with a 24-hour clock. Nicknames are described as the fields they
 * stand for, and 6-field expressions include their seconds.
 */
import cronstrue from "cronstrue";
import { parseCron } from "./parse.js";

/**
 * English description of a valid cron expression (24-hour times, seconds when it has 6
 * fields). Throws CronError if the expression is invalid; the timezone is not described.
 */
export function explainCron(expr: string): string {
  const parsed = parseCron(expr);
  // cronstrue reads "?" like "*"; it never sees a nickname (expanded by the parser).
  return cronstrue.toString(parsed.texts.join(" "), {
    use24HourTimeFormat: true,
    throwExceptionOnParseError: true,
    verbose: false,
  });
}
