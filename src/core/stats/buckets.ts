/**
 * @module core/stats/buckets
 * Job throughput over a window, in equal buckets: the window a stats request covers (defaults
 * and clamps), which bucket an instant falls in, and the zero-filled series built from the
 * store's grouped rows. Pure: no I/O, no clock (the caller passes `now`).
 *
 * The window ends at the end of the bucket holding `now` (the current bucket is the last,
 * still filling one), so bucket boundaries are multiples of the bucket width since the epoch
 * and stay put from one read to the next.
 */
import type { JobState } from "../jobs/states.js";

/** One minute in ms. */
const MINUTE_MS = 60_000;

/** Defaults and limits of a stats window. */
export const STATS_LIMITS = {
  /** Default window: the last hour. */
  defaultWindowMs: 60 * MINUTE_MS,
  /** Default bucket width: one minute. */
  defaultBucketMs: MINUTE_MS,
  /** The longest window: 24 hours. */
  maxWindowMs: 24 * 60 * MINUTE_MS,
  /** The narrowest bucket: one minute. */
  minBucketMs: MINUTE_MS,
  /** At most this many buckets. */
  maxBuckets: 1_440,
} as const;

/** What a caller may ask for (ms); omitted fields take the defaults. */
export interface StatsRequest {
  readonly windowMs?: number;
  readonly bucketMs?: number;
}

/** A resolved window: `[since, until)` in `count` buckets of `bucketMs`. */
export interface StatsWindow {
  readonly since: number;
  readonly until: number;
  readonly bucketMs: number;
  readonly count: number;
}

/** The outcome a finished job is counted under; a timed-out job counts as failed. */
export type StatsOutcome = "succeeded" | "failed" | "cancelled";

/** One bucket of the series. */
export interface StatsBucket {
  /** Start of the bucket (ms since epoch). */
  readonly at: number;
  readonly enqueued: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
}

/** The store's grouped rows for a window (bucket = floor((t - since) / bucketMs)). */
export interface StatsRows {
  readonly finished: readonly { bucket: number; state: JobState; count: number }[];
  readonly enqueued: readonly { bucket: number; count: number }[];
}

/**
 * The window for `request` at `now`: the bucket width clamped to [1 minute, 24 hours] and
 * whole seconds, the window to at most 24 hours and between 1 and 1,440 whole buckets, ending
 * at the end of the bucket that holds `now`.
 */
export function resolveStatsWindow(now: number, request: StatsRequest = {}): StatsWindow {
  const L = STATS_LIMITS;
  const bucketMs = clamp(
    Math.round((request.bucketMs ?? L.defaultBucketMs) / 1000) * 1000,
    L.minBucketMs,
    L.maxWindowMs,
  );
  const windowMs = Math.min(request.windowMs ?? L.defaultWindowMs, L.maxWindowMs);
  const count = clamp(Math.floor(windowMs / bucketMs), 1, L.maxBuckets);
  const until = Math.floor(now / bucketMs) * bucketMs + bucketMs;
  return { since: until - count * bucketMs, until, bucketMs, count };
}

/** The bucket `t` falls in, or null when `t` is outside `[since, until)`. */
export function bucketOf(window: StatsWindow, t: number): number | null {
  if (t < window.since || t >= window.until) return null;
  return Math.floor((t - window.since) / window.bucketMs);
}

/** The outcome a terminal state counts under; null for a state that is not finished. */
export function outcomeOf(state: JobState): StatsOutcome | null {
  switch (state) {
    case "succeeded":
      return "succeeded";
    case "failed":
    case "timed_out":
      return "failed";
    case "cancelled":
      return "cancelled";
    default:
      return null;
  }
}

/** Every bucket of `window`, oldest first, with the counts of `rows` (zero where none). */
export function fillBuckets(window: StatsWindow, rows: StatsRows): StatsBucket[] {
  const buckets = Array.from({ length: window.count }, (_, i) => ({
    at: window.since + i * window.bucketMs,
    enqueued: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
  }));
  const inRange = (b: number) => Number.isInteger(b) && b >= 0 && b < window.count;
  for (const row of rows.enqueued) {
    if (inRange(row.bucket)) buckets[row.bucket]!.enqueued += row.count;
  }
  for (const row of rows.finished) {
    const outcome = outcomeOf(row.state);
    if (outcome !== null && inRange(row.bucket)) buckets[row.bucket]![outcome] += row.count;
  }
  return buckets;
}

/** Sums of a series (for a chart's summary). */
export function totalsOf(buckets: readonly StatsBucket[]): Omit<StatsBucket, "at"> {
  const t = { enqueued: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const b of buckets) {
    t.enqueued += b.enqueued;
    t.succeeded += b.succeeded;
    t.failed += b.failed;
    t.cancelled += b.cancelled;
  }
  return t;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
