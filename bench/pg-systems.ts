/**
 * @module bench/pg-systems
 * The two systems of the PostgreSQL bench behind one small interface, each through its public
 * API only:
 *
 * - **Kairos**: `createKairos({ store: "<url>?schema=kairos" })`, `define("noop", …,
 *   { maxAttempts: 1 })`, `enqueueMany` / `enqueue`, `start({ concurrency, leaseMs })`, `stop`.
 *   Everything else is Kairos's defaults (pool of 10 connections, prefetch, change check).
 * - **Graphile Worker 0.17.3**: `makeWorkerUtils` (+ `migrate`) and `WorkerUtils.addJobs` /
 *   `addJob` to enqueue, `run({ connectionString, concurrency, taskList, preset })` to work,
 *   in its own schema `graphile_worker`. The preset is Graphile's documented batching preset:
 *   `{ worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } }`.
 *   Everything else is Graphile's defaults, notably `pollInterval` 2,000 ms and a pool of 10
 *   connections. Its logger is silenced (Kairos's default logger is silent too), and the
 *   worker processes run with `NO_LOG_SUCCESS=1` so it does not even format a line per job.
 *
 * Every scenario runs in its own fresh database, so Kairos and Graphile never share one.
 *
 * "Remaining" jobs, polled to see when a run is over, are read straight from each system's
 * tables: Kairos's `jobs` rows in a non-final state; Graphile's `_private_jobs` rows that are
 * locked or still have attempts left (Graphile deletes a job when it completes, and keeps a
 * permanently failed one with `attempts = max_attempts` and no lock).
 */
import pg from "pg";
import type { PgSystem } from "./pg-types.js";

/** The Kairos schema inside a scenario's database. */
export const KAIROS_SCHEMA = "kairos";
/** Graphile Worker's own default schema. */
export const GRAPHILE_SCHEMA = "graphile_worker";
/** The one function / task of every scenario. */
export const FN = "noop";

/** The producer side: enqueues, and reads the job tables. */
export interface Producer {
  /** One batch in one call (`enqueueMany` / `addJobs`); `runAt` in ms since the epoch. */
  enqueueBatch(payloads: readonly unknown[], runAt?: number): Promise<void>;
  /** One job in one call (`enqueue` / `addJob`). */
  enqueueOne(payload: unknown, runAt?: number): Promise<void>;
  /** Jobs not finished yet, as the database sees them. */
  remaining(): Promise<number>;
  /** Final job counts read from the database, for the notes. */
  finalStates(): Promise<string>;
  close(): Promise<void>;
}

/** What a worker process does with each job. */
export interface WorkerHooks {
  /** Called as the handler's first statement. */
  handle(payload: unknown): void;
  /** Kairos only: the engine's `job:started` event. */
  readonly started?: (at: number, runAt: number) => void;
  /** A job failed for good (never expected: the handler is a no-op). */
  failed(error: string): void;
}

/** One system's worker in this process: prepared (connected, defined), then started. */
export interface BenchWorker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** One system (bench/pg-kairos.ts, bench/pg-graphile.ts). */
export interface BenchSystem {
  /** `client` is the producer's own connection for reading the job tables. */
  producer(databaseUrl: string, client: pg.Client): Promise<Producer>;
  worker(databaseUrl: string, concurrency: number, hooks: WorkerHooks): Promise<BenchWorker>;
}

/**
 * Load ONE system's module: a process never loads the other system's library, so its
 * baseline and peak RSS are its own system's.
 */
export async function loadSystem(system: PgSystem): Promise<BenchSystem> {
  return system === "kairos"
    ? (await import("./pg-kairos.js")).kairosSystem
    : (await import("./pg-graphile.js")).graphileSystem;
}

export async function openProducer(system: BenchSystem, databaseUrl: string): Promise<Producer> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "bench" });
  await client.connect();
  try {
    return await system.producer(databaseUrl, client);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

export async function count(client: pg.Client, sql: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(sql);
  return rows[0]?.n ?? 0;
}
