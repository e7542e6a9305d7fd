/**
 * The cost of planDueSlots over a year-long outage, pinned deterministically: slot steps are
 * counted through mocks that delegate to the real functions, instead of timing with a clock.
 * The bound is `maxRecorded + maxCatchup` steps plus a few searches, whatever the outage.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CatchupPolicy, ScheduleTiming } from "./types.js";

const calls = vi.hoisted(() => ({ nextSlot: 0, lastSlot: 0, countSlots: 0, nextCron: 0 }));

vi.mock("./timing.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("./timing.js")>();
  return {
    ...real,
    nextSlotAfter: (...args: Parameters<typeof real.nextSlotAfter>) => {
      calls.nextSlot++;
      return real.nextSlotAfter(...args);
    },
    lastSlotAtOrBefore: (...args: Parameters<typeof real.lastSlotAtOrBefore>) => {
      calls.lastSlot++;
      return real.lastSlotAtOrBefore(...args);
    },
    countSlots: (...args: Parameters<typeof real.countSlots>) => {
      calls.countSlots++;
      return real.countSlots(...args);
    },
  };
});
vi.mock("../cron/next.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../cron/next.js")>();
  return {
    ...real,
    nextCronFire: (...args: Parameters<typeof real.nextCronFire>) => {
      calls.nextCron++;
      return real.nextCronFire(...args);
    },
  };
});

const { planDueSlots } = await import("./plan-due.js");

const S = 1_000;
const YEAR = 365 * 86_400 * S;
const from = Date.parse("2026-01-01T00:00:00Z");
const now = from + YEAR + 500;

const TIMINGS: [string, ScheduleTiming][] = [
  ["every second", { kind: "every", everyMs: S }],
  [
    "cron every second (New York)",
    { kind: "cron", cron: "* * * * * *", timezone: "America/New_York" },
  ],
];
const POLICIES: CatchupPolicy[] = ["skip", "latest", "all"];

describe("planDueSlots cost over a one-year outage of an every-second schedule", () => {
  beforeEach(() => {
    calls.nextSlot = calls.lastSlot = calls.countSlots = calls.nextCron = 0;
  });

  for (const [name, timing] of TIMINGS) {
    it.each(POLICIES)(`${name}, catch-up %s`, (catchup) => {
      const p = planDueSlots({
        timing,
        nextSlotAt: from,
        now,
        catchup,
        catchupWindowMs: 3_600 * S,
      });
      expect(p.fire).toEqual([{ slotAt: from + YEAR, kind: "fired" }]);
      expect(p.missed).toHaveLength(100);
      expect(p.missedUnrecorded?.count).toBe(365 * 86_400 - 100);
      // maxRecorded (100) + maxCatchup + 1 (101) + the next cursor (1) steps, at most.
      expect(calls.nextSlot).toBeLessThanOrEqual(100 + 101 + 2); // +1: the one-slot fast path probe
      expect(calls.lastSlot).toBeLessThanOrEqual(2);
      expect(calls.countSlots).toBeLessThanOrEqual(2);
      if (timing.kind === "cron") {
        // The steps above, plus two latest-slot searches of O(log outage) calls each.
        expect(calls.nextCron).toBeLessThanOrEqual(100 + 101 + 2 + 2 * (14 + 3 * 36 + 3));
      }
    });
  }
});
