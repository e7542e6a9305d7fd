import { describe, expect, it } from "vitest";
import { concurrencyPolicy, startingDeadline } from "./policies.js";
import { cronJobTiming } from "./timing.js";

const every = (everyMs: number) => cronJobTiming({ kind: "every", everyMs });

describe("cronJobTiming", () => {
  it("keeps a 5-field cron and its time zone, and expands nicknames", () => {
    expect(cronJobTiming({ kind: "cron", cron: "0 3 * * 1-5", timezone: "Europe/Paris" })).toEqual({
      schedule: "0 3 * * 1-5",
      timeZone: "Europe/Paris",
    });
    expect(cronJobTiming({ kind: "cron", cron: "@daily", timezone: "UTC" })).toEqual({
      schedule: "0 0 * * *",
      timeZone: "UTC",
    });
  });

  it("exports an epoch-aligned every that divides an hour or a day exactly, in UTC", () => {
    expect(every(60_000)).toEqual({ schedule: "* * * * *", timeZone: "UTC" });
    expect(every(20 * 60_000)).toEqual({ schedule: "*/20 * * * *", timeZone: "UTC" });
    expect(every(3_600_000)).toEqual({ schedule: "0 * * * *", timeZone: "UTC" });
    expect(every(8 * 3_600_000)).toEqual({ schedule: "0 */8 * * *", timeZone: "UTC" });
    expect(every(86_400_000)).toEqual({ schedule: "0 0 * * *", timeZone: "UTC" });
  });

  it("refuses an every that is no cron, with an approximation when one exists", () => {
    expect(every(7 * 60_000)).toMatchObject({
      approximable: true,
      approximate: { schedule: "*/7 * * * *" },
    });
    expect(every(59.9 * 60_000)).toMatchObject({ approximate: { schedule: "0 * * * *" } });
    expect(every(40 * 86_400_000)).toMatchObject({ approximable: false });
  });

  it("refuses an at schedule without approximation", () => {
    expect(cronJobTiming({ kind: "at", at: 0 })).toMatchObject({ approximable: false });
  });
});

describe("policies", () => {
  it("maps overlap to concurrencyPolicy, warning for the buffer policies", () => {
    expect(concurrencyPolicy("skip")).toEqual({ policy: "Forbid" });
    expect(concurrencyPolicy("allow_all")).toEqual({ policy: "Allow" });
    expect(concurrencyPolicy("cancel_other")).toEqual({ policy: "Replace" });
    expect(concurrencyPolicy("terminate_other")).toEqual({ policy: "Replace" });
    expect(concurrencyPolicy("buffer_all").policy).toBe("Forbid");
    expect(concurrencyPolicy("buffer_one").warning).toContain("no Kubernetes equivalent");
  });

  it("maps catch-up to startingDeadlineSeconds", () => {
    expect(startingDeadline("skip", 3_600_000, false)).toEqual({ seconds: 60 });
    expect(startingDeadline("latest", 3_600_000, false)).toEqual({});
    expect(startingDeadline("latest", 1_800_000, true)).toEqual({ seconds: 1800 });
    expect(startingDeadline("all", 7_200_000, true)).toMatchObject({ seconds: 7200 });
    expect(startingDeadline("all", 7_200_000, true).warning).toContain("only the latest");
  });
});
