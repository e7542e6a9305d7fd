/** Tests of data intervals and catch-up: both semantics, catch-up on and off, endDate, caps, and DST in Europe/Paris. */
import { describe, expect, it } from "vitest";
import type { WorkflowSchedule } from "./definition.js";
import {
  manualDataInterval,
  planScheduledRuns,
  type RunSlot,
  type ScheduledRunsInput,
} from "./intervals.js";

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
const show = (s: RunSlot): string[] => [
  iso(s.logicalDate) ?? "",
  `${iso(s.dataInterval.start)}..${iso(s.dataInterval.end)}`,
  iso(s.runAfter) ?? "",
];
const paris = (cron: string): WorkflowSchedule => ({
  kind: "cron",
  cron,
  timezone: "Europe/Paris",
});
const base = (over: Partial<ScheduledRunsInput>): ScheduledRunsInput => ({
  schedule: paris("0 3 * * *"),
  runSemantics: "dataInterval",
  startDate: ms("2026-03-27T00:00:00Z"),
  endDate: null,
  catchup: true,
  latestLogicalDate: null,
  now: ms("2026-03-31T00:00:00Z"),
  cap: 100,
  ...over,
});

describe("planScheduledRuns, dataInterval semantics", () => {
  it("daily 03:00 Paris over spring forward: one run per complete interval, the short day is 23h", () => {
    const plan = planScheduledRuns(base({}));
    expect(plan.create.map(show)).toEqual([
      [
        "2026-03-27T02:00:00.000Z",
        "2026-03-27T02:00:00.000Z..2026-03-28T02:00:00.000Z",
        "2026-03-28T02:00:00.000Z",
      ],
      [
        "2026-03-28T02:00:00.000Z",
        "2026-03-28T02:00:00.000Z..2026-03-29T01:00:00.000Z",
        "2026-03-29T01:00:00.000Z",
      ],
      [
        "2026-03-29T01:00:00.000Z",
        "2026-03-29T01:00:00.000Z..2026-03-30T01:00:00.000Z",
        "2026-03-30T01:00:00.000Z",
      ],
    ]);
    expect(plan.skipped).toEqual([]);
    expect(plan.more).toBe(false);
    // The interval starting 2026-03-30 01:00Z ends (and is due) 2026-03-31 01:00Z, after now.
    expect(iso(plan.nextRunAfter)).toBe("2026-03-31T01:00:00.000Z");
  });

  it("daily 03:00 Paris over fall back: the long day is 25h", () => {
    const plan = planScheduledRuns(
      base({ startDate: ms("2026-10-24T00:00:00Z"), now: ms("2026-10-26T12:00:00Z") }),
    );
    expect(plan.create.map(show)).toEqual([
      [
        "2026-10-24T01:00:00.000Z",
        "2026-10-24T01:00:00.000Z..2026-10-25T02:00:00.000Z",
        "2026-10-25T02:00:00.000Z",
      ],
      [
        "2026-10-25T02:00:00.000Z",
        "2026-10-25T02:00:00.000Z..2026-10-26T02:00:00.000Z",
        "2026-10-26T02:00:00.000Z",
      ],
    ]);
  });

  it("daily 02:30 Paris: the missing 02:30 fires at 03:00 CEST, the repeated one once", () => {
    const spring = planScheduledRuns(
      base({
        schedule: paris("30 2 * * *"),
        startDate: ms("2026-03-28T00:00:00Z"),
        now: ms("2026-03-30T12:00:00Z"),
      }),
    );
    expect(spring.create.map((s) => iso(s.logicalDate))).toEqual([
      "2026-03-28T01:30:00.000Z",
      "2026-03-29T01:00:00.000Z",
    ]);
    const fall = planScheduledRuns(
      base({
        schedule: paris("30 2 * * *"),
        startDate: ms("2026-10-24T12:00:00Z"),
        now: ms("2026-10-26T12:00:00Z"),
      }),
    );
    expect(fall.create.map(show)).toEqual([
      [
        "2026-10-25T00:30:00.000Z",
        "2026-10-25T00:30:00.000Z..2026-10-26T01:30:00.000Z",
        "2026-10-26T01:30:00.000Z",
      ],
    ]);
  });

  it("hourly Paris over both changes: every interval is one real hour, none lost or doubled", () => {
    const hourly = paris("0 * * * *");
    for (const [start, now] of [
      ["2026-03-28T23:00:00Z", "2026-03-29T04:00:00Z"],
      ["2026-10-24T22:00:00Z", "2026-10-25T03:00:00Z"],
    ] as const) {
      const plan = planScheduledRuns(
        base({ schedule: hourly, startDate: ms(start), now: ms(now) }),
      );
      expect(plan.create).toHaveLength(5);
      plan.create.forEach((s, i) => {
        expect(s.logicalDate).toBe(ms(start) + i * 3_600_000);
        expect(s.dataInterval.end - s.dataInterval.start).toBe(3_600_000);
      });
    }
  });

  it("resumes after the latest logical date that has a run", () => {
    const plan = planScheduledRuns(base({ latestLogicalDate: ms("2026-03-28T02:00:00Z") }));
    expect(plan.create.map((s) => iso(s.logicalDate))).toEqual(["2026-03-29T01:00:00.000Z"]);
  });

  it("creates nothing before startDate's first interval has ended", () => {
    const plan = planScheduledRuns(base({ now: ms("2026-03-28T01:59:59Z") }));
    expect(plan.create).toEqual([]);
    expect(iso(plan.nextRunAfter)).toBe("2026-03-28T02:00:00.000Z");
  });

  it("catch-up off: creates only the latest interval and reports the others skipped", () => {
    const plan = planScheduledRuns(base({ catchup: false }));
    expect(plan.create.map((s) => iso(s.logicalDate))).toEqual(["2026-03-29T01:00:00.000Z"]);
    expect(plan.skipped.map((s) => iso(s.logicalDate))).toEqual([
      "2026-03-27T02:00:00.000Z",
      "2026-03-28T02:00:00.000Z",
    ]);
    expect(plan.skippedCount).toBe(2);
  });

  it("catch-up off from a year back: skipped listed up to the cap, counted in full", () => {
    const plan = planScheduledRuns(
      base({ catchup: false, startDate: ms("2025-03-30T00:00:00Z"), cap: 3 }),
    );
    expect(plan.create.map((s) => iso(s.logicalDate))).toEqual(["2026-03-29T01:00:00.000Z"]);
    expect(plan.skipped).toHaveLength(3);
    expect(iso(plan.skipped[0]?.logicalDate ?? null)).toBe("2025-03-30T01:00:00.000Z");
    expect(plan.skippedCount).toBe(364);
  });

  it("catch-up on: the cap cuts the batch and says more are due", () => {
    const first = planScheduledRuns(base({ cap: 2 }));
    expect(first.create).toHaveLength(2);
    expect(first.more).toBe(true);
    expect(iso(first.nextRunAfter)).toBe("2026-03-30T01:00:00.000Z");
    const second = planScheduledRuns(
      base({ cap: 2, latestLogicalDate: first.create[1]?.logicalDate ?? null }),
    );
    expect(second.create.map((s) => iso(s.logicalDate))).toEqual(["2026-03-29T01:00:00.000Z"]);
    expect(second.more).toBe(false);
  });

  it("endDate (inclusive) bounds the logical dates, and nothing comes after it", () => {
    const plan = planScheduledRuns(base({ endDate: ms("2026-03-28T02:00:00Z") }));
    expect(plan.create.map((s) => iso(s.logicalDate))).toEqual([
      "2026-03-27T02:00:00.000Z",
      "2026-03-28T02:00:00.000Z",
    ]);
    expect(plan.nextRunAfter).toBeNull();
    const done = planScheduledRuns(
      base({ endDate: ms("2026-03-28T02:00:00Z"), latestLogicalDate: ms("2026-03-28T02:00:00Z") }),
    );
    expect(done.create).toEqual([]);
    expect(done.nextRunAfter).toBeNull();
  });

  it("every: slots are anchored at startDate", () => {
    const plan = planScheduledRuns(
      base({
        schedule: { kind: "every", everyMs: 3_600_000 },
        startDate: ms("2026-01-01T00:20:00Z"),
        now: ms("2026-01-01T03:00:00Z"),
      }),
    );
    expect(plan.create.map(show)).toEqual([
      [
        "2026-01-01T00:20:00.000Z",
        "2026-01-01T00:20:00.000Z..2026-01-01T01:20:00.000Z",
        "2026-01-01T01:20:00.000Z",
      ],
      [
        "2026-01-01T01:20:00.000Z",
        "2026-01-01T01:20:00.000Z..2026-01-01T02:20:00.000Z",
        "2026-01-01T02:20:00.000Z",
      ],
    ]);
  });

  it("rejects a cap below 1", () => {
    expect(() => planScheduledRuns(base({ cap: 0 }))).toThrow(/cap/);
  });
});

describe("planScheduledRuns, trigger semantics", () => {
  it("logical date = fire time, interval from the previous fire, over spring forward", () => {
    const plan = planScheduledRuns(base({ runSemantics: "trigger" }));
    expect(plan.create.map(show)).toEqual([
      [
        "2026-03-27T02:00:00.000Z",
        "2026-03-26T02:00:00.000Z..2026-03-27T02:00:00.000Z",
        "2026-03-27T02:00:00.000Z",
      ],
      [
        "2026-03-28T02:00:00.000Z",
        "2026-03-27T02:00:00.000Z..2026-03-28T02:00:00.000Z",
        "2026-03-28T02:00:00.000Z",
      ],
      [
        "2026-03-29T01:00:00.000Z",
        "2026-03-28T02:00:00.000Z..2026-03-29T01:00:00.000Z",
        "2026-03-29T01:00:00.000Z",
      ],
      [
        "2026-03-30T01:00:00.000Z",
        "2026-03-29T01:00:00.000Z..2026-03-30T01:00:00.000Z",
        "2026-03-30T01:00:00.000Z",
      ],
    ]);
    expect(iso(plan.nextRunAfter)).toBe("2026-03-31T01:00:00.000Z");
  });

  it("hourly over fall back fires both 02:00s", () => {
    const plan = planScheduledRuns(
      base({
        runSemantics: "trigger",
        schedule: paris("0 * * * *"),
        startDate: ms("2026-10-24T23:30:00Z"),
        now: ms("2026-10-25T02:00:00Z"),
      }),
    );
    expect(plan.create.map((s) => iso(s.logicalDate))).toEqual([
      "2026-10-25T00:00:00.000Z", // 02:00 CEST
      "2026-10-25T01:00:00.000Z", // 02:00 CET
      "2026-10-25T02:00:00.000Z",
    ]);
  });

  it("catch-up off creates the latest fire and skips the rest; endDate bounds fires", () => {
    const plan = planScheduledRuns(base({ runSemantics: "trigger", catchup: false }));
    expect(plan.create.map((s) => iso(s.logicalDate))).toEqual(["2026-03-30T01:00:00.000Z"]);
    expect(plan.skippedCount).toBe(3);
    const ended = planScheduledRuns(
      base({ runSemantics: "trigger", endDate: ms("2026-03-28T12:00:00Z") }),
    );
    expect(ended.create).toHaveLength(2);
    expect(ended.nextRunAfter).toBeNull();
  });
});

describe("manualDataInterval", () => {
  it("dataInterval: the latest complete interval ending at or before the logical date", () => {
    const i = manualDataInterval(paris("0 3 * * *"), "dataInterval", ms("2026-03-29T12:00:00Z"));
    expect([iso(i.start), iso(i.end)]).toEqual([
      "2026-03-28T02:00:00.000Z",
      "2026-03-29T01:00:00.000Z",
    ]);
  });

  it("trigger: from the latest fire before the logical date", () => {
    const i = manualDataInterval(paris("0 3 * * *"), "trigger", ms("2026-03-29T12:00:00Z"));
    expect([iso(i.start), iso(i.end)]).toEqual([
      "2026-03-29T01:00:00.000Z",
      "2026-03-29T12:00:00.000Z",
    ]);
  });

  it("no schedule: an empty interval at the logical date", () => {
    expect(manualDataInterval(null, "dataInterval", 5)).toEqual({ start: 5, end: 5 });
  });
});
