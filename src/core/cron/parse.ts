/**
 * @module core/cron/parse
 * Validation of cron expressions and timezones, and the facts the rest of the core needs about
 * an expression: whether it can ever fire, and whether it "follows elapsed time" across
 * daylight-saving changes (see `next.ts` for the DST rule).
 *
 * Day-of-month and day-of-week combine with OR when both are restricted (neither is `*` or
 * `?`), and with AND otherwise, as in Vixie cron, croner and Kubernetes: `0 0 13 * 5` fires on
 * the 13th and on Fridays. (Vixie also treats `*\/2` as unrestricted here; Kairos, like croner
 * and Kubernetes, counts any field other than `*` or `?` as restricted.)
 */
import { CronError } from "./cron-error.js";
import { parseCronFields, type ParsedFields } from "./fields.js";
import { assertTimeZone } from "./time-zone.js";

/** A valid cron expression that fires at least once in every 28-year calendar cycle. */
export interface ParsedCron extends ParsedFields {
  /**
   * True when the schedule runs every hour or more often: the hour field is `*`, a step, or
   * all 24 hours, or the minute or second field matches several values. Such schedules follow
   * real elapsed time across DST changes; the others are "fixed-time" schedules.
   */
  readonly followsElapsedTime: boolean;
  /** The expression as 6 numeric fields (`*` kept only where written `*` or `?`), for croner. */
  readonly crontab: string;
}

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
/** Longest month lengths (February 29 happens in leap years). */
const MAX_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parse and check a cron expression (no timezone). Guarantees the result can fire; throws
 * CronError for bad syntax, a value out of range, or a date that never occurs
 * (`0 0 30 2 *`: "never fires: February has no 30th").
 */
export function parseCron(expression: string): ParsedCron {
  const f = parseCronFields(expression);
  checkCanFire(f);
  const hourStepped = f.hour.text.split(",").some((item) => item.includes("/"));
  const followsElapsedTime =
    f.hour.star ||
    hourStepped ||
    f.hour.values.length === 24 ||
    f.minute.values.length > 1 ||
    f.second.values.length > 1;
  const list = (field: { star: boolean; values: readonly number[] }): string =>
    field.star ? "*" : field.values.join(",");
  const crontab = [f.second, f.minute, f.hour, f.dayOfMonth, f.month, f.dayOfWeek]
    .map(list)
    .join(" ");
  return { ...f, followsElapsedTime, crontab };
}

/**
 * Throws CronError unless `expression` is a cron expression Kairos accepts (5 fields, 6 with
 * leading seconds, or a nickname), it can fire, and `timezone` is an IANA timezone name.
 */
export function validateCron(expression: string, timezone: string): void {
  const key = `${timezone}\u0000${expression}`;
  if (validated.has(key)) return; // the hot path of every fire: validated once
  parseCron(expression);
  assertTimeZone(timezone, expression);
  if (validated.size >= VALIDATED_LIMIT) validated.clear();
  validated.add(key);
}

/** Expressions (with their zone) known to be valid; bounded. Holds no time-dependent state. */
const validated = new Set<string>();
const VALIDATED_LIMIT = 100_000;

/**
 * When day-of-month is restricted and day-of-week is not (AND), the expression fires only if
 * some allowed day exists in some allowed month. (With OR, the weekdays always fire.)
 */
function checkCanFire(f: ParsedFields): void {
  if (f.dayOfMonth.star || !f.dayOfWeek.star) return;
  const months = f.month.values;
  const days = f.dayOfMonth.values;
  if (months.some((m) => days.some((d) => d <= (MAX_DAYS[m - 1] ?? 31)))) return;
  const names = months.map((m) => MONTH_NAMES[m - 1] ?? String(m));
  const monthText = joinList(names, "and");
  const dayText = joinList(days.map(ordinal), "or");
  const maxDay = Math.max(...months.map((m) => MAX_DAYS[m - 1] ?? 31));
  throw new CronError(
    `"${f.expression}" never fires: ${monthText} ${months.length === 1 ? "has" : "have"} no ${dayText}`,
    {
      expression: f.expression,
      field: "dayOfMonth",
      suggestion: `pick a day of the month that exists in ${joinList(names, "or")} (1-${maxDay})`,
    },
  );
}

function joinList(items: readonly string[], conjunction: string): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1] ?? ""}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}
