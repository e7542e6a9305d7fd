/**
 * Tests of planDueSlots with concrete timelines: on time, each catch-up policy after
 * downtime, the catch-up window and cap, the listing limit and its summary, one-shot
 * schedules, cron across DST, and year-long outages that must plan quickly.
 */
import { describe, expect, it } from "vitest";
import type { CatchupPolicy, ScheduleTiming } from "./types.js";
import { ValidationError } from "../errors.js";
import { planDueSlots, type PlanDueInput } from "./plan-due.js";

const at = (iso: string): number => Date.parse(iso);
const S = 1_000;
const M = 60_000;
const H = 3_600_000;
const T = at("2026-05-01T12:00:00Z");
const everyMinute: ScheduleTiming = { kind: "every", everyMs: M };
const every10m: ScheduleTiming = { kind: "every", everyMs: 10 * M };

function plan(partial: Partial<PlanDueInput> & { catchup: CatchupPolicy; now: number }) {
  return planDueSlots({ timing: everyMinute, nextSlotAt: T, catchupWindowMs: H, ...partial });
}

describe("nothing due, and on time", () => {
  it("cursor in the future: nothing to do, cursor unchanged", () => {
    expect(plan({ catchup: "all", now: T - 1 })).toEqual({
      fire: [],
      missed: [],
      missedUnrecorded: null,
      warnings: [],
      nextSlotAt: T,
    });
  });

  it.each(["skip", "latest", "all"] as const)("%s: an on-time slot fires as `fired`", (catchup) => {
    expect(plan({ catchup, now: T + 500 })).toEqual({
      fire: [{ slotAt: T, kind: "fired" }],
      missed: [],
      missedUnrecorded: null,
      warnings: [],
      nextSlotAt: T + M,
    });
  });

  it("exactly at the slot is on time; onTimeMs is inclusive", () => {
    const timing = every10m;
    expect(plan({ timing, catchup: "skip", now: T }).fire).toEqual([{ slotAt: T, kind: "fired" }]);
    expect(plan({ timing, catchup: "skip", now: T + 60 * S }).fire).toEqual([
      { slotAt: T, kind: "fired" },
    ]);
    expect(plan({ timing, catchup: "skip", now: T + 60 * S + 1 }).fire).toEqual([]);
  });
});

describe("downtime ending just before an on-time slot (every minute, 11 slots due, latest 5 s late)", () => {
  const now = T + 10 * M + 5 * S;
  const slots = (from: number, to: number): number[] => {
    const out: number[] = [];
    for (let i = from; i <= to; i++) out.push(T + i * M);
    return out;
  };

  it("skip: the on-time slot fires, the 10 missed ones are recorded", () => {
    const p = plan({ catchup: "skip", now });
    expect(p.fire).toEqual([{ slotAt: T + 10 * M, kind: "fired" }]);
    expect(p.missed).toEqual(slots(0, 9).map((slotAt) => ({ slotAt, reason: "catchup_skip" })));
    expect(p.nextSlotAt).toBe(T + 11 * M);
  });

  it("latest: same as skip when the latest is on time", () => {
    expect(plan({ catchup: "latest", now })).toEqual(plan({ catchup: "skip", now }));
  });

  it("all with a 5-minute window: the window's slots are caught up oldest first, older ones missed", () => {
    const p = plan({ catchup: "all", now, catchupWindowMs: 5 * M });
    // Window starts at T+5m05s: T+6m .. T+9m are caught up, T+10m is on time.
    expect(p.fire).toEqual([
      ...slots(6, 9).map((slotAt) => ({ slotAt, kind: "caught_up" })),
      { slotAt: T + 10 * M, kind: "fired" },
    ]);
    expect(p.missed).toEqual(
      slots(0, 5).map((slotAt) => ({ slotAt, reason: "outside_catchup_window" })),
    );
    expect(p.warnings).toEqual([]);
  });

  it("all: exactly maxCatchup slots in the window are all caught up", () => {
    const p = plan({ catchup: "all", now, maxCatchup: 10 });
    expect(p.fire).toHaveLength(11);
    expect(p.fire.slice(0, 10).every((f) => f.kind === "caught_up")).toBe(true);
    expect(p.missed).toEqual([]);
  });

  it("all past the cap: a warning, only the latest slot fires, the rest are missed (catchup_cap)", () => {
    const p = plan({ catchup: "all", now, maxCatchup: 3 });
    expect(p.fire).toEqual([{ slotAt: T + 10 * M, kind: "fired" }]);
    expect(p.missed).toEqual(slots(0, 9).map((slotAt) => ({ slotAt, reason: "catchup_cap" })));
    expect(p.warnings).toEqual([
      "catch-up capped: 10 missed slots within the catch-up window exceed maxCatchup 3; only the latest slot " +
        "(2026-05-01T12:10:00.000Z) runs and the others are recorded as missed (catchup_cap)",
    ]);
  });

  it("all past the cap with part of the outage outside the window: reasons differ by slot", () => {
    const p = plan({ catchup: "all", now, maxCatchup: 2, catchupWindowMs: 5 * M });
    expect(p.fire).toEqual([{ slotAt: T + 10 * M, kind: "fired" }]);
    expect(p.missed.map((m) => m.reason)).toEqual([
      ...Array<string>(6).fill("outside_catchup_window"),
      ...Array<string>(4).fill("catchup_cap"),
    ]);
  });
});

describe("downtime with the latest slot late (every 10 minutes, now = T + 35m)", () => {
  const now = T + 35 * M;
  const base = { timing: every10m, now };

  it("skip: nothing runs, all four are missed", () => {
    const p = plan({ ...base, catchup: "skip" });
    expect(p.fire).toEqual([]);
    expect(p.missed).toEqual(
      [0, 10, 20, 30].map((m) => ({ slotAt: T + m * M, reason: "catchup_skip" })),
    );
    expect(p.nextSlotAt).toBe(T + 40 * M);
  });

  it("latest: the latest runs as caught_up, the others are missed", () => {
    const p = plan({ ...base, catchup: "latest" });
    expect(p.fire).toEqual([{ slotAt: T + 30 * M, kind: "caught_up" }]);
    expect(p.missed).toEqual(
      [0, 10, 20].map((m) => ({ slotAt: T + m * M, reason: "catchup_skip" })),
    );
  });

  it("all, 1 h window: all four are caught up, oldest first", () => {
    const p = plan({ ...base, catchup: "all" });
    expect(p.fire).toEqual([0, 10, 20, 30].map((m) => ({ slotAt: T + m * M, kind: "caught_up" })));
    expect(p.missed).toEqual([]);
  });

  it("all, 20 m window: the two recent ones run, the two older are outside the window", () => {
    const p = plan({ ...base, catchup: "all", catchupWindowMs: 20 * M });
    expect(p.fire).toEqual([20, 30].map((m) => ({ slotAt: T + m * M, kind: "caught_up" })));
    expect(p.missed).toEqual(
      [0, 10].map((m) => ({ slotAt: T + m * M, reason: "outside_catchup_window" })),
    );
  });

  it("all, 1 m window: nothing is recent enough", () => {
    const p = plan({ ...base, catchup: "all", catchupWindowMs: M });
    expect(p.fire).toEqual([]);
    expect(p.missed.every((m) => m.reason === "outside_catchup_window")).toBe(true);
    expect(p.missed).toHaveLength(4);
  });

  it("onTimeMs widens what counts as on time", () => {
    const p = plan({ ...base, catchup: "skip", onTimeMs: 10 * M });
    expect(p.fire).toEqual([{ slotAt: T + 30 * M, kind: "fired" }]);
  });
});

describe("listing limit", () => {
  it("the oldest maxRecorded missed slots are listed, the rest summarised", () => {
    // 300 slots due (T .. T+299m); the latest is on time.
    const p = plan({ catchup: "skip", now: T + 299 * M + S });
    expect(p.fire).toEqual([{ slotAt: T + 299 * M, kind: "fired" }]);
    expect(p.missed).toHaveLength(100);
    expect(p.missed[0]).toEqual({ slotAt: T, reason: "catchup_skip" });
    expect(p.missed[99]).toEqual({ slotAt: T + 99 * M, reason: "catchup_skip" });
    expect(p.missedUnrecorded).toEqual({ count: 199, from: T + 100 * M, to: T + 298 * M });
  });

  it("maxRecorded 0 summarises everything", () => {
    const p = plan({ catchup: "skip", now: T + 9 * M + S, maxRecorded: 0 });
    expect(p.missed).toEqual([]);
    expect(p.missedUnrecorded).toEqual({ count: 9, from: T, to: T + 8 * M });
  });
});

describe("one-shot (at) schedules", () => {
  const once: ScheduleTiming = { kind: "at", at: T };

  it("on time: fired, then never again", () => {
    expect(
      planDueSlots({
        timing: once,
        nextSlotAt: T,
        now: T + 30 * S,
        catchup: "skip",
        catchupWindowMs: H,
      }),
    ).toEqual({
      fire: [{ slotAt: T, kind: "fired" }],
      missed: [],
      missedUnrecorded: null,
      warnings: [],
      nextSlotAt: null,
    });
  });

  it("two hours late: per policy", () => {
    const input = { timing: once, nextSlotAt: T, now: T + 2 * H, catchupWindowMs: H };
    expect(planDueSlots({ ...input, catchup: "skip" }).missed).toEqual([
      { slotAt: T, reason: "catchup_skip" },
    ]);
    expect(planDueSlots({ ...input, catchup: "latest" }).fire).toEqual([
      { slotAt: T, kind: "caught_up" },
    ]);
    expect(planDueSlots({ ...input, catchup: "all" }).missed).toEqual([
      { slotAt: T, reason: "outside_catchup_window" },
    ]);
    expect(planDueSlots({ ...input, catchup: "all", catchupWindowMs: 3 * H }).fire).toEqual([
      { slotAt: T, kind: "caught_up" },
    ]);
  });
});

describe("cron schedules", () => {
  it("a missed day across spring-forward (30 2 * * * in New York)", () => {
    const timing: ScheduleTiming = {
      kind: "cron",
      cron: "30 2 * * *",
      timezone: "America/New_York",
    };
    const p = planDueSlots({
      timing,
      nextSlotAt: at("2026-03-07T07:30:00Z"),
      now: at("2026-03-08T07:00:30Z"),
      catchup: "skip",
      catchupWindowMs: H,
    });
    expect(p.fire).toEqual([{ slotAt: at("2026-03-08T07:00:00Z"), kind: "fired" }]);
    expect(p.missed).toEqual([{ slotAt: at("2026-03-07T07:30:00Z"), reason: "catchup_skip" }]);
    expect(p.nextSlotAt).toBe(at("2026-03-09T06:30:00Z"));
  });

  it("all: a day of hourly slots within a 6 h window", () => {
    const timing: ScheduleTiming = { kind: "cron", cron: "0 * * * *", timezone: "UTC" };
    const p = planDueSlots({
      timing,
      nextSlotAt: at("2026-05-01T00:00:00Z"),
      now: at("2026-05-01T23:30:00Z"),
      catchup: "all",
      catchupWindowMs: 6 * H,
    });
    expect(p.fire.map((f) => new Date(f.slotAt).toISOString().slice(11, 13))).toEqual([
      "18",
      "19",
      "20",
      "21",
      "22",
      "23",
    ]);
    expect(p.fire.every((f) => f.kind === "caught_up")).toBe(true);
    expect(p.missed).toHaveLength(18);
    expect(p.nextSlotAt).toBe(at("2026-05-02T00:00:00Z"));
  });
});

describe("one-year outages (their cost is pinned in plan-due.cost.test.ts)", () => {
  it("every second, catch-up all with a 1 h window", () => {
    const now = T + 365 * 86_400 * S + 500;
    const p = planDueSlots({
      timing: { kind: "every", everyMs: S },
      nextSlotAt: T,
      now,
      catchup: "all",
      catchupWindowMs: H,
    });
    const latest = T + 365 * 86_400 * S;
    expect(p.fire).toEqual([{ slotAt: latest, kind: "fired" }]);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toContain(
      "3599 missed slots within the catch-up window exceed maxCatchup 100",
    );
    expect(p.missed).toHaveLength(100);
    expect(p.missed[0]).toEqual({ slotAt: T, reason: "outside_catchup_window" });
    expect(p.missedUnrecorded).toEqual({
      count: 365 * 86_400 - 100,
      from: T + 100 * S,
      to: latest - S,
    });
    expect(p.nextSlotAt).toBe(latest + S);
  });

  it("every second as cron, in New York, catch-up latest", () => {
    const from = at("2026-01-01T00:00:00Z");
    const now = at("2027-01-01T00:00:00.250Z");
    const timing: ScheduleTiming = {
      kind: "cron",
      cron: "* * * * * *",
      timezone: "America/New_York",
    };
    const p = planDueSlots({
      timing,
      nextSlotAt: from,
      now,
      catchup: "latest",
      catchupWindowMs: H,
    });
    expect(p.fire).toEqual([{ slotAt: at("2027-01-01T00:00:00Z"), kind: "fired" }]);
    expect(p.missed).toHaveLength(100);
    expect(p.missedUnrecorded).toEqual({
      count: 365 * 86_400 - 100,
      from: from + 100 * S,
      to: at("2026-12-31T23:59:59Z"),
    });
    expect(p.nextSlotAt).toBe(at("2027-01-01T00:00:01Z"));
  });

  it("every second as cron, catch-up all, hits the cap quickly", () => {
    const timing: ScheduleTiming = {
      kind: "cron",
      cron: "* * * * * *",
      timezone: "Australia/Sydney",
    };
    const p = planDueSlots({
      timing,
      nextSlotAt: at("2026-01-01T00:00:00Z"),
      now: at("2027-01-01T00:00:00Z") + 90 * S,
      catchup: "all",
      catchupWindowMs: 86_400 * S,
    });
    expect(p.fire).toEqual([{ slotAt: at("2027-01-01T00:01:30Z"), kind: "fired" }]);
    expect(p.warnings[0]).toContain("86400 missed slots within the catch-up window");
    expect(p.missedUnrecorded?.count).toBe(365 * 86_400 + 90 - 100);
  });
});

describe("validation", () => {
  it("rejects bad numbers and policies", () => {
    expect(() => plan({ catchup: "sometimes" as CatchupPolicy, now: T })).toThrow(
      /catchup must be/,
    );
    expect(() => plan({ catchup: "all", now: T, catchupWindowMs: -1 })).toThrow(
      /catchupWindowMs must be a whole number >= 0/,
    );
    expect(() => plan({ catchup: "all", now: T, maxCatchup: 0 })).toThrow(/maxCatchup/);
    expect(() => plan({ catchup: "all", now: Number.NaN })).toThrow(ValidationError);
    expect(() => plan({ catchup: "all", now: T, timing: { kind: "every", everyMs: 10 } })).toThrow(
      ValidationError,
    );
  });
});
