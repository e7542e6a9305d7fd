import { describe, expect, it } from "vitest";
import {
  describeTiming,
  explainCron,
  explainEvery,
  formatInZone,
  historyKindLabel,
  historyReasonText,
  scheduleZone,
  timingOf,
} from "../../dashboard/src/schedule-view.js";

describe("dashboard schedule timing in words", () => {
  it("reads the API's timing shapes, and refuses others", () => {
    expect(timingOf({ kind: "cron", cron: "0 * * * *", timezone: "Europe/Paris" })).toEqual({
      kind: "cron",
      cron: "0 * * * *",
      timezone: "Europe/Paris",
    });
    expect(timingOf({ kind: "every", everyMs: 60_000 })).toEqual({
      kind: "every",
      everyMs: 60_000,
    });
    expect(timingOf({ kind: "at", at: 5 })).toEqual({ kind: "at", at: 5 });
    expect(timingOf({ kind: "rrule" })).toBeNull();
  });

  it("explains cron (nicknames too) with its zone; unreadable text stays as it is", () => {
    expect(explainCron("*/15 * * * *")).toBe("Every 15 minutes");
    expect(explainCron("@daily")).toBe("At 00:00");
    expect(explainCron("not cron")).toBe("not cron");
    expect(describeTiming({ kind: "cron", cron: "30 2 * * *", timezone: "Asia/Tokyo" })).toBe(
      "At 02:30 (Asia/Tokyo)",
    );
  });

  it("says intervals in the largest unit that divides them", () => {
    expect(explainEvery(60_000)).toBe("Every minute");
    expect(explainEvery(90_000)).toBe("Every 90 seconds");
    expect(explainEvery(2 * 3_600_000)).toBe("Every 2 hours");
    expect(explainEvery(1500)).toBe("Every 1500 milliseconds");
  });
});

describe("dashboard schedule instants and history", () => {
  const at = Date.parse("2026-12-03T16:00:00Z");
  it("shows an instant in the schedule's zone, UTC for unknown zones and non-cron timings", () => {
    expect(formatInZone(at, "Asia/Tokyo")).toMatch(/01:00/);
    expect(formatInZone(at, "Nowhere/Atlantis")).toMatch(/16:00 UTC/);
    expect(scheduleZone({ kind: "every", everyMs: 1000 })).toBe("UTC");
    expect(scheduleZone({ kind: "cron", cron: "* * * * *", timezone: "America/Lima" })).toBe(
      "America/Lima",
    );
  });

  it("words history kinds and reasons, unknown codes kept readable", () => {
    expect(historyKindLabel("caught_up")).toBe("caught up");
    expect(historyKindLabel("fired")).toBe("fired");
    expect(historyReasonText("overlap")).toBe("the previous job was still active");
    expect(historyReasonText("catchup_skip")).toBe("the catch-up policy skips missed slots");
    expect(historyReasonText("timed_out")).toBe("timed out");
    expect(historyReasonText(null)).toBeNull();
  });
});
