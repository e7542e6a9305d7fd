/**
 * @module core/jobs/finalization
 * What becomes of a running job when its attempt ends, whatever ended it: the handler's result
 * or error, its timeout, a cancel (after the grace period), a lost lease, shutdown, or the
 * recovery of a job whose worker vanished. One pure decision replaces the inline outcome logic
 * of the worker and of lease recovery, so both retry by the same rule: the policy stamped on
 * the job (`maxAttempts`, `backoff`), never a process's registry.
 *
 * Every decision that writes names the target state, and the job transition table
 * (`canTransition`) is consulted: a decision the state machine forbids is a bug and throws.
 * Pure: time and randomness come in as arguments.
 */
import { decideRetry, DEFAULT_BACKOFF, type BackoffPolicy } from "../retry/backoff.js";
import { canTransition, type JobState } from "./states.js";
import type { Finalization, JobErrorInfo } from "./types.js";

export type { Finalization, JobErrorInfo } from "./types.js";

/** How an attempt ended, as the runtime observed it. */
export type AttemptOutcome =
  /** The handler returned `value`. */
  | { readonly kind: "resolved"; readonly value: unknown }
  /** The handler threw; `unrecoverable`: it asked never to be retried. */
  | { readonly kind: "rejected"; readonly error: JobErrorInfo; readonly unrecoverable: boolean }
  /** The attempt outlived the job's `timeoutMs`. */
  | { readonly kind: "timeout" }
  /** A cancel was requested and the handler ignored its signal for `graceMs`. */
  | { readonly kind: "cancel_grace"; readonly graceMs: number }
  /**
   * A stop was delivered and the handler ignored its signal for `graceMs`. The worker pool
   * ends a stopped attempt through the control store (the job becomes `stopped`); only without
   * one does it reach this decision, which hands the job back like a shutdown.
   */
  | { readonly kind: "stop_grace"; readonly graceMs: number }
  /** Cancelled before its handler started (a prefetched job). */
  | { readonly kind: "cancelled_unstarted" }
  /** Another finalization took the job (lease lost): this attempt's result must be dropped. */
  | { readonly kind: "lease_lost" }
  /** The worker is shutting down past its drain deadline. */
  | { readonly kind: "shutdown" }
  /** The worker vanished: its lease expired (recovery by the leader). */
  | { readonly kind: "lease_expired" };

/** The fields of the job the decision reads. */
export interface FinalizingJob {
  readonly id: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  /** The job's backoff; null only for jobs created before policies were stamped (default then). */
  readonly backoff: BackoffPolicy | null;
  readonly timeoutMs: number | null;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
}

/** Why a result is dropped instead of written. */
export type DropReason = "lease_lost" | "already_finalized" | "lost_race";

/** The decision: a write (with the state it moves the job to), or a drop. */
export type FinalizationDecision =
  | { readonly action: "write"; readonly finalization: Finalization; readonly to: JobState }
  | { readonly action: "drop"; readonly reason: DropReason };

/**
 * Decide the outcome of a running job's attempt. `cancelRequested`: a cancel reached the
 * attempt (the job's stored flag, or one delivered to the running process).
 */
export function decideFinalization(
  job: FinalizingJob,
  outcome: AttemptOutcome,
  now: number,
  random: () => number,
  cancelRequested: boolean,
): FinalizationDecision {
  const finalization = finalizationFor(job, outcome, now, random, cancelRequested);
  if (finalization === null) return { action: "drop", reason: "lease_lost" };
  const to = stateAfter(finalization);
  if (!canTransition("running", to)) {
    throw new Error(`unreachable: running -> ${to} is not a job transition`);
  }
  return { action: "write", finalization, to };
}

/** The state a finalization moves a running job to. */
export function stateAfter(finalization: Finalization): JobState {
  switch (finalization.kind) {
    case "released":
      return "queued";
    case "succeeded":
    case "failed":
    case "timed_out":
    case "cancelled":
    case "retrying":
      return finalization.kind;
  }
}

function finalizationFor(
  job: FinalizingJob,
  outcome: AttemptOutcome,
  now: number,
  random: () => number,
  cancelRequested: boolean,
): Finalization | null {
  switch (outcome.kind) {
    case "resolved":
      return resultOf(outcome.value);
    case "rejected":
      if (cancelRequested) return { kind: "cancelled", error: cancelledError(job) };
      return retryOr(job, outcome.error, "failed", now, random, outcome.unrecoverable);
    case "timeout":
      return retryOr(job, timeoutError(job), "timed_out", now, random, false);
    case "cancel_grace":
      return { kind: "cancelled", error: cancelledError(job, outcome.graceMs) };
    case "cancelled_unstarted":
      return { kind: "cancelled", error: cancelledError(job) };
    case "shutdown":
    case "stop_grace":
      return { kind: "released" };
    case "lease_lost":
      return null;
    case "lease_expired":
      if (cancelRequested) return { kind: "cancelled", error: cancelledError(job) };
      return retryOr(job, workerLostError(job, now), "failed", now, random, false);
  }
}

function resultOf(value: unknown): Finalization {
  try {
    return { kind: "succeeded", resultJson: JSON.stringify(value ?? null) ?? "null" };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      kind: "failed",
      error: {
        name: "ResultNotSerializable",
        message: `handler returned a value JSON cannot hold: ${reason}`,
      },
    };
  }
}

function retryOr(
  job: FinalizingJob,
  error: JobErrorInfo,
  otherwise: "failed" | "timed_out",
  now: number,
  random: () => number,
  unrecoverable: boolean,
): Finalization {
  const retry = decideRetry({
    policy: job.backoff ?? DEFAULT_BACKOFF,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    now,
    unrecoverable,
    random,
  });
  return retry.retry ? { kind: "retrying", error, runAt: retry.runAt } : { kind: otherwise, error };
}

function timeoutError(job: FinalizingJob): JobErrorInfo {
  return {
    name: "JobTimeoutError",
    code: "JOB_TIMEOUT",
    message: `attempt ${job.attempt} timed out after ${job.timeoutMs ?? 0} ms`,
  };
}

function cancelledError(job: FinalizingJob, graceMs?: number): JobErrorInfo {
  return {
    name: "JobCancelledError",
    code: "JOB_CANCELLED",
    message:
      graceMs === undefined
        ? `job ${job.id} was cancelled`
        : `job ${job.id} was cancelled; its handler ignored the abort signal for ${graceMs} ms`,
  };
}

function workerLostError(job: FinalizingJob, now: number): JobErrorInfo {
  return {
    name: "worker_lost",
    code: "WORKER_LOST",
    message: `worker ${job.leaseOwner ?? "?"} stopped renewing its lease on attempt ${job.attempt} (expired at ${new Date(job.leaseExpiresAt ?? now).toISOString()})`,
  };
}
