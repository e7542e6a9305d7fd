/** Tests of jitterFor: bounds, never reaching the next slot, determinism and spread. */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { fnv1a32, jitterFor } from "./jitter.js";

const T = Date.parse("2026-05-01T12:00:00Z");

describe("jitterFor", () => {
  it("is deterministic: same schedule and slot, same delay", () => {
    expect(jitterFor("sched-a", T, 30_000, null)).toBe(jitterFor("sched-a", T, 30_000, null));
  });

  it("stays in [0, jitterMs), whole ms, over many slots", () => {
    for (let i = 0; i < 2_000; i++) {
      const d = jitterFor("sched-a", T + i * 60_000, 30_000, null);
      expect(Number.isInteger(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(30_000);
    }
  });

  it("never reaches the next slot", () => {
    for (let i = 0; i < 2_000; i++) {
      const slot = T + i * 1_000;
      expect(jitterFor(`s${i}`, slot, 60_000, slot + 1_000)).toBeLessThan(1_000);
    }
    expect(jitterFor("s", T, 60_000, T + 1)).toBe(0);
    expect(jitterFor("s", T, 60_000, T)).toBe(0);
  });

  it("zero or sub-millisecond jitter is no delay", () => {
    expect(jitterFor("s", T, 0, null)).toBe(0);
    expect(jitterFor("s", T, 1, null)).toBe(0);
  });

  it("spreads schedules and slots apart", () => {
    const bySchedule = new Set(
      Array.from({ length: 200 }, (_, i) => jitterFor(`schedule-${i}`, T, 60_000, null)),
    );
    expect(bySchedule.size).toBeGreaterThan(190);
    const bySlot = new Set(
      Array.from({ length: 200 }, (_, i) => jitterFor("schedule", T + i * 60_000, 60_000, null)),
    );
    expect(bySlot.size).toBeGreaterThan(190);
    // Roughly uniform: the mean of many delays is near the middle of the range.
    const delays = Array.from({ length: 5_000 }, (_, i) => jitterFor(`x${i}`, T, 1_000, null));
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).toBeGreaterThan(450);
    expect(mean).toBeLessThan(550);
  });

  it("works for huge jitter without reaching the bound", () => {
    const d = jitterFor("s", T, 2 ** 52, null);
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThan(2 ** 52);
  });

  it("rejects negative or non-finite jitter", () => {
    expect(() => jitterFor("s", T, -1, null)).toThrow(ValidationError);
    expect(() => jitterFor("s", T, Number.POSITIVE_INFINITY, null)).toThrow(ValidationError);
  });
});

describe("fnv1a32", () => {
  it("matches the published FNV-1a test vectors", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });
});
