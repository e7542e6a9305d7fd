/**
 * @module ports/job-store
 * The store port for the job aggregate. Every adapter (SQLite, PostgreSQL) implements it and
 * passes the one conformance suite in `src/stores/conformance`.
 *
 * Rules every adapter keeps:
 * - Each method is atomic: it applies fully or not at all.
 * - Time is given by the caller (`now`, ms since epoch); the store never reads a clock.
 * - The store decides no policy (retry, backoff, timeouts): it applies the decisions it is
 *   given, guarded by compare-and-set on state and lease token.
 * - `claim` must be implementable as `SELECT ... FOR UPDATE SKIP LOCKED` plus an UPDATE.
 * - Retention (`deleteFinishedJobs`) deletes only finished jobs — succeeded, failed, cancelled,
 *   timed_out — never a pending, running, retrying or stopped one (stopped can be started
 *   again). Each call is one short transaction that deletes at most `limit` jobs, found through
 *   an index (never a scan of the table), with their log lines; the caller loops.
 * - Origins: every job has an origin `{ kind, id, key }` (core/jobs/origin; `api` when the
 *   NewJob gives none), stored as given and returned on every read. (kind, id, key) is unique
 *   among the stored jobs when `key` is not null: an enqueue that would store a second job with
 *   the same triple throws (the whole call; StoreError from the adapter's unique index — an
 *   owner looks its key up first, under its own lock, so it never gets there in practice).
 * - Completion hooks: the owner of a kind is told in the same transaction when its job
 *   finishes. Each adapter keeps a registry of one hook per origin kind (`CompletionHooks`),
 *   filled by the store module that owns the kind when it is opened (the schedule store
 *   registers `schedule`); `api` has no owner and never runs a hook. Every statement that moves
 *   a job to a terminal state (succeeded, failed, cancelled, timed_out) — `finalize` and
 *   `cancel` of a pending job — runs the hook of the job's kind, for that job, inside its own
 *   transaction: a hook that fails rolls the finalization (the whole batch) or the cancel back
 *   and the call throws. A hook runs once per terminal transition, never for a retry, a
 *   release, a cancel request on a running job, or a finalization that did not apply; it is
 *   given the job's id, terminal state, origin and finish instant. A kind without a hook is
 *   finished silently. Deleting a job (retention) runs no hook.
 * - Attempt history (core/jobs/attempts): every finalization that applies records the attempt
 *   it ends (attempt number, worker and start from the job row as the claim left it, finish =
 *   `now`, outcome, error, duration) in the same transaction; one that does not apply records
 *   nothing. Retention deletes a job's attempts with it. A job that ends `succeeded` has a null
 *   `error` (earlier attempts' errors stay in their records); a retrying one keeps its last.
 */
import type { StoredJobAttempt } from "../core/jobs/attempts.js";
import type { StatsRows } from "../core/stats/buckets.js";
import type { JobState } from "../core/jobs/states.js";
import type {
  ClaimedJob,
  Finalization,
  JobLogLine,
  NewJob,
  StoredJob,
} from "../core/jobs/types.js";

// The domain types live in core; re-exported here for the adapters and the runtime.
export type {
  ClaimedJob,
  Finalization,
  JobErrorInfo,
  JobLogLine,
  JobProgress,
  NewJob,
  StoredJob,
} from "../core/jobs/types.js";
export type { JobOrigin, OriginKind } from "../core/jobs/origin.js";
export type { JobAttemptOutcome, StoredJobAttempt } from "../core/jobs/attempts.js";

/** Outcome of inserting one job. */
export interface EnqueueOutcome {
  readonly job: StoredJob;
  /** False when an idempotency key matched an existing job, which is returned instead. */
  readonly created: boolean;
}

/** Parameters of a claim. */
export interface ClaimRequest {
  readonly workerId: string;
  /** Only jobs of these functions are claimed. */
  readonly fns: readonly string[];
  /** At most this many jobs. */
  readonly limit: number;
  readonly now: number;
  readonly leaseMs: number;
}

/** Parameters of `claimJob`: take this one job. */
export interface ClaimJobRequest {
  readonly jobId: string;
  readonly workerId: string;
  readonly now: number;
  readonly leaseMs: number;
}

/** One finalization, guarded by the lease token the claim returned. */
export interface FinalizeRequest {
  readonly jobId: string;
  readonly leaseToken: string;
  readonly outcome: Finalization;
  /**
   * The job's origin kind as the caller read it (a job's origin never changes). `"api"` lets an
   * adapter skip looking up a completion hook for the job; omitted: the adapter looks it up.
   */
  readonly originKind?: string;
  /**
   * Lease recovery ends the attempt (its worker vanished): the attempt is recorded with outcome
   * `worker_lost`, whatever the finalization does to the job. Omitted: the finalization's kind.
   */
  readonly workerLost?: boolean;
}

/** Result of a heartbeat. */
export interface HeartbeatOutcome {
  /** Jobs whose lease no longer belongs to this worker: stop them and drop their results. */
  readonly lost: readonly string[];
  /** Jobs of this worker for which a cancel was requested. */
  readonly cancelRequested: readonly string[];
}

/** Result of a cancel request. */
export type CancelOutcome =
  | { readonly kind: "cancelled"; readonly job: StoredJob }
  | { readonly kind: "cancel_requested"; readonly job: StoredJob }
  | { readonly kind: "already_finished"; readonly job: StoredJob }
  | { readonly kind: "not_found" };

/** Filter for listing jobs, newest first. */
export interface JobListQuery {
  readonly state?: JobState | readonly JobState[];
  readonly fn?: string;
  readonly limit?: number;
  /**
   * Text: a job id (exact), or a substring of the idempotency key, the fn or the last error's
   * message (case-insensitive; `%`, `_` and `\` are plain characters).
   */
  readonly search?: string;
  /** Only jobs whose id sorts before this one (for paging). */
  readonly beforeId?: string;
}

/** A job's place in the claim order: highest priority first, then earliest runAt, then id. */
export interface ClaimOrderPosition {
  readonly jobId: string;
  readonly priority: number;
  readonly runAt: number;
}

/**
 * Which finished jobs one `deleteFinishedJobs` call deletes: jobs in a terminal state
 * (succeeded, failed, cancelled, timed_out) whose `finishedAt` is before `finishedBefore`.
 */
export interface FinishedJobsDeletion {
  /** Only jobs that finished strictly before this instant (ms since epoch). */
  readonly finishedBefore: number;
  /** Only jobs of this function (per-function retention). Omitted: any function. */
  readonly fn?: string;
  /** Never jobs of these functions (they have a retention of their own, or keep forever). */
  readonly excludeFns?: readonly string[];
  /** At most this many jobs (an integer >= 0); a few hundred keeps the write lock short. */
  readonly limit: number;
}

/** What `JobStore.liveCounts` returns, sorted by fn then state (code-point order). */
export interface LiveJobCounts {
  readonly jobs: readonly {
    readonly fn: string;
    readonly state: JobState;
    readonly count: number;
  }[];
  readonly queues: readonly {
    readonly fn: string;
    readonly depth: number;
    readonly oldestRunAt: number | null;
  }[];
}

/** The window of a `jobStats` read: `[since, until)` in buckets of `bucketMs` (all ms). */
export interface JobStatsQuery {
  readonly since: number;
  readonly until: number;
  readonly bucketMs: number;
}

/** What `JobStore.jobStats` returns (bucket = floor((t - since) / bucketMs)). */
export type JobStatsRows = StatsRows;

/** The job store port. */
export interface JobStore {
  /** Create or upgrade the schema. Idempotent. */
  migrate(): Promise<void>;

  /**
   * Insert jobs in one transaction, in order. An idempotency key that matches an existing job
   * with the same fn and payload yields that job (`created: false`); with a different fn or
   * payload the whole call throws ConflictError. When `maxPending` would be exceeded the whole
   * call throws QueueFullError. An invalid origin throws ValidationError; an origin whose
   * (kind, id, key) with a key is already stored throws (see the module rules). On any error
   * nothing is written.
   */
  enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueOutcome[]>;

  /**
   * Atomically take up to `limit` runnable jobs: state queued, or scheduled/retrying with
   * `runAt <= now`; of the given fns; highest priority first, then earliest runAt, then id;
   * never more running jobs per concurrency key than its limit (a full key never blocks other
   * keys). Claimed jobs become running with attempt + 1, a fresh lease token and a lease until
   * `now + leaseMs`.
   */
  claim(request: ClaimRequest): Promise<ClaimedJob[]>;

  /**
   * Take this one job, whatever its `runAt`: a scheduled, queued or retrying job becomes
   * running exactly as `claim` leaves a job (attempt + 1, a fresh lease token, a lease until
   * `now + leaseMs`, started now), its runAt lowered to now when it was later. For a process
   * that runs a job it created itself (`kairos exec`): no other worker's claim can race it for
   * a job that is not due yet. Concurrency keys are not counted. Null (nothing written) when
   * the job does not exist or is in any other state (running, stopped, finished). One atomic
   * statement.
   */
  claimJob(request: ClaimJobRequest): Promise<ClaimedJob | null>;

  /**
   * Apply finalizations in one transaction. Each applies only if the job is still running
   * under the given lease token (compare-and-set); returns, in order, whether each applied.
   * The completion hook of each job that reaches a terminal state runs in that transaction.
   */
  finalize(requests: readonly FinalizeRequest[], now: number): Promise<boolean[]>;

  /** Extend the leases this worker still holds on the given jobs to `now + leaseMs`. */
  heartbeat(
    workerId: string,
    leases: readonly { jobId: string; leaseToken: string }[],
    now: number,
    leaseMs: number,
  ): Promise<HeartbeatOutcome>;

  /** Running jobs whose lease expired before `now`, oldest expiry first, at most `limit`. */
  listExpired(now: number, limit: number): Promise<StoredJob[]>;

  /**
   * Cancel a job: a pending job becomes cancelled at once; a running job is marked
   * cancel-requested (its worker finalizes it); a finished job is left as it is. A pending
   * job's completion hook runs in the cancel's transaction.
   */
  cancel(jobId: string, now: number): Promise<CancelOutcome>;

  /** Record progress for a running job under its lease token; false if it is not running under it. */
  setProgress(
    jobId: string,
    leaseToken: string,
    percent: number,
    message: string | null,
    now: number,
  ): Promise<boolean>;

  /** Append log lines (any state). */
  appendLogs(lines: readonly JobLogLine[]): Promise<void>;

  /**
   * Log lines of a job, oldest first, each with its `seq`. With `after` (a seq): only the lines
   * appended after it, in append order (seq ascending), for incremental reads.
   */
  getLogs(jobId: string, limit?: number, after?: number): Promise<JobLogLine[]>;

  /**
   * The job's attempts, oldest first: every recorded (ended) attempt, then, while the job
   * runs, its current attempt from the job row (outcome `running`, finishedAt, durationMs and
   * error null). One consistent read: an attempt never shows twice or not at all. [] for an
   * unknown job.
   */
  getAttempts(jobId: string): Promise<StoredJobAttempt[]>;

  get(jobId: string): Promise<StoredJob | null>;

  list(query: JobListQuery): Promise<StoredJob[]>;

  /**
   * Running jobs whose concurrency key is `key`, oldest id first, at most `limit`: who holds
   * the key's slots ("why isn't it running?"). Index-driven: the cost grows with the key's
   * running jobs, which worker capacity bounds.
   */
  listRunningWithKey(key: string, limit: number): Promise<StoredJob[]>;

  /**
   * How many queued jobs (of any fn) sort ahead of `position` in the claim order, counted up to
   * `limit` (a result of `limit` means at least that many). Jobs still `scheduled`/`retrying`
   * are not counted, due or not (a claim promotes the due ones of its fns first). Index-driven:
   * the cost grows with `limit`, not with the queue.
   */
  countQueuedAhead(position: ClaimOrderPosition, limit: number): Promise<number>;

  /** The earliest `runAt` among scheduled/retrying jobs of the given fns, or null. */
  nextRunAt(fns: readonly string[]): Promise<number | null>;

  /**
   * Retention: delete up to `limit` finished jobs matching `deletion`, with their log lines, in
   * one short transaction, and return how many jobs were deleted (fewer than `limit`: nothing
   * more matches now). Which of the matching jobs go first is unspecified. Index-driven: the
   * cost of a call grows with `limit` and the number of functions, not with the jobs kept. A
   * deleted job's idempotency key is free again; a schedule whose `lastJobId` named it keeps its
   * `lastStatus`.
   */
  deleteFinishedJobs(deletion: FinishedJobsDeletion): Promise<number>;

  /**
   * A cheap value that changes whenever another connection or process commits; lets idle
   * workers notice foreign enqueues without scanning. Null when the adapter cannot tell.
   */
  changeToken(): Promise<string | null>;

  /**
   * Optional push notification: `listener` is called soon after another process enqueues or
   * cancels a job (PostgreSQL LISTEN/NOTIFY). Returns an unsubscribe function. Adapters without
   * it are polled through `changeToken`.
   */
  onChange?(listener: () => void): () => void;

  /**
   * Optional, for metrics: jobs in live states (scheduled, queued, running, retrying) counted
   * per function and state (groups with no job are absent), and per function the jobs due and
   * waiting for a worker (`queued`, or `retrying` with `runAt <= now`): how many, and the
   * earliest `runAt` among them. One grouped read over the live-state indexes; its cost grows
   * with the live jobs, never with the finished ones.
   */
  liveCounts?(now: number): Promise<LiveJobCounts>;

  /**
   * Optional, for the stats route: over `[since, until)`, the jobs that finished (succeeded,
   * failed, cancelled, timed_out; by `finishedAt`) per bucket and terminal state, and the jobs
   * created (by `createdAt`) per bucket; groups with no job are absent, rows sorted by bucket
   * then state. Deleted (retention) jobs are not counted. One grouped statement per series, a
   * range scan of an index on the instant: its cost grows with the jobs in the window.
   */
  jobStats?(query: JobStatsQuery): Promise<JobStatsRows>;

  /** Release connections. Further calls throw ShuttingDownError. */
  close(): Promise<void>;
}
