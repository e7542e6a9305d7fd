/**
 * Tests of countCronFires and previousCronFire: both must agree with nextCronFire (same DST
 * rule), checked by enumeration over windows around DST transitions, and both must stay fast
 * over a year whatever the schedule's frequency.
 */
import { describe, expect, it } from "vitest";
import { countCronFires } from "./count.js";
import { nextCronFire } from "./next.js";
import { previousCronFire } from "./previous.js";

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;

/** All fires in (after, until], by nextCronFire. */
function enumerate(expr: string, tz: string, after: number, until: number): number[] {
  const out: number[] = [];
  for (
    let t = nextCronFire(expr, tz, after);
    t !== null && t <= until;
    t = nextCronFire(expr, tz, t)
  )
    out.push(t);
  return out;
}

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 0x1_0000_0000;
  };
}

const WINDOWS: [string, string][] = [
  ["America/New_York", "2026-03-08T07:00:00Z"],
  ["America/New_York", "2026-11-01T06:00:00Z"],
  ["Europe/London", "2026-10-25T01:00:00Z"],
  ["Australia/Sydney", "2026-04-04T16:00:00Z"],
  ["Australia/Sydney", "2026-10-03T16:00:00Z"],
  ["Australia/Lord_Howe", "2026-10-03T15:30:00Z"],
  ["UTC", "2026-06-01T00:00:00Z"],
];
const EXPRS = [
  "30 2 * * *",
  "30 1 * * *",
  "0 2,3 * * *",
  "15 2 * * *",
  "0 * * * *",
  "*/20 * * * *",
  "0 */2 * * *",
  "0,30 1 * * *",
  "0 0 13 * 5",
  "*/30 * * * * *",
];

describe("countCronFires agrees with enumeration", () => {
  it.each(WINDOWS)("%s around %s", (tz, transition) => {
    const t0 = at(transition);
    const random = lcg(t0 / 1000);
    for (const expr of EXPRS) {
      const span = expr.split(" ").length === 6 ? 6 * HOUR : 48 * HOUR; // keep enumeration short
      for (let i = 0; i < 6; i++) {
        const a = Math.round(t0 - span + random() * span);
        const b = Math.round(a + random() * span);
        expect({ expr, a, b, n: countCronFires(expr, tz, a, b) }).toEqual({
          expr,
          a,
          b,
          n: enumerate(expr, tz, a, b).length,
        });
      }
      // Boundaries on fires: (f, g] counts g but not f.
      const [f, , g] = enumerate(expr, tz, t0 - 3 * HOUR, t0 + 30 * HOUR);
      if (f !== undefined && g !== undefined) expect(countCronFires(expr, tz, f, g)).toBe(2);
    }
  });

  it("empty and reversed ranges count 0", () => {
    expect(countCronFires("* * * * * *", "UTC", 5_000, 5_000)).toBe(0);
    expect(countCronFires("* * * * * *", "UTC", 9_000, 5_000)).toBe(0);
  });

  it("a year of an every-second schedule is counted exactly (per day, not per fire)", () => {
    const year = countCronFires(
      "* * * * * *",
      "America/New_York",
      at("2026-01-01T00:00:00Z"),
      at("2027-01-01T00:00:00Z"),
    );
    expect(year).toBe(365 * 86_400); // the lost spring hour and the repeated autumn hour cancel out
  });

  it("fixed-time schedules fire once a day through both changes", () => {
    const tz = "America/New_York";
    expect(
      countCronFires("30 2 * * *", tz, at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
    ).toBe(365);
    expect(
      countCronFires("30 1 * * *", tz, at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
    ).toBe(365);
    // Hourly over the local day: 23 real hours in March, 25 in November.
    const localDay = (from: string, to: string): number =>
      countCronFires("0 * * * *", tz, at(from) - 1, at(to) - 1);
    expect(localDay("2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z")).toBe(23);
    expect(localDay("2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z")).toBe(25);
  });
});

describe("previousCronFire", () => {
  it.each(WINDOWS)("agrees with enumeration in %s around %s", (tz, transition) => {
    const t0 = at(transition);
    const random = lcg(t0 / 997);
    for (const expr of EXPRS) {
      const all = enumerate(expr, tz, t0 - 40 * HOUR, t0 + 30 * HOUR);
      for (let i = 0; i < 8; i++) {
        const p = Math.round(t0 - 30 * HOUR + random() * 55 * HOUR);
        const expected = [...all].reverse().find((f) => f <= p) ?? null;
        expect({ expr, p, got: previousCronFire(expr, tz, p, t0 - 40 * HOUR + 1) }).toEqual({
          expr,
          p,
          got: expected,
        });
      }
      if (all.length >= 4) {
        const f = all[3]!;
        expect(previousCronFire(expr, tz, f, 0)).toBe(f); // at a fire: that fire
        expect(previousCronFire(expr, tz, f - 1, 0)).toBe(all[2]);
      }
    }
  });

  it("respects notBefore and returns null when nothing is in range", () => {
    const t = at("2026-06-10T12:00:00Z");
    expect(previousCronFire("0 0 1 1 *", "UTC", t, at("2026-02-01T00:00:00Z"))).toBeNull();
    expect(previousCronFire("0 0 1 1 *", "UTC", t, at("2026-01-01T00:00:00Z"))).toBe(
      at("2026-01-01T00:00:00Z"),
    );
    expect(previousCronFire("0 0 1 1 *", "UTC", t, t + 1)).toBeNull();
  });

  it("finds a fire a year back, whatever the frequency (cost pinned in previous.cost.test.ts)", () => {
    const t = at("2026-12-31T00:00:00.500Z");
    expect(previousCronFire("0 0 1 1 *", "America/New_York", t, 0)).toBe(
      at("2026-01-01T05:00:00Z"),
    );
    expect(previousCronFire("* * * * * *", "America/New_York", t, 0)).toBe(
      at("2026-12-31T00:00:00Z"),
    );
    expect(previousCronFire("30 2 * * *", "America/New_York", at("2026-03-08T08:00:00Z"), 0)).toBe(
      at("2026-03-08T07:00:00Z"),
    );
  });
});
