/**
 * Tests of cron parsing and validation: 5 and 6 fields, nicknames, the accepted syntax,
 * messages for bad fields (field, value, range, suggestion), expressions that never fire,
 * timezones, and the "follows elapsed time" classification used by the DST rule.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { CronError } from "./cron-error.js";
import { parseCron, validateCron } from "./parse.js";

/** The CronError thrown by `fn` (fails the test if none). */
function cronError(fn: () => unknown): CronError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CronError);
    return err as CronError;
  }
  throw new Error("expected a CronError");
}

describe("parseCron: accepted forms", () => {
  it("5 fields: minute hour day-of-month month day-of-week, seconds 0", () => {
    const p = parseCron("30 2 * * *");
    expect(p.hasSeconds).toBe(false);
    expect(p.second.values).toEqual([0]);
    expect(p.minute.values).toEqual([30]);
    expect(p.hour.values).toEqual([2]);
    expect(p.dayOfMonth.star).toBe(true);
    expect(p.crontab).toBe("0 30 2 * * *");
  });

  it("6 fields: leading seconds", () => {
    const p = parseCron("*/15 0 12 * * *");
    expect(p.hasSeconds).toBe(true);
    expect(p.second.values).toEqual([0, 15, 30, 45]);
    expect(p.minute.values).toEqual([0]);
    expect(p.hour.values).toEqual([12]);
  });

  it.each([
    ["@yearly", "0 0 1 1 *"],
    ["@annually", "0 0 1 1 *"],
    ["@monthly", "0 0 1 * *"],
    ["@weekly", "0 0 * * 0"],
    ["@daily", "0 0 * * *"],
    ["@midnight", "0 0 * * *"],
    ["@hourly", "0 * * * *"],
    ["@DAILY", "0 0 * * *"],
  ])("nickname %s means %s", (nick, five) => {
    expect(parseCron(nick).crontab).toBe(parseCron(five).crontab);
    expect(parseCron(nick).texts.join(" ")).toBe(five);
  });

  it("ranges, steps, lists and a/s (= a-max/s)", () => {
    expect(parseCron("0-10/5,30 * * * *").minute.values).toEqual([0, 5, 10, 30]);
    expect(parseCron("5/15 * * * *").minute.values).toEqual([5, 20, 35, 50]);
    expect(parseCron("0 9-17/4 * * *").hour.values).toEqual([9, 13, 17]);
  });

  it("month and weekday names, case-insensitive; 0 and 7 are Sunday", () => {
    expect(parseCron("0 0 * jan-mar,DEC *").month.values).toEqual([1, 2, 3, 12]);
    expect(parseCron("0 9 * * MON-FRI").dayOfWeek.values).toEqual([1, 2, 3, 4, 5]);
    expect(parseCron("0 0 * * 7").dayOfWeek.values).toEqual([0]);
    expect(parseCron("0 0 * * 5-7").dayOfWeek.values).toEqual([0, 5, 6]);
    expect(parseCron("0 0 * * FRI-SUN").dayOfWeek.values).toEqual([0, 5, 6]);
    expect(parseCron("0 0 * JUL WED").month.values).toEqual([7]);
    expect(parseCron("0 0 * * 1/2").dayOfWeek.values).toEqual([1, 3, 5]);
    expect(parseCron("0 0 * * */2").dayOfWeek.values).toEqual([0, 2, 4, 6]);
  });

  it('"?" as a whole day field means "*"', () => {
    const p = parseCron("0 0 ? * MON");
    expect(p.dayOfMonth.star).toBe(true);
    expect(p.crontab).toBe("0 0 0 * * 1");
  });

  it("extra whitespace is fine", () => {
    expect(parseCron("  0   12 * *  * ").crontab).toBe("0 0 12 * * *");
  });
});

describe("parseCron: errors name the field, the value and the range", () => {
  it("minute out of range (the Graphile-style message)", () => {
    const err = cronError(() => parseCron("61 * * * *"));
    expect(err.message).toBe('minute field "61" is out of range 0-59 in "61 * * * *"');
    expect(err.field).toBe("minute");
    expect(err.expression).toBe("61 * * * *");
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.code).toBe("VALIDATION");
  });

  it("a bad item inside a list names the item", () => {
    const err = cronError(() => parseCron("1,61 * * * *"));
    expect(err.message).toBe('minute field "1,61": "61" is out of range 0-59 in "1,61 * * * *"');
  });

  it("second field in 6-field form", () => {
    const err = cronError(() => parseCron("60 * * * * *"));
    expect(err.field).toBe("second");
    expect(err.message).toContain('second field "60" is out of range 0-59');
  });

  it("hour 24 suggests 0", () => {
    const err = cronError(() => parseCron("0 24 * * *"));
    expect(err.field).toBe("hour");
    expect(err.message).toContain('hour field "24" is out of range 0-23');
    expect(err.suggestion).toBe("use 0 for midnight");
  });

  it("day-of-month 0, month 13, day-of-week 8", () => {
    expect(cronError(() => parseCron("0 0 0 * *")).message).toContain(
      'day-of-month field "0" is out of range 1-31',
    );
    const month = cronError(() => parseCron("0 0 1 13 *"));
    expect(month.field).toBe("month");
    expect(month.message).toContain('month field "13" is out of range 1-12 (or JAN-DEC)');
    const dow = cronError(() => parseCron("0 0 * * 8"));
    expect(dow.field).toBe("dayOfWeek");
    expect(dow.message).toContain('day-of-week field "8" is out of range 0-7 (or SUN-SAT)');
  });

  it("7 fields: suggests removing the year", () => {
    const err = cronError(() => parseCron("0 0 0 1 1 * 2030"));
    expect(err.suggestion).toBe(
      "remove the year field; Kairos takes 5 fields, or 6 with leading seconds",
    );
    expect(err.message).toContain("has 7 fields");
    expect(err.field).toBeUndefined();
  });

  it("too few fields, and empty", () => {
    expect(cronError(() => parseCron("* * * *")).message).toContain('"* * * *" has 4 fields');
    expect(cronError(() => parseCron("   ")).message).toContain("cron expression is empty");
  });

  it("unknown nickname, @reboot and @every", () => {
    expect(cronError(() => parseCron("@fortnightly")).message).toContain(
      'unknown cron nickname "@fortnightly"',
    );
    expect(cronError(() => parseCron("@reboot")).message).toContain('"@reboot" is not supported');
    expect(cronError(() => parseCron("@every 5m")).suggestion).toContain('every: "5m"');
    expect(cronError(() => parseCron("@daily 5")).message).toContain("takes no fields");
  });

  it("Quartz extensions L, W and # are rejected", () => {
    expect(cronError(() => parseCron("0 0 L * *")).message).toContain('uses "L"');
    expect(cronError(() => parseCron("0 0 15W * *")).message).toContain('uses "W"');
    expect(cronError(() => parseCron("0 0 * * 5#2")).message).toContain('uses "#"');
    expect(cronError(() => parseCron("0 0 * * 5L")).field).toBe("dayOfWeek");
  });

  it("bad steps", () => {
    expect(cronError(() => parseCron("*/0 * * * *")).message).toContain(
      "step 0 must be at least 1",
    );
    const big = cronError(() => parseCron("*/90 * * * *"));
    expect(big.message).toContain("step 90 is larger than the minute range 0-59");
    expect(big.suggestion).toBe('to run every 90m, use an interval schedule (every: "90m")');
    expect(cronError(() => parseCron("*/x * * * *")).message).toContain(
      'step "x" is not a whole number',
    );
  });

  it("backwards ranges, empty items, junk", () => {
    const back = cronError(() => parseCron("0 5-2 * * *"));
    expect(back.message).toContain("range 5-2 runs backwards");
    expect(back.suggestion).toBe('write it as a list, e.g. "5-23,0-2"');
    expect(cronError(() => parseCron("1,,2 * * * *")).message).toContain("has an empty list item");
    expect(cronError(() => parseCron("0 0 * * MOM")).message).toContain(
      '"MOM" is not a number or a day name',
    );
    expect(cronError(() => parseCron("0 0 * FOO *")).message).toContain("month name");
    expect(cronError(() => parseCron("-1 * * * *")).field).toBe("minute");
    expect(cronError(() => parseCron("0 ? * * *")).field).toBe("hour");
  });
});

describe("parseCron: expressions that never fire", () => {
  it("February 30th", () => {
    const err = cronError(() => parseCron("0 0 30 2 *"));
    expect(err.message).toContain('"0 0 30 2 *" never fires: February has no 30th');
    expect(err.field).toBe("dayOfMonth");
    expect(err.suggestion).toBe("pick a day of the month that exists in February (1-29)");
  });

  it("April 31st, several days, several months", () => {
    expect(cronError(() => parseCron("0 0 31 4 *")).message).toContain(
      "never fires: April has no 31st",
    );
    expect(cronError(() => parseCron("0 0 30,31 FEB *")).message).toContain(
      "February has no 30th or 31st",
    );
    expect(cronError(() => parseCron("0 0 31 4,6,9,11 *")).message).toContain(
      "April, June, September and November have no 31st",
    );
  });

  it("dates that exist sometimes are fine: Feb 29, the 31st in any month", () => {
    expect(() => parseCron("0 0 29 2 *")).not.toThrow();
    expect(() => parseCron("0 0 31 * *")).not.toThrow();
    expect(() => parseCron("0 0 31 4,5 *")).not.toThrow();
  });

  it("with a restricted day-of-week the OR fires on those weekdays", () => {
    expect(() => parseCron("0 0 30 2 5")).not.toThrow();
  });
});

describe("validateCron: timezones", () => {
  it("accepts IANA names", () => {
    for (const tz of [
      "UTC",
      "Europe/London",
      "America/New_York",
      "Australia/Sydney",
      "Asia/Kolkata",
    ]) {
      expect(() => validateCron("0 9 * * *", tz)).not.toThrow();
    }
  });

  it("rejects unknown or empty timezones with a CronError", () => {
    const err = cronError(() => validateCron("0 9 * * *", "Mars/Olympus_Mons"));
    expect(err.message).toContain('unknown IANA timezone "Mars/Olympus_Mons"');
    expect(err.suggestion).toContain("America/New_York");
    expect(cronError(() => validateCron("0 9 * * *", "")).message).toContain(
      "unknown IANA timezone",
    );
  });

  it("checks the expression before the timezone", () => {
    expect(cronError(() => validateCron("61 * * * *", "Nowhere")).field).toBe("minute");
  });
});

describe("followsElapsedTime: schedules that run every hour or more often", () => {
  it.each([
    ["0 * * * *", true],
    ["*/15 * * * *", true],
    ["0 */2 * * *", true],
    ["0 1-23/2 * * *", true],
    ["0 0-23 * * *", true],
    ["0,30 2 * * *", true],
    ["*/10 30 2 * * *", true],
    ["30 2 * * *", false],
    ["0 1,2 * * *", false],
    ["0 9-17 * * 1-5", false],
    ["15 30 2 * * *", false],
    ["@daily", false],
    ["@hourly", true],
  ])("%s -> %s", (expr, expected) => {
    expect(parseCron(expr).followsElapsedTime).toBe(expected);
  });
});
