/**
 * @module bench/args
 * Command-line options of `npm run bench`. Errors are reported as a message for the user, never
 * a stack trace.
 */
import { parseArgs } from "node:util";
import { PG_SCENARIO_NAMES, PG_SYSTEMS, type PgScenarioName } from "./pg-types.js";
import {
  BACKLOG_SHAPES,
  isWorkflowScenario,
  SCENARIOS,
  type BacklogShape,
  type ScenarioName,
} from "./types.js";

/**
 * Workflow scenarios of a `--store postgres` run without --only: wf-fanout is left out, it takes
 * minutes and its run does not succeed on PostgreSQL yet (see docs/benchmarks.md);
 * `--only wf-fanout` runs it.
 */
const DEFAULT_PG_WORKFLOW_SCENARIOS: readonly ScenarioName[] = ["wf-chain"];

/**
 * The SQLite scenarios of a `--peers` run without `--only`: the figures the peers table
 * compares (enqueue, processing at c=10 and c=100, the burst lag) and the floors they are
 * also read against. The schedule and workflow scenarios have no peer and are left out.
 */
export const PEERS_DEFAULT_SCENARIOS: readonly ScenarioName[] = [
  "floor-a",
  "floor-b",
  "enqueue",
  "process-c10",
  "process-c100",
  "lag-burst",
];

export const USAGE = `usage: npm run bench -- [--json] [--quick] [--peers] [--store sqlite|postgres] [--rounds N] [--sched-rounds N] [--retained N] [--backlog N] [--backlog-shape S] [--only a,b] [--cpu-prof DIR]

  --json           print one JSON object on stdout (progress still goes to stderr)
  --quick          2,000 jobs instead of 20,000, and a 20 s schedule window instead of 60 s
                   (a smoke run)
  --peers          also run the same workload on BullMQ (a throwaway redis-server) and
                   Graphile Worker (a throwaway PostgreSQL server), interleaved with the
                   embedded figures, and print a table with the ratios Kairos / best peer.
                   Without --only it runs ${PEERS_DEFAULT_SCENARIOS.join(", ")}
                   (sqlite store only)
  --store sqlite   the store to benchmark (default): the SQLite store against bare
                   better-sqlite3 floors, and the schedule-firing scenarios
  --store postgres the PostgreSQL store against Graphile Worker 0.17.3 on a throwaway
                   PostgreSQL server the bench starts and removes (needs initdb and pg_ctl)
  --rounds N       run every job scenario N times, interleaved, and report medians
                   (default 3; 1 with --quick)
  --sched-rounds N run every schedule scenario (sched-*) N times, after the job scenarios,
                   and report medians (default 1: each round takes over a minute)
  --retained N     finished jobs seeded in the table before process-c10-retained and
                   process-c10-backlog run (default 1,000,000; 100,000 with --quick)
  --backlog N      queued jobs (due, fn noop) seeded beside them before process-c10-backlog's
                   worker process starts; it runs 20,000 of them (2,000 with --quick) and
                   leaves the rest queued (default 1,000,000; 100,000 with --quick)
  --backlog-shape S  whose jobs that backlog is: same (default: the worker's function),
                   other (queued jobs of a function the worker does not define, ahead of
                   its own), other-due (the same, still scheduled though due)
  --only LIST      run only these scenarios:
                   sqlite: ${SCENARIOS.join(", ")}
                   postgres: <system>-<shape>[-x3], system kairos or graphile, shape enqueue,
                   process-c10, process-c100, lag-burst, lag-spread; -x3: three worker
                   processes. A shape alone (process-c10, process-c10-x3) selects both
                   systems; a system alone (kairos, graphile) selects all its scenarios;
                   wf-chain, wf-fanout: the workflow scenarios (Kairos only)
                   http: enqueue over HTTP next to the library's enqueue, alone
                   (its options: npm run bench -- --only http --help)
  --cpu-prof DIR   run each scenario's process with node --cpu-prof, writing profiles to DIR
                   (postgres: the worker processes' profiles go to DIR/<scenario>/worker-<i>)`;

export const STORES = ["sqlite", "postgres"] as const;
export type StoreKind = (typeof STORES)[number];

export interface BenchOptions {
  readonly json: boolean;
  readonly quick: boolean;
  readonly store: StoreKind;
  /**
   * The SQLite store's scenarios; with `--store postgres`, only the workflow scenarios
   * (wf-chain, wf-fanout), which run on the same throwaway server.
   */
  readonly scenarios: readonly ScenarioName[];
  /** The PostgreSQL store's scenarios (empty with `--store sqlite`). */
  readonly pgScenarios: readonly PgScenarioName[];
  readonly cpuProfDir: string | undefined;
  /** Jobs for the throughput scenarios and the floors. */
  readonly jobs: number;
  /** Jobs for each start-lag scenario. */
  readonly lagJobs: number;
  /** Times each job scenario runs; the report shows medians. */
  readonly rounds: number;
  /** Times each schedule scenario runs. */
  readonly schedRounds: number;
  /** Measurement window of each schedule scenario. */
  readonly schedWindowMs: number;
  /** Finished jobs already in the table for `process-c10-retained`. */
  readonly retainedJobs: number;
  /** Queued jobs in the table for `process-c10-backlog` (beside `retainedJobs` finished). */
  readonly backlogJobs: number;
  /** `--backlog-shape`: whose jobs the backlog is. */
  readonly backlogShape: BacklogShape;
  /** `--peers`: BullMQ and Graphile Worker run the same workload in the same rounds. */
  readonly peers: boolean;
}

export class UsageError extends Error {}

export function parseBenchArgs(argv: readonly string[]): BenchOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        json: { type: "boolean", default: false },
        quick: { type: "boolean", default: false },
        peers: { type: "boolean", default: false },
        store: { type: "string", default: "sqlite" },
        only: { type: "string" },
        rounds: { type: "string" },
        "sched-rounds": { type: "string" },
        retained: { type: "string" },
        backlog: { type: "string" },
        "backlog-shape": { type: "string", default: "same" },
        "cpu-prof": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return "help";

  const store = values.store;
  if (!(STORES as readonly string[]).includes(store)) {
    throw new UsageError(
      `--store ${store} is not supported: the bench knows only ${STORES.join(", ")} so far`,
    );
  }

  if (values.peers && store !== "sqlite") {
    throw new UsageError(
      "--peers compares the embedded (SQLite) store with BullMQ and Graphile Worker; " +
        "--store postgres already runs Graphile Worker beside Kairos: drop one of the two",
    );
  }

  let scenarios: ScenarioName[] = values.peers ? [...PEERS_DEFAULT_SCENARIOS] : [...SCENARIOS];
  let pgScenarios: PgScenarioName[] = [];
  if (store === "postgres") {
    const tokens = values.only?.split(",").map((s) => s.trim());
    const wf = tokens?.filter(isWorkflowScenario);
    const rest = tokens?.filter((t) => !isWorkflowScenario(t));
    scenarios = wf === undefined ? [...DEFAULT_PG_WORKFLOW_SCENARIOS] : wf;
    pgScenarios =
      rest === undefined
        ? selectPgScenarios(undefined)
        : rest.length > 0
          ? selectPgScenarios(rest.join(","))
          : [];
  } else if (values.only !== undefined) {
    const wanted = values.only.split(",").map((s) => s.trim());
    const unknown = wanted.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
    if (unknown.length > 0) {
      throw new UsageError(
        `--only: unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.join(", ")}`,
      );
    }
    scenarios = SCENARIOS.filter((s) => wanted.includes(s));
  }

  const rounds = values.rounds === undefined ? (values.quick ? 1 : 3) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) {
    throw new UsageError(`--rounds must be an integer from 1 to 50, got ${values.rounds}`);
  }

  const schedRounds = values["sched-rounds"] === undefined ? 1 : Number(values["sched-rounds"]);
  if (!Number.isInteger(schedRounds) || schedRounds < 1 || schedRounds > 50) {
    throw new UsageError(
      `--sched-rounds must be an integer from 1 to 50, got ${values["sched-rounds"]}`,
    );
  }

  const retainedJobs =
    values.retained === undefined ? (values.quick ? 100_000 : 1_000_000) : Number(values.retained);
  if (!Number.isInteger(retainedJobs) || retainedJobs < 0 || retainedJobs > 100_000_000) {
    throw new UsageError(
      `--retained must be an integer from 0 to 100,000,000, got ${values.retained}`,
    );
  }

  const backlogJobs =
    values.backlog === undefined ? (values.quick ? 100_000 : 1_000_000) : Number(values.backlog);
  if (!Number.isInteger(backlogJobs) || backlogJobs < 0 || backlogJobs > 100_000_000) {
    throw new UsageError(
      `--backlog must be an integer from 0 to 100,000,000, got ${values.backlog}`,
    );
  }

  const backlogShape = values["backlog-shape"];
  if (!(BACKLOG_SHAPES as readonly string[]).includes(backlogShape)) {
    throw new UsageError(
      `--backlog-shape must be one of ${BACKLOG_SHAPES.join(", ")}, got ${backlogShape}`,
    );
  }

  return {
    rounds,
    retainedJobs,
    backlogJobs,
    backlogShape: backlogShape as BacklogShape,
    schedRounds,
    schedWindowMs: values.quick ? 20_000 : 60_000,
    json: values.json,
    peers: values.peers,
    quick: values.quick,
    store: store as StoreKind,
    scenarios,
    pgScenarios,
    cpuProfDir: values["cpu-prof"],
    jobs: values.quick ? 2_000 : 20_000,
    lagJobs: 2_000,
  };
}

/**
 * `--only` for the PostgreSQL store: full names (`kairos-process-c10-x3`), a shape with or
 * without `-x3` for both systems (`process-c10`), or a system for all its scenarios.
 */
function selectPgScenarios(only: string | undefined): PgScenarioName[] {
  if (only === undefined) return [...PG_SCENARIO_NAMES];
  const wanted = only.split(",").map((s) => s.trim());
  const matches = (token: string, name: PgScenarioName) =>
    name === token ||
    PG_SYSTEMS.some((system) => name === `${system}-${token}`) ||
    ((PG_SYSTEMS as readonly string[]).includes(token) && name.startsWith(`${token}-`));
  const unknown = wanted.filter((t) => !PG_SCENARIO_NAMES.some((n) => matches(t, n)));
  if (unknown.length > 0) {
    throw new UsageError(
      `--only: unknown scenario ${unknown.join(", ")}; known with --store postgres: ` +
        [...PG_SCENARIO_NAMES, "wf-chain", "wf-fanout"].join(", "),
    );
  }
  return PG_SCENARIO_NAMES.filter((n) => wanted.some((t) => matches(t, n)));
}
