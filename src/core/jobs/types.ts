/**
 * @module core/jobs/types
 * What a job is: as stored, as requested, its error and progress, its log lines, and the
 * decision that ends (or retries) an attempt. Instants are ms since epoch (UTC).
 */
import type { BackoffPolicy } from "../retry/backoff.js";
import type { JobOrigin } from "./origin.js";
import type { JobState } from "./states.js";

/** A stored error, as shown to users. */
export interface JobErrorInfo {
  /** Error class name or a stable reason such as `worker_lost`, `timeout`, `cancelled`. */
  readonly name: string;
  readonly message: string;
  /** Stable code when the error had one (e.g. `JOB_TIMEOUT`). */
  readonly code?: string;
  readonly stack?: string;
}

/** Progress reported by a handler. */
export interface JobProgress {
  readonly percent: number;
  readonly message: string | null;
  readonly at: number;
}

/** A job as stored. Instants are ms since epoch (UTC). */
export interface StoredJob {
  readonly id: string;
  readonly fn: string;
  readonly state: JobState;
  /** Attempts started so far (0 before the first claim). */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Canonical JSON text of the payload. */
  readonly payloadJson: string;
  /** JSON text of the result, null until succeeded. */
  readonly resultJson: string | null;
  /** The last error, if any attempt failed. */
  readonly error: JobErrorInfo | null;
  readonly progress: JobProgress | null;
  /** Higher runs first. */
  readonly priority: number;
  readonly runAt: number;
  readonly idempotencyKey: string | null;
  readonly concurrencyKey: string | null;
  /** At most this many jobs with the same concurrency key run at once. */
  readonly concurrencyLimit: number;
  /** Delay between attempts, stamped at creation; null only for jobs older than the stamp. */
  readonly backoff: BackoffPolicy | null;
  /** Attempt timeout in ms (0: none), stamped at creation; null only for jobs older than the stamp. */
  readonly timeoutMs: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  /** Worker holding the lease while running, else null. */
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
  /** Changes on every claim; the compare-and-set token for finalization. */
  readonly leaseToken: string | null;
  /** When a cancel was requested for a running job, else null. */
  readonly cancelRequestedAt: number | null;
  /** Where the job came from (see core/jobs/origin). */
  readonly origin: JobOrigin;
}

/** A job as a claim returns it: running, under a lease this worker holds. */
export type ClaimedJob = StoredJob & {
  readonly leaseToken: string;
  readonly leaseOwner: string;
  readonly leaseExpiresAt: number;
};

/** A job to insert. */
export interface NewJob {
  readonly fn: string;
  /** Canonical JSON text of the payload (see core/canonical-json). */
  readonly payloadJson: string;
  readonly priority: number;
  /** When the job may start; a job with `runAt > now` is stored `scheduled`, else `queued`. */
  readonly runAt: number;
  readonly maxAttempts: number;
  readonly idempotencyKey: string | null;
  readonly concurrencyKey: string | null;
  readonly concurrencyLimit: number;
  /** The resolved policy stamped on the job (see core/jobs/policy). */
  readonly backoff: BackoffPolicy;
  /** Attempt timeout in ms; 0 disables it. */
  readonly timeoutMs: number;
  /** Reject with QueueFullError when this many jobs of `fn` are already pending. */
  readonly maxPending: number | null;
  /**
   * Where the job comes from; omitted: `{ kind: "api", id: null, key: null }`. (kind, id, key)
   * is unique across all jobs when `key` is not null (see core/jobs/origin).
   */
  readonly origin?: JobOrigin;
}

/** The terminal or retry decision for a running job. */
export type Finalization =
  | { readonly kind: "succeeded"; readonly resultJson: string }
  | { readonly kind: "failed"; readonly error: JobErrorInfo }
  | { readonly kind: "timed_out"; readonly error: JobErrorInfo }
  | { readonly kind: "cancelled"; readonly error: JobErrorInfo }
  /** Back to the queue after a failed attempt, due at `runAt`. */
  | { readonly kind: "retrying"; readonly error: JobErrorInfo; readonly runAt: number }
  /** Handed back unfinished (shutdown): the attempt is not counted; runnable at once. */
  | { readonly kind: "released" };

/** One log line of a job. */
export interface JobLogLine {
  readonly jobId: string;
  readonly attempt: number;
  readonly at: number;
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  /**
   * The line's place in the store (its row id), set on lines read back: ascends in append
   * order, the cursor of incremental reads (`getLogs(id, limit, after)`). Ignored on append.
   */
  readonly seq?: number;
}
