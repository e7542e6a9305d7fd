/** Tests of explainCron: 24-hour English descriptions, seconds, nicknames, errors. */
import { describe, expect, it } from "vitest";
import { CronError } from "./cron-error.js";
import { explainCron } from "./explain.js";

describe("explainCron", () => {
  it.each([
    ["30 14 * * *", "At 14:30"],
    ["*/15 * * * *", "Every 15 minutes"],
    ["0 9 * * MON-FRI", "At 09:00, Monday through Friday"],
    ["0 0 13 * 5", "At 00:00, on day 13 of the month, and on Friday"],
    ["*/10 * * * * *", "Every 10 seconds"],
    ["15 30 2 * * *", "At 02:30:15"],
    ["@daily", "At 00:00"],
    ["@hourly", "Every hour"],
    ["0 0 ? * 0", "At 00:00, only on Sunday"],
  ])("%s -> %s", (expr, words) => {
    expect(explainCron(expr)).toBe(words);
  });

  it("throws CronError for an invalid expression", () => {
    expect(() => explainCron("0 0 31 4 *")).toThrow(CronError);
    expect(() => explainCron("61 * * * *")).toThrow(/out of range 0-59/);
  });
});
