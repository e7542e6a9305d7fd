/**
 * @module stores/postgres/postgres-job-store
 * The PostgreSQL JobStore: composes the statement families (one file each), guards against use
 * after close, and turns unexpected PostgreSQL failures into StoreError.
 */
import { StoreError } from "../../core/errors.js";
import type {
  CancelOutcome,
  ClaimRequest,
  EnqueueOutcome,
  FinalizeRequest,
  HeartbeatOutcome,
  JobListQuery,
  JobLogLine,
  JobStore,
  NewJob,
  StoredJob,
} from "../../ports/job-store.js";
import { type PgDatabase, toStoreError } from "./database.js";
import { migrate } from "./migrate.js";

/** A JobStore over a PgDatabase (its pool). Build it with `openPostgresStores`. */
export class PostgresJobStore implements JobStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async migrate(): Promise<void> {
    return this.#run("migrate", () => migrate(this.#db));
  }

  async enqueue(_jobs: readonly NewJob[], _now: number): Promise<EnqueueOutcome[]> {
    return this.#todo("enqueue");
  }

  async claim(_request: ClaimRequest): Promise<StoredJob[]> {
    return this.#todo("claim");
  }

  async finalize(_requests: readonly FinalizeRequest[], _now: number): Promise<boolean[]> {
    return this.#todo("finalize");
  }

  async heartbeat(
    _workerId: string,
    _leases: readonly { jobId: string; leaseToken: string }[],
    _now: number,
    _leaseMs: number,
  ): Promise<HeartbeatOutcome> {
    return this.#todo("heartbeat");
  }

  async listExpired(_now: number, _limit: number): Promise<StoredJob[]> {
    return this.#todo("listExpired");
  }

  async cancel(_jobId: string, _now: number): Promise<CancelOutcome> {
    return this.#todo("cancel");
  }

  async setProgress(
    _jobId: string,
    _leaseToken: string,
    _percent: number,
    _message: string | null,
    _now: number,
  ): Promise<boolean> {
    return this.#todo("setProgress");
  }

  async appendLogs(_lines: readonly JobLogLine[]): Promise<void> {
    return this.#todo("appendLogs");
  }

  async getLogs(_jobId: string, _limit?: number): Promise<JobLogLine[]> {
    return this.#todo("getLogs");
  }

  async get(_jobId: string): Promise<StoredJob | null> {
    return this.#todo("get");
  }

  async list(_query: JobListQuery): Promise<StoredJob[]> {
    return this.#todo("list");
  }

  async nextRunAt(_fns: readonly string[]): Promise<number | null> {
    return this.#todo("nextRunAt");
  }

  async changeToken(): Promise<string | null> {
    return null;
  }

  async close(): Promise<void> {
    await this.#db.close();
  }

  async #run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    this.#db.assertOpen(operation);
    try {
      return await body();
    } catch (error) {
      throw toStoreError(operation, error);
    }
  }

  #todo(operation: string): never {
    throw new StoreError(`PostgreSQL job store: ${operation} is not implemented yet`);
  }
}
