/**
 * @module runtime/job-view
 * A job as the library, the CLI and (later) the HTTP API show it: instants as Dates, payload and
 * result parsed, the stamped policy included.
 */
import type { JobAttemptOutcome } from "../core/jobs/attempts.js";
import type { JobState } from "../core/jobs/states.js";
import type { BackoffPolicy } from "../core/retry/backoff.js";
import type {
  JobErrorInfo,
  JobOrigin,
  JobProgress,
  StoredJob,
  StoredJobAttempt,
} from "../ports/job-store.js";

/** A job as the library shows it. Instants are Dates (UTC). */
export interface Job<P = unknown, R = unknown> {
  readonly id: string;
  readonly fn: string;
  readonly state: JobState;
  /** Attempts started so far. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly payload: P;
  /** The handler's return value once succeeded, else null. */
  readonly result: R | null;
  /**
   * The last attempt's error while the job is retrying or after it failed, timed out or was
   * cancelled; null once it succeeded (every attempt's error is in its attempt history).
   */
  readonly error: JobErrorInfo | null;
  readonly progress: { percent: number; message: string | null; at: Date } | null;
  readonly priority: number;
  readonly runAt: Date;
  readonly idempotencyKey: string | null;
  readonly concurrencyKey: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  /** True when a cancel was requested while it ran. */
  readonly cancelRequested: boolean;
  /** Delay between attempts, stamped when the job was created (null: a job older than stamping). */
  readonly backoff: BackoffPolicy | null;
  /** Attempt timeout in ms (0: none), stamped when the job was created. */
  readonly timeoutMs: number | null;
  /**
   * Where the job came from: `{ kind: "api" }` when enqueued, `{ kind: "schedule", id, key }`
   * when a schedule created it (key: the slot instant as text; null for a manual trigger).
   */
  readonly origin: JobOrigin;
  /** 1, then the generation the latest start created (docs/control.md). */
  readonly generation: number;
}

/** Convert a stored job to the public shape. */
export function toJob<P = unknown, R = unknown>(row: StoredJob, generation = 1): Job<P, R> {
  return {
    id: row.id,
    fn: row.fn,
    state: row.state,
    attempt: row.attempt,
    maxAttempts: row.maxAttempts,
    payload: JSON.parse(row.payloadJson) as P,
    result: row.resultJson === null ? null : (JSON.parse(row.resultJson) as R),
    error: row.error,
    progress: toProgress(row.progress),
    priority: row.priority,
    runAt: new Date(row.runAt),
    idempotencyKey: row.idempotencyKey,
    concurrencyKey: row.concurrencyKey,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    startedAt: row.startedAt === null ? null : new Date(row.startedAt),
    finishedAt: row.finishedAt === null ? null : new Date(row.finishedAt),
    cancelRequested: row.cancelRequestedAt !== null,
    backoff: row.backoff,
    timeoutMs: row.timeoutMs,
    origin: row.origin,
    generation,
  };
}

/**
 * One attempt of a job, as `kairos.jobs.attempts(id)` lists it (oldest first). Instants are
 * Dates (UTC). `outcome` says how it ended (see core/jobs/attempts): succeeded, failed,
 * retrying (failed or timed out, and the job was retried), timed_out, cancelled, worker_lost
 * (its worker stopped renewing the lease), released (handed back at shutdown, not counted), or
 * `running` for the attempt in progress.
 */
export interface JobAttempt {
  /** The attempt number (it repeats after a released attempt). */
  readonly attempt: number;
  /** The worker that ran it. */
  readonly workerId: string | null;
  readonly startedAt: Date;
  /** Null while it runs. */
  readonly finishedAt: Date | null;
  readonly outcome: JobAttemptOutcome | "running";
  /** The error that ended it; null for succeeded, released and running. */
  readonly error: JobErrorInfo | null;
  /** How long it ran, in ms; null while it runs. */
  readonly durationMs: number | null;
}

/** Convert a stored attempt to the public shape. */
export function toJobAttempt(row: StoredJobAttempt): JobAttempt {
  return {
    attempt: row.attempt,
    workerId: row.workerId,
    startedAt: new Date(row.startedAt),
    finishedAt: row.finishedAt === null ? null : new Date(row.finishedAt),
    outcome: row.outcome,
    error: row.error,
    durationMs: row.durationMs,
  };
}

function toProgress(p: JobProgress | null): Job["progress"] {
  return p === null ? null : { percent: p.percent, message: p.message, at: new Date(p.at) };
}
