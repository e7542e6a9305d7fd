/**
 * @module runtime/stats
 * `kairos.jobStats()` (`client.stats()`, GET /stats) and `kairos.metricsSnapshot()`: job throughput per bucket over a window
 * (core/stats/buckets over the store's grouped `jobStats` read) with the live counts of the
 * metrics snapshot (jobs by function and state, queue depth and oldest waiting per function,
 * live runs), read once and shared by both.
 */
import { fillBuckets, resolveStatsWindow, type StatsRequest } from "../core/stats/buckets.js";
import type { MetricsSnapshot } from "./client.js";
import type { KairosDeps } from "./engine-options.js";

/** What `kairos.jobStats` takes (ms): defaults one hour in one-minute buckets (see core/stats). */
export type StatsOptions = StatsRequest;

/** One bucket of throughput: jobs created and jobs finished by outcome (timed out = failed). */
export interface StatsBucketView {
  /** Start of the bucket. */
  readonly at: Date;
  readonly enqueued: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
}

/** What `kairos.jobStats` answers. */
export interface JobStats {
  /** When it was read (the window ends at the end of the bucket holding it). */
  readonly at: Date;
  readonly windowMs: number;
  readonly bucketMs: number;
  /** Every bucket of the window, oldest first (zero-filled). */
  readonly buckets: readonly StatsBucketView[];
  /** The live counts (the metrics snapshot), queue ages as instants. */
  readonly live: {
    readonly jobs: MetricsSnapshot["jobs"];
    readonly queues: readonly { fn: string; depth: number; oldestRunAt: Date | null }[];
    readonly runs: MetricsSnapshot["runs"];
  };
}

type StatsDeps = Pick<KairosDeps, "store" | "workflowStore" | "clock">;

/** Live job and run counts of the whole store, for metrics (one grouped read each). */
export async function readMetricsSnapshot(deps: StatsDeps): Promise<MetricsSnapshot> {
  const [jobs, runs] = await Promise.all([
    deps.store.liveCounts?.(deps.clock.now()),
    deps.workflowStore?.liveRunCounts?.(),
  ]);
  return { jobs: jobs?.jobs ?? [], queues: jobs?.queues ?? [], runs: runs ?? [] };
}

/** Throughput over the requested window and the live counts, read concurrently. */
export async function readStats(deps: StatsDeps, options: StatsOptions = {}): Promise<JobStats> {
  const now = deps.clock.now();
  const window = resolveStatsWindow(now, options);
  const [rows, live] = await Promise.all([
    deps.store.jobStats?.(window) ?? { finished: [], enqueued: [] },
    readMetricsSnapshot(deps),
  ]);
  return {
    at: new Date(now),
    windowMs: window.count * window.bucketMs,
    bucketMs: window.bucketMs,
    buckets: fillBuckets(window, rows).map((b) => ({ ...b, at: new Date(b.at) })),
    live: {
      jobs: live.jobs,
      queues: live.queues.map((q) => ({
        ...q,
        oldestRunAt: q.oldestRunAt === null ? null : new Date(q.oldestRunAt),
      })),
      runs: live.runs,
    },
  };
}
