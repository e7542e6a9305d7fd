/**
 * @module bench/pg-types
 * Shapes of `npm run bench -- --store postgres`: Kairos on its PostgreSQL store side by side
 * with Graphile Worker 0.17.3 on the same throwaway server. Everything that crosses a process
 * boundary (parent -> scenario child -> worker processes) is plain JSON.
 *
 * A scenario is a system (kairos, graphile), a shape (enqueue, process-c10, process-c100,
 * lag-burst, lag-spread) and a number of worker processes (1, or 3 with the `-x3` suffix; the
 * enqueue shape has no worker). Its name is `<system>-<shape>[-x3]`.
 */
import type { LatencySummary } from "./types.js";

/** The Graphile Worker version the bench is written against (package.json pins it). */
export const GRAPHILE_VERSION = "0.17.3";

/**
 * Graphile Worker's documented batching preset (https://worker.graphile.org/docs/performance),
 * passed as `run({ …, preset })`. Its poll interval stays at the default, 2,000 ms.
 */
export const GRAPHILE_PRESET = {
  worker: {
    localQueue: { size: 500 },
    completeJobBatchDelay: 0,
    failJobBatchDelay: 0,
  },
};

export const PG_SYSTEMS = ["kairos", "graphile"] as const;
export type PgSystem = (typeof PG_SYSTEMS)[number];

export const PG_SHAPES = [
  "enqueue",
  "process-c10",
  "process-c100",
  "lag-burst",
  "lag-spread",
] as const;
export type PgShape = (typeof PG_SHAPES)[number];

type WorkerShape = Exclude<PgShape, "enqueue">;
export type PgScenarioName = `${PgSystem}-${PgShape}` | `${PgSystem}-${WorkerShape}-x3`;

/** One scenario, decoded from its name. */
export interface PgScenario {
  readonly name: PgScenarioName;
  readonly system: PgSystem;
  readonly shape: PgShape;
  /** Worker processes the scenario child starts: 0 (enqueue only), 1 or 3. */
  readonly workers: 0 | 1 | 3;
  /** Total handler concurrency, split over the worker processes (0 for enqueue). */
  readonly concurrency: number;
}

/** Every scenario, in run order: the two systems of a figure next to each other. */
export const PG_SCENARIOS: readonly PgScenario[] = PG_SHAPES.flatMap((shape) =>
  (shape === "enqueue" ? ([0] as const) : ([1, 3] as const)).flatMap((workers) =>
    PG_SYSTEMS.map((system): PgScenario => {
      const name = `${system}-${shape}${workers === 3 ? "-x3" : ""}` as PgScenarioName;
      const concurrency = shape === "process-c10" ? 10 : shape === "enqueue" ? 0 : 100;
      return { name, system, shape, workers, concurrency };
    }),
  ),
);

export const PG_SCENARIO_NAMES: readonly PgScenarioName[] = PG_SCENARIOS.map((s) => s.name);

export function pgScenario(name: PgScenarioName): PgScenario {
  const found = PG_SCENARIOS.find((s) => s.name === name);
  if (found === undefined) throw new Error(`unknown PostgreSQL scenario ${name}`);
  return found;
}

/**
 * The total concurrency split over `workers` processes, the remainder to the first ones:
 * 10 -> 4 + 3 + 3, 100 -> 34 + 33 + 33.
 */
export function splitConcurrency(total: number, workers: number): number[] {
  return Array.from(
    { length: workers },
    (_, i) => Math.floor(total / workers) + (i < total % workers ? 1 : 0),
  );
}

/** What the parent asks a scenario child (bench/pg-child.ts) to run. */
export interface PgScenarioRequest {
  readonly scenario: PgScenarioName;
  /** The scenario's own fresh database, created (and dropped) by the parent. */
  readonly databaseUrl: string;
  /** Jobs of the enqueue and processing shapes. */
  readonly jobs: number;
  /** Jobs of each lag shape. */
  readonly lagJobs: number;
  /** Give up (and fail the scenario) after this long. */
  readonly timeoutMs: number;
}

/** What the scenario child asks one worker process (bench/pg-worker.ts) to do. */
export interface PgWorkerRequest {
  readonly system: PgSystem;
  readonly databaseUrl: string;
  readonly index: number;
  readonly concurrency: number;
  /**
   * process: prepare, say `ready`, start on `go` (the timed section begins at `go`).
   * lag: start at once, then say `ready`; the jobs are enqueued afterwards, due later.
   */
  readonly mode: "process" | "lag";
}

/** Messages from a worker process to the scenario child. */
export type PgWorkerMessage =
  | { readonly type: "ready" }
  /** `go` -> `start()` / `run()` resolved, in ms (process mode). */
  | { readonly type: "started"; readonly startupMs: number }
  /** Handlers finished so far (cumulative), sent at most once per event-loop turn. */
  | { readonly type: "progress"; readonly handled: number }
  | { readonly type: "error"; readonly error: string }
  | { readonly type: "done"; readonly report: PgWorkerReport };

/** Messages from the scenario child to a worker process. */
export type PgCoordinatorMessage = { readonly type: "go" } | { readonly type: "stop" };

/** What one worker process measured. */
export interface PgWorkerReport {
  readonly index: number;
  readonly concurrency: number;
  /** Handlers this process ran. */
  readonly handled: number;
  /** `go` -> started, in ms (process mode); for lag mode, open + start before `ready`. */
  readonly startupMs: number;
  /** CPU (user + system) of the process from `go` (or `ready`) to `stop`, in ms. */
  readonly cpuMs: number;
  /** Handler start minus the job's runAt, in ms (lag mode only). */
  readonly lags: readonly number[];
  /** Kairos only: `job:started` `at - runAt` (lag mode). */
  readonly eventLags: readonly number[];
  readonly baselineRssBytes: number;
  readonly peakRssBytes: number;
}

/** Figures every worker process contributes, kept per process in the results. */
export interface PgWorkerSummary {
  readonly index: number;
  readonly concurrency: number;
  readonly handled: number;
  readonly startupMs: number;
  readonly cpuMs: number;
  readonly peakRssBytes: number;
  readonly baselineRssBytes: number;
}

/** Throughput of enqueue (no worker) or of processing (1 or 3 worker processes). */
export interface PgThroughputResult {
  readonly kind: "throughput";
  readonly jobs: number;
  readonly elapsedMs: number;
  readonly jobsPerSec: number;
  /**
   * Processing: from the moment the handlers of all jobs had returned (as reported by the
   * workers) until the database showed every job finished. The end of the timed section is
   * the database's view.
   */
  readonly confirmMs: number | null;
  readonly workers: readonly PgWorkerSummary[];
}

/** Start lag of delayed jobs. */
export interface PgLagResult {
  readonly kind: "lag";
  readonly jobs: number;
  readonly lag: LatencySummary;
  /** Kairos only: `job:started` `at - runAt`, the engine's own view. */
  readonly eventLag: LatencySummary | null;
  readonly enqueueMs: number;
  /** Jobs whose enqueue returned only after their runAt (their lag includes it). */
  readonly lateEnqueues: number;
  readonly workers: readonly PgWorkerSummary[];
}

export type PgScenarioResult = PgThroughputResult | PgLagResult;

/** Database-side counters of one scenario, read by the parent (see pg-server.ts). */
export interface PgDbStats {
  /** Transactions committed in the scenario's database (pg_stat_database.xact_commit). */
  readonly xactCommit: number;
  /** WAL flushes to disk, cluster-wide, while the scenario ran (pg_stat_wal.wal_sync). */
  readonly walSync: number;
  /** WAL written, cluster-wide, while the scenario ran (pg_stat_wal.wal_bytes). */
  readonly walBytes: number;
}

/** What a scenario child reports. */
export interface PgChildReport {
  readonly scenario: PgScenarioName;
  readonly result: PgScenarioResult;
  /** The scenario child (the producer): RSS after its modules loaded, and its peak. */
  readonly producerBaselineRssBytes: number;
  readonly producerPeakRssBytes: number;
  readonly notes: readonly string[];
  /** Filled in by the parent after the child exited. */
  readonly db?: PgDbStats | null;
}

export type PgChildOutcome =
  | { readonly ok: true; readonly report: PgChildReport }
  | { readonly ok: false; readonly failure: { scenario: PgScenarioName; error: string } };

/** Every round of one scenario. */
export interface PgScenarioRuns {
  readonly runs: PgChildOutcome[];
}
