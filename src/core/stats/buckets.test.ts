import { describe, expect, it } from "vitest";
import {
  STATS_LIMITS,
  bucketOf,
  fillBuckets,
  outcomeOf,
  resolveStatsWindow,
  totalsOf,
} from "./buckets.js";

const MIN = 60_000;
const NOW = 28_333_333 * 60_000 + 25_000; // 25 s into a minute

describe("resolveStatsWindow", () => {
  it("defaults to the last hour in one-minute buckets ending with the current minute", () => {
    const w = resolveStatsWindow(NOW);
    expect(w.bucketMs).toBe(MIN);
    expect(w.count).toBe(60);
    expect(w.until).toBe(NOW - 25_000 + MIN);
    expect(w.until - w.since).toBe(60 * MIN);
    expect(w.since % MIN).toBe(0);
  });

  it("clamps the window to 24 hours and the bucket to at least a minute", () => {
    const w = resolveStatsWindow(NOW, { windowMs: 48 * 60 * MIN, bucketMs: 1_000 });
    expect(w.bucketMs).toBe(MIN);
    expect(w.count).toBe(STATS_LIMITS.maxBuckets);
    expect(w.until - w.since).toBe(STATS_LIMITS.maxWindowMs);
  });

  it("keeps whole buckets and at least one", () => {
    expect(resolveStatsWindow(NOW, { windowMs: 10 * MIN + 1, bucketMs: 5 * MIN }).count).toBe(2);
    expect(resolveStatsWindow(NOW, { windowMs: MIN, bucketMs: 5 * MIN }).count).toBe(1);
    expect(resolveStatsWindow(NOW, { bucketMs: 90_400 }).bucketMs).toBe(90_000);
  });
});

describe("bucketOf", () => {
  const w = { since: 1_000, until: 4_000, bucketMs: 1_000, count: 3 };
  it("is floor((t - since) / width), the end excluded", () => {
    expect(bucketOf(w, 999)).toBeNull();
    expect(bucketOf(w, 1_000)).toBe(0);
    expect(bucketOf(w, 1_999)).toBe(0);
    expect(bucketOf(w, 3_999)).toBe(2);
    expect(bucketOf(w, 4_000)).toBeNull();
  });
});

describe("fillBuckets", () => {
  const w = { since: 0, until: 3 * MIN, bucketMs: MIN, count: 3 };
  it("zero-fills and maps states to outcomes (timed out counts as failed)", () => {
    const buckets = fillBuckets(w, {
      enqueued: [{ bucket: 2, count: 4 }],
      finished: [
        { bucket: 0, state: "succeeded", count: 2 },
        { bucket: 0, state: "failed", count: 1 },
        { bucket: 0, state: "timed_out", count: 1 },
        { bucket: 2, state: "cancelled", count: 3 },
        { bucket: 1, state: "running", count: 9 },
        { bucket: 7, state: "succeeded", count: 9 },
      ],
    });
    expect(buckets).toEqual([
      { at: 0, enqueued: 0, succeeded: 2, failed: 2, cancelled: 0 },
      { at: MIN, enqueued: 0, succeeded: 0, failed: 0, cancelled: 0 },
      { at: 2 * MIN, enqueued: 4, succeeded: 0, failed: 0, cancelled: 3 },
    ]);
    expect(totalsOf(buckets)).toEqual({ enqueued: 4, succeeded: 2, failed: 2, cancelled: 3 });
  });

  it("knows which states are finished", () => {
    expect(outcomeOf("stopped")).toBeNull();
    expect(outcomeOf("timed_out")).toBe("failed");
  });
});
