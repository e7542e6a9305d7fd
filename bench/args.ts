/**
 * @module bench/args
 * Command-line options of `npm run bench`. Errors are reported as a message for the user, never
 * a stack trace.
 */
import { parseArgs } from "node:util";
import { SCENARIOS, type ScenarioName } from "./types.js";

export const USAGE = `usage: npm run bench -- [--json] [--quick] [--store sqlite] [--rounds N] [--sched-rounds N] [--only a,b] [--cpu-prof DIR]

  --json           print one JSON object on stdout (progress still goes to stderr)
  --quick          2,000 jobs instead of 20,000, and a 20 s schedule window instead of 60 s
                   (a smoke run)
  --store sqlite   the store to benchmark; sqlite is the only one so far (default)
  --rounds N       run every job scenario N times, interleaved, and report medians
                   (default 3; 1 with --quick)
  --sched-rounds N run every schedule scenario (sched-*) N times, after the job scenarios,
                   and report medians (default 1: each round takes over a minute)
  --only LIST      run only these scenarios: ${SCENARIOS.join(", ")}
  --cpu-prof DIR   run each scenario's process with node --cpu-prof, writing profiles to DIR`;

export const STORES = ["sqlite"] as const;
export type StoreKind = (typeof STORES)[number];

export interface BenchOptions {
  readonly json: boolean;
  readonly quick: boolean;
  readonly store: StoreKind;
  readonly scenarios: readonly ScenarioName[];
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
        store: { type: "string", default: "sqlite" },
        only: { type: "string" },
        rounds: { type: "string" },
        "sched-rounds": { type: "string" },
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

  let scenarios: ScenarioName[] = [...SCENARIOS];
  if (values.only !== undefined) {
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

  return {
    rounds,
    schedRounds,
    schedWindowMs: values.quick ? 20_000 : 60_000,
    json: values.json,
    quick: values.quick,
    store: store as StoreKind,
    scenarios,
    cpuProfDir: values["cpu-prof"],
    jobs: values.quick ? 2_000 : 20_000,
    lagJobs: 2_000,
  };
}
