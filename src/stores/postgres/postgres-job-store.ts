/**
 * @module stores/postgres/postgres-job-store
 * The PostgreSQL JobStore: composes the statement families (one file each), guards against use
 * after close, and turns unexpected PostgreSQL failures into StoreError.
 *
 * Calls run concurrently on the pool (unlike the synchronous SQLite store); each method is one
 * statement or one transaction, atomic on its own.
 *
 * Completion hooks (ports/job-store): the store holds its schema's `PgCompletionHooks`; the
 * owner of an origin kind registers SQL stages there, and `finalize` and `cancel` splice them
 * into the statement that finishes jobs, so the owner is told in the same transaction without
 * an extra round trip (see `completion-hooks.ts`). The schedule store registers `schedule`. Clock: the caller's `now` is authoritative;
 * the database clock is never used for job times.
 */
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
import { getAttempts } from "./attempts.js";
import { cancel } from "./cancel.js";
import { claim } from "./claim.js";
import { claimJob } from "./claim-job.js";
import type { PgCompletionHooks } from "./completion-hooks.js";
import { type PgDatabase, toStoreError } from "./database.js";
import { enqueue } from "./enqueue.js";
import { finalize } from "./finalize.js";
import { heartbeat } from "./heartbeat.js";
import { jobStats } from "./job-stats.js";
import { liveCounts } from "./live-counts.js";
import { appendLogs, getLogs } from "./logs.js";
import { migrate } from "./migrate.js";
import { ChangeListener } from "./notifications.js";
import { setProgress } from "./progress.js";
import {
  countQueuedAhead,
  getJob,
  listExpired,
  listJobs,
  listRunningWithKey,
  nextRunAt,
} from "./read-jobs.js";
import { deleteFinishedJobs } from "./retention.js";

/** A JobStore over a PgDatabase (its pool). Build it with `openPostgresStores`. */
export class PostgresJobStore implements JobStore {
  readonly #db: PgDatabase;
  readonly #changes: ChangeListener;

  /**
   * The completion hooks of this schema (ports/job-store, "Completion hooks"): the owner of an
   * origin kind registers its hook here (see `openPostgresStores`).
   */
  readonly completionHooks: PgCompletionHooks;

  /**
   * Wrap an open, migrated database. The store closes it in `close`. `hooks` is the schema's
   * completion-hook registry, shared with the stores that own origin kinds.
   */
  constructor(db: PgDatabase, hooks: PgCompletionHooks) {
    this.#db = db;
    this.completionHooks = hooks;
    this.#changes = new ChangeListener(db.url, db.channel, db.schema);
  }

  async migrate(): Promise<void> {
    return this.#run("migrate", () => migrate(this.#db));
  }

  async enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueOutcome[]> {
    const outcomes = await this.#run("enqueue", () => enqueue(this.#db, jobs, now));
    await this.#analyzeAfterGrowth(outcomes.length);
    return outcomes;
  }

  /** Rows this process inserted since it last analyzed the table, and the size then. */
  #insertedSinceAnalyze = 0;
  #rowsAtAnalyze = 0;

  /**
   * Keep the planner's statistics fresh through a burst of enqueues: autovacuum analyzes only
   * after 10 % growth plus a delay, and until then a freshly filled table looks empty, which
   * sends claim and finalize to plans that scan instead of probing (10x slower at 20,000 jobs).
   * Analyzes when this process has inserted at least 1,000 rows and as many as the table had at
   * its last analyze (doubling: a handful of ANALYZEs for any burst). Best effort.
   */
  async #analyzeAfterGrowth(inserted: number): Promise<void> {
    this.#insertedSinceAnalyze += inserted;
    if (this.#insertedSinceAnalyze < Math.max(1_000, this.#rowsAtAnalyze)) return;
    this.#rowsAtAnalyze += this.#insertedSinceAnalyze;
    this.#insertedSinceAnalyze = 0;
    await this.#db.pool.query(`ANALYZE ${this.#db.s}.jobs`).catch(() => undefined);
  }

  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    return this.#run("claim", async () => asClaimedJobs(await claim(this.#db, request)));
  }

  async claimJob(request: ClaimJobRequest): Promise<ClaimedJob | null> {
    return this.#run("claimJob", async () => {
      const job = await claimJob(this.#db, request);
      return job === null ? null : (asClaimedJobs([job])[0] ?? null);
    });
  }

  async finalize(requests: readonly FinalizeRequest[], now: number): Promise<boolean[]> {
    return this.#run("finalize", () => finalize(this.#db, this.completionHooks, requests, now));
  }

  async heartbeat(
    workerId: string,
    leases: readonly { jobId: string; leaseToken: string }[],
    now: number,
    leaseMs: number,
  ): Promise<HeartbeatOutcome> {
    return this.#run("heartbeat", () => heartbeat(this.#db, workerId, leases, now, leaseMs));
  }

  async listExpired(now: number, limit: number): Promise<StoredJob[]> {
    return this.#run("listExpired", () => listExpired(this.#db, now, limit));
  }

  async cancel(jobId: string, now: number): Promise<CancelOutcome> {
    return this.#run("cancel", () => cancel(this.#db, this.completionHooks, jobId, now));
  }

  async setProgress(
    jobId: string,
    leaseToken: string,
    percent: number,
    message: string | null,
    now: number,
  ): Promise<boolean> {
    return this.#run("setProgress", () =>
      setProgress(this.#db, jobId, leaseToken, percent, message, now),
    );
  }

  async appendLogs(lines: readonly JobLogLine[]): Promise<void> {
    return this.#run("appendLogs", () => appendLogs(this.#db, lines));
  }

  async getAttempts(jobId: string): Promise<StoredJobAttempt[]> {
    return this.#run("getAttempts", () => getAttempts(this.#db, jobId));
  }

  async getLogs(jobId: string, limit?: number, after?: number): Promise<JobLogLine[]> {
    return this.#run("getLogs", () => getLogs(this.#db, jobId, limit, after));
  }

  async get(jobId: string): Promise<StoredJob | null> {
    return this.#run("get", () => getJob(this.#db, jobId));
  }

  async list(query: JobListQuery): Promise<StoredJob[]> {
    return this.#run("list", () => listJobs(this.#db, query));
  }

  async listRunningWithKey(key: string, limit: number): Promise<StoredJob[]> {
    return this.#run("listRunningWithKey", () => listRunningWithKey(this.#db, key, limit));
  }

  async countQueuedAhead(position: ClaimOrderPosition, limit: number): Promise<number> {
    return this.#run("countQueuedAhead", () => countQueuedAhead(this.#db, position, limit));
  }

  async nextRunAt(fns: readonly string[]): Promise<number | null> {
    return this.#run("nextRunAt", () => nextRunAt(this.#db, fns));
  }

  async deleteFinishedJobs(deletion: FinishedJobsDeletion): Promise<number> {
    return this.#run("deleteFinishedJobs", () => deleteFinishedJobs(this.#db, deletion));
  }

  async liveCounts(now: number): Promise<LiveJobCounts> {
    return this.#run("liveCounts", () => liveCounts(this.#db, now));
  }

  async jobStats(query: JobStatsQuery): Promise<JobStatsRows> {
    return this.#run("jobStats", () => jobStats(this.#db, query));
  }

  /**
   * A counter of the notifications heard on the schema's channel (enqueues, releases and
   * cancels of any process, this one included) and of listener reconnects. Starts the LISTEN
   * connection on first use.
   */
  async changeToken(): Promise<string | null> {
    return this.#run("changeToken", () => this.#changes.token());
  }

  /** Call `listener` soon after any process enqueues, releases or cancels a job. */
  onChange(listener: () => void): () => void {
    this.#db.assertOpen("onChange");
    return this.#changes.subscribe(listener);
  }

  /**
   * Call `listener` soon after any process appends to the event feed (`feed:` notifications;
   * they do not move `changeToken`). Starts the LISTEN connection.
   */
  onFeed(listener: () => void): () => void {
    this.#db.assertOpen("onFeed");
    return this.#changes.subscribeFeed(listener);
  }

  /** Close the listener and the pool. Idempotent; every other method then throws ShuttingDownError. */
  async close(): Promise<void> {
    if (this.#db.closed) return;
    const closing = this.#db.close();
    await this.#changes.close();
    await closing;
  }

  async #run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    this.#db.assertOpen(operation);
    try {
      return await body();
    } catch (error) {
      throw toStoreError(operation, error);
    }
  }
}
