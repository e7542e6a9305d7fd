/**
 * @module stores/sqlite/sqlite-job-store
 * The SQLite JobStore: composes the statement families (one file each), guards against use
 * after close, and turns unexpected SQLite failures into StoreError.
 *
 * better-sqlite3 is synchronous, so every method runs to completion before it returns its
 * promise: calls on one store never interleave, and each write method is one transaction.
 * The exception is `enqueue`: calls made in the same event-loop turn are committed together
 * at the end of it (group-commit.ts), each under its own savepoint, so each call is still all
 * or nothing on its own and its promise settles only after the commit; `close` commits what is
 * pending first.
 * Clock: the process clock of the caller is authoritative (`now` is always passed in); SQLite's
 * clock is never used for job times.
 *
 * Completion hooks (ports/job-store): the store holds its connection's `CompletionHooks`; the
 * owner of an origin kind registers a synchronous hook there, and `finalize` and `cancel` run
 * it inside their own transaction when a job of that kind reaches a terminal state (see
 * `completion-hooks.ts`, `finalize.ts`, `cancel.ts`). The schedule store registers `schedule`.
 */
import type Database from "better-sqlite3";
import { KairosError, ShuttingDownError, StoreError } from "../../core/errors.js";
import type {
  CancelOutcome,
  ClaimedJob,
  ClaimJobRequest,
  ClaimOrderPosition,
  ClaimRequest,
  EnqueueOutcome,
  FinalizeRequest,
  FinishedJobsDeletion,
  HeartbeatOutcome,
  JobListQuery,
  JobLogLine,
  JobStore,
  JobStatsQuery,
  JobStatsRows,
  LiveJobCounts,
  NewJob,
  StoredJob,
  StoredJobAttempt,
} from "../../ports/job-store.js";
import { asClaimedJobs } from "../job-row.js";
import { prepareAttempts } from "./attempts.js";
import { prepareCancel } from "./cancel.js";
import { prepareClaim } from "./claim.js";
import { prepareClaimJob } from "./claim-job.js";
import { CompletionHooks } from "./completion-hooks.js";
import { diskFullError } from "./disk-full.js";
import { type EnqueueCall, prepareEnqueueGroup } from "./enqueue.js";
import { prepareFinalize } from "./finalize.js";
import { createGroupCommit, type GroupCommit } from "./group-commit.js";
import { prepareHeartbeat } from "./heartbeat.js";
import { prepareJobStats } from "./job-stats.js";
import { prepareLiveCounts } from "./live-counts.js";
import { prepareLogs } from "./logs.js";
import { migrate } from "./migrate.js";
import { prepareSetProgress } from "./progress.js";
import { prepareReads } from "./read-jobs.js";
import { prepareRetention } from "./retention.js";

/**
 * A JobStore over one better-sqlite3 connection. Build it with `openSqliteJobStore`, which sets
 * the pragmas and migrates first; the constructor prepares every statement once.
 */
export class SqliteJobStore implements JobStore {
  readonly #db: Database.Database;
  #closed = false;
  readonly #enqueue: GroupCommit<EnqueueCall, EnqueueOutcome[]>;
  readonly #claim: ReturnType<typeof prepareClaim>;
  readonly #claimJob: ReturnType<typeof prepareClaimJob>;
  readonly #finalize: ReturnType<typeof prepareFinalize>;
  readonly #heartbeat: ReturnType<typeof prepareHeartbeat>;
  readonly #cancel: ReturnType<typeof prepareCancel>;
  readonly #setProgress: ReturnType<typeof prepareSetProgress>;
  readonly #logs: ReturnType<typeof prepareLogs>;
  readonly #reads: ReturnType<typeof prepareReads>;
  readonly #retention: ReturnType<typeof prepareRetention>;
  readonly #attempts: ReturnType<typeof prepareAttempts>;
  readonly #liveCounts: ReturnType<typeof prepareLiveCounts>;
  readonly #jobStats: ReturnType<typeof prepareJobStats>;

  /**
   * The completion hooks of this connection (ports/job-store, "Completion hooks"): the owner of
   * an origin kind registers its hook here (see `openSqliteStores`).
   */
  readonly completionHooks: CompletionHooks;

  /**
   * Wrap an open, migrated connection. The store owns it from now on and closes it in `close`.
   * `hooks` is the connection's completion-hook registry, shared with the stores that own
   * origin kinds (a new, empty one when omitted).
   */
  constructor(db: Database.Database, hooks: CompletionHooks = new CompletionHooks()) {
    this.#db = db;
    this.completionHooks = hooks;
    const enqueueGroup = prepareEnqueueGroup(db);
    this.#enqueue = createGroupCommit((calls: readonly EnqueueCall[]) =>
      this.#run("enqueue", () => enqueueGroup(calls)).map((s) =>
        s.ok ? s : { ok: false, error: toStoreError("enqueue", s.error, "job store", db.name) },
      ),
    );
    this.#claim = prepareClaim(db);
    this.#claimJob = prepareClaimJob(db);
    this.#finalize = prepareFinalize(db, hooks);
    this.#heartbeat = prepareHeartbeat(db);
    this.#cancel = prepareCancel(db, hooks);
    this.#setProgress = prepareSetProgress(db);
    this.#logs = prepareLogs(db);
    this.#reads = prepareReads(db);
    this.#retention = prepareRetention(db);
    this.#attempts = prepareAttempts(db);
    this.#liveCounts = prepareLiveCounts(db);
    this.#jobStats = prepareJobStats(db);
  }

  async migrate(): Promise<void> {
    this.#run("migrate", () => migrate(this.#db));
  }

  async enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueOutcome[]> {
    this.#assertOpen("enqueue");
    if (jobs.length === 0) return [];
    return this.#enqueue.submit({ jobs, now });
  }

  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    return this.#run("claim", () =>
      asClaimedJobs(this.#claim({ ...request, limit: Math.floor(request.limit) })),
    );
  }

  async claimJob(request: ClaimJobRequest): Promise<ClaimedJob | null> {
    return this.#run("claimJob", () => {
      const job = this.#claimJob(request);
      return job === null ? null : (asClaimedJobs([job])[0] ?? null);
    });
  }

  async finalize(requests: readonly FinalizeRequest[], now: number): Promise<boolean[]> {
    return this.#run("finalize", () => this.#finalize(requests, now));
  }

  async heartbeat(
    workerId: string,
    leases: readonly { jobId: string; leaseToken: string }[],
    now: number,
    leaseMs: number,
  ): Promise<HeartbeatOutcome> {
    return this.#run("heartbeat", () => this.#heartbeat(workerId, leases, now, leaseMs));
  }

  async listExpired(now: number, limit: number): Promise<StoredJob[]> {
    return this.#run("listExpired", () => this.#reads.listExpired(now, limit));
  }

  async cancel(jobId: string, now: number): Promise<CancelOutcome> {
    return this.#run("cancel", () => this.#cancel(jobId, now));
  }

  async setProgress(
    jobId: string,
    leaseToken: string,
    percent: number,
    message: string | null,
    now: number,
  ): Promise<boolean> {
    return this.#run("setProgress", () =>
      this.#setProgress(jobId, leaseToken, percent, message, now),
    );
  }

  async appendLogs(lines: readonly JobLogLine[]): Promise<void> {
    this.#run("appendLogs", () => this.#logs.append(lines));
  }

  async getLogs(jobId: string, limit?: number, after?: number): Promise<JobLogLine[]> {
    return this.#run("getLogs", () => this.#logs.get(jobId, limit, after));
  }

  async getAttempts(jobId: string): Promise<StoredJobAttempt[]> {
    return this.#run("getAttempts", () => this.#attempts(jobId));
  }

  async get(jobId: string): Promise<StoredJob | null> {
    return this.#run("get", () => this.#reads.get(jobId));
  }

  async list(query: JobListQuery): Promise<StoredJob[]> {
    return this.#run("list", () => this.#reads.list(query));
  }

  async listRunningWithKey(key: string, limit: number): Promise<StoredJob[]> {
    return this.#run("listRunningWithKey", () => this.#reads.listRunningWithKey(key, limit));
  }

  async countQueuedAhead(position: ClaimOrderPosition, limit: number): Promise<number> {
    return this.#run("countQueuedAhead", () => this.#reads.countQueuedAhead(position, limit));
  }

  async nextRunAt(fns: readonly string[]): Promise<number | null> {
    return this.#run("nextRunAt", () => this.#reads.nextRunAt(fns));
  }

  async deleteFinishedJobs(deletion: FinishedJobsDeletion): Promise<number> {
    return this.#run("deleteFinishedJobs", () => this.#retention(deletion));
  }

  async liveCounts(now: number): Promise<LiveJobCounts> {
    return this.#run("liveCounts", () => this.#liveCounts(now));
  }

  async jobStats(query: JobStatsQuery): Promise<JobStatsRows> {
    return this.#run("jobStats", () => this.#jobStats(query));
  }

  /**
   * SQLite's `data_version`: it changes when another connection (in this process or another)
   * commits to the file, never for this connection's own commits. An in-memory database has
   * no other connection, so its token never changes.
   */
  async changeToken(): Promise<string | null> {
    return this.#run("changeToken", () =>
      String(this.#db.pragma("data_version", { simple: true })),
    );
  }

  /** Close the connection. Idempotent; every other method then throws ShuttingDownError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#enqueue.flush();
    this.#closed = true;
    this.#run("close", () => this.#db.close(), { allowClosed: true });
  }

  #assertOpen(operation: string): void {
    if (this.#closed) {
      throw new ShuttingDownError(
        `the SQLite job store is closed; ${operation} was called after close()`,
      );
    }
  }

  #run<T>(operation: string, body: () => T, options?: { allowClosed: boolean }): T {
    if (options?.allowClosed !== true) this.#assertOpen(operation);
    try {
      return body();
    } catch (error) {
      throw toStoreError(operation, error, "job store", this.#db.name);
    }
  }
}

/**
 * Pass Kairos errors (ConflictError, QueueFullError, ...) through; wrap anything else
 * (SQLITE_BUSY after busy_timeout, I/O errors, corruption) in StoreError with the original as
 * `cause`; a full disk under `file` becomes StoreDiskFullError (see `disk-full.ts`).
 */
export function toStoreError(
  operation: string,
  error: unknown,
  storeName = "job store",
  file?: string,
): KairosError {
  if (error instanceof KairosError) return error;
  const full = diskFullError(operation, error, file);
  if (full !== null) return full;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    code === "SQLITE_BUSY"
      ? "; another connection held the write lock for longer than busyTimeoutMs"
      : "";
  return new StoreError(
    `SQLite ${storeName}: ${operation} failed (${typeof code === "string" ? `${code}: ` : ""}${message})${hint}`,
    { cause: error },
  );
}
