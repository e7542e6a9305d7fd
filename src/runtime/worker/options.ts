/**
 * @module runtime/worker/options
 * The worker pool's options: the one place their defaults live, validated once when the pool
 * is built.
 */
import { ValidationError } from "../../core/errors.js";
import type { JobStore } from "../../ports/job-store.js";

/** Options of a worker pool. */
export interface WorkerPoolOptions {
  /** Handlers running at once in this process (default 10). */
  readonly concurrency?: number;
  /** Lease length; renewed every leaseMs/3 while a job runs (default 30 s). */
  readonly leaseMs?: number;
  /** Fallback poll when idle (default 1 s). */
  readonly pollIntervalMs?: number;
  /** How often to look for a change committed by another process (default 50 ms). */
  readonly changeCheckMs?: number;
  /** After a cancel, how long a handler may ignore its AbortSignal before the job is finalized cancelled (default 5 s). */
  readonly cancelGraceMs?: number;
  /**
   * Jobs claimed beyond the free slots while recent jobs are short, to batch claims
   * (at most 1,000; 0 disables). Default: the larger of 4 x concurrency and 200, raised up to
   * 1,000 while that many jobs are still at most ~100 ms of this pool's work (very short jobs).
   */
  readonly prefetch?: number;
  /** Worker id stored as lease owner (default a random id). */
  readonly workerId?: string;
}

/** The options with every default applied. */
export interface ResolvedPoolOptions {
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly changeCheckMs: number;
  readonly cancelGraceMs: number;
  /** The prefetch while jobs are short, before `prefetchMax` raises it for very short ones. */
  readonly prefetch: number;
  /** The most `prefetchFor` ever answers: `prefetch` when the option was given, else 1,000. */
  readonly prefetchMax: number;
}

/** Prefetch only while recent handlers average at most this long, ms. */
const PREFETCH_MAX_AVG_MS = 50;

/** The most prefetched jobs (and the default's ceiling). */
const PREFETCH_CEILING = 1_000;

/** The default prefetch grows while the buffered jobs are at most this much work, ms. */
const PREFETCH_HOLD_MS = 100;

/**
 * Jobs to claim ahead given the recent average handler time (null: none seen yet): 0 unless
 * jobs average at most PREFETCH_MAX_AVG_MS; else `prefetch`, raised toward `prefetchMax` so
 * that the buffer holds at most ~PREFETCH_HOLD_MS of this pool's work (concurrency slots).
 * The raise applies only to jobs short enough that it stays within that; jobs near the 50 ms
 * limit keep the unraised default (which may hold up to 1 s of work at concurrency 10).
 */
export function prefetchFor(options: ResolvedPoolOptions, avgDurationMs: number | null): number {
  if (avgDurationMs === null || avgDurationMs > PREFETCH_MAX_AVG_MS) return 0;
  const byTime = Math.floor(
    (options.concurrency * PREFETCH_HOLD_MS) / Math.max(avgDurationMs, 0.1),
  );
  return Math.min(options.prefetchMax, Math.max(options.prefetch, byTime));
}

/** Apply defaults and validate; throws ValidationError naming the bad option. */
export function resolvePoolOptions(options: WorkerPoolOptions): ResolvedPoolOptions {
  const concurrency = positiveInt(options.concurrency ?? 10, "concurrency");
  const prefetch = Math.min(
    PREFETCH_CEILING,
    nonNegative(options.prefetch ?? Math.max(4 * concurrency, 200), "prefetch"),
  );
  return {
    concurrency,
    leaseMs: positiveInt(options.leaseMs ?? 30_000, "leaseMs"),
    pollIntervalMs: positiveInt(options.pollIntervalMs ?? 1_000, "pollIntervalMs"),
    changeCheckMs: positiveInt(options.changeCheckMs ?? 50, "changeCheckMs"),
    cancelGraceMs: nonNegative(options.cancelGraceMs ?? 5_000, "cancelGraceMs"),
    prefetch,
    prefetchMax: options.prefetch === undefined ? PREFETCH_CEILING : prefetch,
  };
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(`${name} must be an integer >= 1, got ${String(value)}`);
  }
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new ValidationError(`${name} must be a number >= 0, got ${String(value)}`);
  }
  return value;
}

/** Counters a pool keeps for metrics and tests. */
export interface WorkerPoolStats {
  readonly running: number;
  /** Jobs claimed ahead (prefetched) and not started yet. */
  readonly buffered: number;
  readonly claimed: number;
  readonly finalized: number;
  /** Results that arrived after the job was already finalized or its lease lost, and were dropped. */
  readonly droppedResults: number;
  /** Handlers still executing after their job was finalized (timed out or cancelled, ignoring the signal). */
  readonly abandonedHandlers: number;
}

/** The counters of a process that runs no worker pool. */
export const NO_POOL_STATS: WorkerPoolStats = Object.freeze({
  running: 0,
  buffered: 0,
  claimed: 0,
  finalized: 0,
  droppedResults: 0,
  abandonedHandlers: 0,
});

/** The store operations the pool uses. */
export type WorkerPoolStore = Pick<
  JobStore,
  | "claim"
  | "finalize"
  | "heartbeat"
  | "setProgress"
  | "appendLogs"
  | "nextRunAt"
  | "changeToken"
  | "onChange"
>;
