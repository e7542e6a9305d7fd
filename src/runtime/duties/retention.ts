/**
 * @module runtime/duties/retention
 * The retention duty: while this process leads, delete finished jobs (with their log lines)
 * and schedule history older than their retention, in small batches.
 *
 * One run reads the policy afresh (so an applied config change takes effect at the next run),
 * asks the core for the passes (`planRetention`: per-function passes, then the default pass
 * that leaves those functions out), and for each pass deletes batch after batch — each batch
 * one short store transaction of at most `batchSize` rows — until a batch comes back short or
 * the signal aborts. Between batches it yields to the event loop (`setImmediate`), so claims,
 * finalizations and timers of this process run in between, and on SQLite other connections get
 * the write lock. The store decides nothing here: which rows match is the port's contract.
 *
 * Abort (step-down, shutdown) is checked before every batch: a run stops after the batch in
 * flight, never in the middle of one, and returns without error. A store error ends the run;
 * the leader records it as the duty's last error and runs again after the interval.
 */
import {
  HISTORY_KEEP_LATEST,
  planRetention,
  type RetentionPass,
  type RetentionPolicy,
} from "../../core/retention.js";
import type { FinishedJobsDeletion } from "../../ports/job-store.js";
import type { Logger } from "../../ports/logger.js";
import type {
  HistoryCursor,
  HistoryDeletion,
  HistoryDeletionOutcome,
} from "../../ports/schedule-store.js";
import type { LeaderDuty } from "../leader-duties.js";

/** What the retention duty may do: two store calls, the policy, time and a logger. */
export interface RetentionCapabilities {
  /** `JobStore.deleteFinishedJobs`. */
  deleteFinishedJobs(deletion: FinishedJobsDeletion): Promise<number>;
  /** `ScheduleStore.deleteScheduleHistory`; omitted when the store has no schedules. */
  deleteScheduleHistory?(deletion: HistoryDeletion): Promise<HistoryDeletionOutcome>;
  /** The current policy; called at the start of every run. */
  retention(): RetentionPolicy | Promise<RetentionPolicy>;
  /** The current instant, ms since epoch (the engine's clock). */
  now(): number;
  readonly logger: Logger;
}

/** Tuning of the retention duty. */
export interface RetentionDutyOptions {
  /** Pause between runs; default 10 minutes. */
  readonly intervalMs?: number;
  /** Rows per batch (one store transaction); default 500. */
  readonly batchSize?: number;
  /** Each schedule keeps at least this many newest history entries; default 100. */
  readonly historyKeepLatest?: number;
}

/** Default pause between retention runs: 10 minutes. */
export const RETENTION_INTERVAL_MS = 10 * 60_000;
/** Default rows per batch: short enough that a worker waits at most a few ms for the lock. */
export const RETENTION_BATCH_SIZE = 500;

/** What one run deleted (logged at the end of the run). */
interface RunCounts {
  jobs: number;
  history: number;
  batches: number;
}

/** Create the retention duty over `capabilities`. */
export function createRetentionDuty(
  capabilities: RetentionCapabilities,
  options: RetentionDutyOptions = {},
): LeaderDuty {
  const intervalMs = options.intervalMs ?? RETENTION_INTERVAL_MS;
  const batchSize = options.batchSize ?? RETENTION_BATCH_SIZE;
  const keepLatest = options.historyKeepLatest ?? HISTORY_KEEP_LATEST;
  const { logger } = capabilities;

  async function jobsPass(pass: RetentionPass, signal: AbortSignal, counts: RunCounts) {
    const deletion: FinishedJobsDeletion =
      pass.kind === "function"
        ? { fn: pass.fn, finishedBefore: pass.finishedBefore, limit: batchSize }
        : { excludeFns: pass.excludeFns, finishedBefore: pass.finishedBefore, limit: batchSize };
    while (!signal.aborted) {
      const deleted = await capabilities.deleteFinishedJobs(deletion);
      counts.jobs += deleted;
      counts.batches += 1;
      if (deleted < batchSize) return;
      await yieldToEventLoop();
    }
  }

  async function historyPass(recordedBefore: number, signal: AbortSignal, counts: RunCounts) {
    const deleteHistory = capabilities.deleteScheduleHistory?.bind(capabilities);
    if (deleteHistory === undefined) return;
    let after: HistoryCursor | null = null;
    while (!signal.aborted) {
      const outcome = await deleteHistory({ recordedBefore, keepLatest, limit: batchSize, after });
      counts.history += outcome.deleted;
      counts.batches += 1;
      if (outcome.next === null) return;
      after = outcome.next;
      await yieldToEventLoop();
    }
  }

  return {
    name: "retention",
    intervalMs,
    async run(signal) {
      if (signal.aborted) return;
      const started = capabilities.now();
      const plan = planRetention(await capabilities.retention(), started);
      const counts: RunCounts = { jobs: 0, history: 0, batches: 0 };
      for (const pass of plan.jobs) {
        await jobsPass(pass, signal, counts);
      }
      if (plan.historyBefore !== null) await historyPass(plan.historyBefore, signal, counts);
      const summary = { duty: "retention", ...counts, aborted: signal.aborted };
      if (counts.jobs + counts.history > 0) logger.info(summary, "retention deleted old rows");
      else logger.debug(summary, "retention found nothing to delete");
    },
  };
}

/** Let timers, I/O callbacks and other promises run before the next batch. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
