/**
 * Tests of slot arithmetic per timing kind: every (aligned to an anchor), at, cron; the latest
 * slot at or before an instant; slot counts; and timing validation.
 */
import { describe, expect, it } from "vitest";
import type { ScheduleTiming } from "./types.js";
import { CronError } from "../cron/cron-error.js";
import { ValidationError } from "../errors.js";
import { countSlots, lastSlotAtOrBefore, nextSlotAfter, validateTiming } from "./timing.js";

const at = (iso: string): number => Date.parse(iso);
const every = (everyMs: number): ScheduleTiming => ({ kind: "every", everyMs });

describe("nextSlotAfter", () => {
  it("every 30s is aligned to the epoch by default: :00 and :30", () => {
    expect(nextSlotAfter(every(30_000), at("2026-01-01T00:00:10Z"))).toBe(
      at("2026-01-01T00:00:30Z"),
    );
    expect(nextSlotAfter(every(30_000), at("2026-01-01T00:00:30Z"))).toBe(
      at("2026-01-01T00:01:00Z"),
    );
    expect(nextSlotAfter(every(30_000), at("2026-01-01T00:00:29.999Z"))).toBe(
      at("2026-01-01T00:00:30Z"),
    );
  });

  it("every is aligned to the anchor when given", () => {
    expect(nextSlotAfter(every(30_000), 10_000, 5_000)).toBe(35_000);
    expect(nextSlotAfter(every(30_000), 35_000, 5_000)).toBe(65_000);
    expect(nextSlotAfter(every(30_000), 0, 5_000)).toBe(5_000);
    expect(nextSlotAfter(every(30_000), -100_000, 5_000)).toBe(-85_000);
  });

  it("at: the instant if after, else null", () => {
    const once: ScheduleTiming = { kind: "at", at: 1_000 };
    expect(nextSlotAfter(once, 999)).toBe(1_000);
    expect(nextSlotAfter(once, 1_000)).toBeNull();
  });

  it("cron uses the DST rule of nextCronFire", () => {
    const cron: ScheduleTiming = { kind: "cron", cron: "30 2 * * *", timezone: "America/New_York" };
    expect(nextSlotAfter(cron, at("2026-03-07T12:00:00Z"))).toBe(at("2026-03-08T07:00:00Z"));
  });
});

describe("lastSlotAtOrBefore and countSlots", () => {
  it("every", () => {
    expect(lastSlotAtOrBefore(every(1_000), 10_500, 0)).toBe(10_000);
    expect(lastSlotAtOrBefore(every(1_000), 10_000, 0)).toBe(10_000);
    expect(lastSlotAtOrBefore(every(1_000), 10_500, 10_600)).toBeNull();
    expect(lastSlotAtOrBefore(every(1_000), 10_500, 0, 250)).toBe(10_250);
    expect(countSlots(every(1_000), 0, 10_000)).toBe(10);
    expect(countSlots(every(1_000), 500, 10_499)).toBe(10);
    expect(countSlots(every(1_000), 10_000, 10_000)).toBe(0);
  });

  it("at", () => {
    const once: ScheduleTiming = { kind: "at", at: 5_000 };
    expect(lastSlotAtOrBefore(once, 6_000, 0)).toBe(5_000);
    expect(lastSlotAtOrBefore(once, 4_000, 0)).toBeNull();
    expect(countSlots(once, 4_999, 5_000)).toBe(1);
    expect(countSlots(once, 5_000, 9_000)).toBe(0);
  });

  it("cron", () => {
    const cron: ScheduleTiming = { kind: "cron", cron: "0 * * * *", timezone: "UTC" };
    expect(lastSlotAtOrBefore(cron, at("2026-01-01T10:30:00Z"), 0)).toBe(
      at("2026-01-01T10:00:00Z"),
    );
    expect(countSlots(cron, at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"))).toBe(24);
  });
});

describe("validateTiming", () => {
  it("accepts good timings", () => {
    expect(() => validateTiming(every(1_000))).not.toThrow();
    expect(() => validateTiming({ kind: "at", at: 0 })).not.toThrow();
    expect(() =>
      validateTiming({ kind: "cron", cron: "@daily", timezone: "Europe/London" }),
    ).not.toThrow();
  });

  it("every: at least 1 s, whole ms", () => {
    expect(() => validateTiming(every(999))).toThrow(/at least 1000 \(1s\)/);
    expect(() => validateTiming(every(1_000.5))).toThrow(ValidationError);
    expect(() => validateTiming(every(Number.NaN))).toThrow(ValidationError);
  });

  it("at: finite", () => {
    expect(() => validateTiming({ kind: "at", at: Number.POSITIVE_INFINITY })).toThrow(
      /at must be a finite instant/,
    );
  });

  it("cron: CronError for the expression or the timezone", () => {
    expect(() => validateTiming({ kind: "cron", cron: "0 0 30 2 *", timezone: "UTC" })).toThrow(
      CronError,
    );
    expect(() =>
      validateTiming({ kind: "cron", cron: "0 0 * * *", timezone: "Moon/Base" }),
    ).toThrow(CronError);
  });

  it("unknown kinds", () => {
    expect(() => validateTiming({ kind: "sometimes" } as unknown as ScheduleTiming)).toThrow(
      /unknown schedule timing/,
    );
  });
});
