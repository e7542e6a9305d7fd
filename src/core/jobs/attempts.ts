/**
 * @module core/jobs/attempts
 * A job's attempt history: one record per attempt that ended, written by the store in the same
 * transaction as the state change that ended it (finalize, lease recovery, hand-back at
 * shutdown), plus the attempt running now, read from the job row.
 *
 * How an attempt ended (`JobAttemptOutcome`), from what finalization and recovery already
 * distinguish:
 * - `succeeded`, `failed`, `timed_out`, `cancelled`: the job's terminal state after it;
 * - `retrying`: the attempt failed or timed out and the job was scheduled for another attempt
 *   (the record's error says which);
 * - `worker_lost`: its worker stopped renewing the lease and lease recovery ended it (the job
 *   was then retried, failed, or cancelled if a cancel was pending; the error says which);
 * - `released`: handed back unfinished at shutdown; the attempt is not counted, so the next
 *   attempt has the same number.
 * A record's `error` is the error that ended it (null for succeeded and released).
 */
import type { Finalization, JobErrorInfo } from "./types.js";

/** How an attempt ended (see the module header). */
export const JOB_ATTEMPT_OUTCOMES = [
  "succeeded",
  "failed",
  "retrying",
  "timed_out",
  "cancelled",
  "worker_lost",
  "released",
] as const;

/** How an attempt ended (see the module header). */
export type JobAttemptOutcome = (typeof JOB_ATTEMPT_OUTCOMES)[number];

/** True when `value` is a recorded attempt outcome. */
export function isJobAttemptOutcome(value: unknown): value is JobAttemptOutcome {
  return (JOB_ATTEMPT_OUTCOMES as readonly unknown[]).includes(value);
}

/** One attempt of a job, as stored (instants in ms since epoch, UTC). */
export interface StoredJobAttempt {
  /** The job's attempt number (it repeats after a `released` attempt, which is not counted). */
  readonly attempt: number;
  /** The worker that held the lease. */
  readonly workerId: string | null;
  readonly startedAt: number;
  /** Null while it runs. */
  readonly finishedAt: number | null;
  /** `running` for the attempt in progress (taken from the job row). */
  readonly outcome: JobAttemptOutcome | "running";
  /** The error that ended it; null when none (succeeded, released, running). */
  readonly error: JobErrorInfo | null;
  /** finishedAt - startedAt; null while it runs. */
  readonly durationMs: number | null;
}

/**
 * The outcome to record for the attempt a finalization ends. `workerLost`: lease recovery ends
 * it (its worker vanished), whatever becomes of the job.
 */
export function attemptOutcomeOf(
  finalization: Finalization,
  workerLost: boolean,
): JobAttemptOutcome {
  return workerLost ? "worker_lost" : finalization.kind;
}

/** The error to record for the attempt a finalization ends (null when it ended without one). */
export function attemptErrorOf(finalization: Finalization): JobErrorInfo | null {
  return finalization.kind === "succeeded" || finalization.kind === "released"
    ? null
    : finalization.error;
}
