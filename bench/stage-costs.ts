/**
 * @module bench/stage-costs
 * Where a worker's CPU goes per job, from a V8 CPU profile (`npm run bench -- --cpu-prof DIR`):
 * each sample is given to the stage of the innermost frame whose file belongs to a stage
 * (claim, dispatch, handler wrapper, finalize, events, driver), else to GC, to set-up (module
 * loading, the scenario's own enqueue), to idle, or to "other". Costs are samples x the
 * profile's sampling interval / jobs, in µs per job: set-up and idle are shown but not counted
 * in the per-job total.
 *
 * With `--stages enqueue` a profile of the `enqueue` scenario is read with the enqueue path's
 * stages instead (`ENQUEUE_STAGES`): validate & build (the jobs API, the job factory, payload
 * JSON), store (the store's enqueue JS and, on SQLite, its statements: the INSERTs, their index
 * writes, the commit), job view, events (the `job:queued` events, their feed rows and the
 * feed's own SQL), driver (pg), GC. SQLite's statements are not a stage of their own: in a
 * profile started with the process (`--cpu-prof`) V8 shows no frame for better-sqlite3's native
 * calls, so their time is the self time of the JS function that ran them.
 *
 * Usage: `npx tsx bench/stage-costs.ts [--stages worker|enqueue] --jobs N PROFILE.cpuprofile
 * [...]` (several profiles, e.g. the worker processes of one PostgreSQL scenario, are summed).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

/** The stages a sample can be given to, in report order. */
export const STAGES = [
  "claim",
  "dispatch",
  "handler wrapper",
  "finalize",
  "events",
  "driver",
  "gc",
  "other",
  "set-up",
  "idle",
] as const;
/** The stages of an enqueue profile (`--stages enqueue`), in report order. */
export const ENQUEUE_STAGES = [
  "validate & build",
  "store",
  "job view",
  "events",
  "driver",
  "gc",
  "other",
  "set-up",
  "idle",
] as const;
export type Stage = (typeof STAGES)[number] | (typeof ENQUEUE_STAGES)[number];

/** Which stages a profile is read with: a worker's (`STAGES`) or an enqueue's. */
export type StageSet = "worker" | "enqueue";

/** Stages that are not per-job work of the worker (shown, not summed). */
const NOT_PER_JOB: ReadonlySet<Stage> = new Set(["set-up", "idle"]);

/** One call frame as V8 writes it. */
export interface ProfileFrame {
  readonly functionName: string;
  readonly url: string;
}

/** Files of each stage, by base name (src/ and bench/ names are unique enough). */
const FILE_STAGES: readonly (readonly [Stage, readonly string[]])[] = [
  ["set-up", ["kairos-scenarios.ts", "pg-worker.ts", "child.ts", "enqueue.ts", "jobs-api.ts"]],
  [
    "events",
    ["recorder.ts", "record.ts", "buffer.ts", "feed.ts", "feed-batches.ts", "event-bus.ts"],
  ],
  [
    "finalize",
    ["finalize.ts", "finalize-batcher.ts", "outcome-writer.ts", "finalization.ts", "attempts.ts"],
  ],
  ["claim", ["claim.ts", "claim-loop.ts", "control.ts", "job-row.ts", "prefetch.ts"]],
  [
    "handler wrapper",
    ["job-execution.ts", "run-context.ts", "log-buffer.ts", "progress.ts", "lease-keeper.ts"],
  ],
  ["dispatch", ["worker-pool.ts", "held-jobs.ts", "drain.ts", "stop-control.ts"]],
];

const SETUP_FUNCTIONS = /^(compileSourceTextModule|compileForInternalLoader|wrapSafe|require)$/;

/** The stage of one frame, or null when the frame alone does not decide. */
export function frameStage(frame: ProfileFrame): Stage | null {
  if (frame.functionName === "(garbage collector)") return "gc";
  if (frame.functionName === "(idle)") return "idle";
  if (frame.url.includes("/node_modules/pg") || frame.url.includes("/node_modules/better-sqlite3"))
    return frame.url.includes("better-sqlite3") ? null : "driver";
  if (isModuleLoading(frame)) return "set-up";
  const base = path.basename(frame.url.split("?")[0] ?? "");
  for (const [stage, files] of FILE_STAGES) if (files.includes(base)) return stage;
  return null;
}

/** Module loading and compiling (node's loaders, tsx, esbuild): set-up in either stage set. */
function isModuleLoading(frame: ProfileFrame): boolean {
  return (
    frame.url.startsWith("node:internal/modules") ||
    SETUP_FUNCTIONS.test(frame.functionName) ||
    frame.url.includes("/node_modules/tsx/") ||
    frame.url.includes("/node_modules/esbuild/")
  );
}

/** Files of each enqueue stage, by base name; the first stage whose list holds it wins. */
const ENQUEUE_FILE_STAGES: readonly (readonly [Stage, readonly string[]])[] = [
  ["set-up", ["kairos-scenarios.ts", "pg-scenarios.ts", "pg-kairos.ts", "child.ts", "pg-child.ts"]],
  ["set-up", ["open.ts", "migrate.ts", "open-stores.ts", "connect.ts"]],
  ["events", FILE_STAGES.find(([stage]) => stage === "events")?.[1] ?? []],
  ["job view", ["job-view.ts"]],
  [
    "validate & build",
    ["jobs-api.ts", "job-factory.ts", "payload.ts", "policy.ts", "origin.ts", "kairos.ts"],
  ],
  [
    "store",
    ["enqueue.ts", "group-commit.ts", "sqlite-job-store.ts", "postgres-job-store.ts", "job-row.ts"],
  ],
];

/** The stage of one frame under the enqueue stages, or null when the frame alone does not decide. */
export function enqueueFrameStage(frame: ProfileFrame): Stage | null {
  if (frame.functionName === "(garbage collector)") return "gc";
  if (frame.functionName === "(idle)") return "idle";
  if (frame.url.includes("/node_modules/pg")) return "driver";
  if (isModuleLoading(frame)) return "set-up";
  const base = path.basename(frame.url.split("?")[0] ?? "");
  for (const [stage, files] of ENQUEUE_FILE_STAGES) if (files.includes(base)) return stage;
  return null;
}

/**
 * The stage of a sample: its innermost frame with a stage, else "other". Under the enqueue
 * stages, better-sqlite3 (its JS and native frames) belongs to its caller's stage, like a pg
 * driver frame under the worker's: a statement run by the event feed is events, one run by
 * the store's enqueue is store, one run while opening the store (migrations) is set-up.
 */
export function sampleStage(
  stackLeafFirst: readonly ProfileFrame[],
  stages: StageSet = "worker",
): Stage {
  const stageOf = stages === "worker" ? frameStage : enqueueFrameStage;
  for (const frame of stackLeafFirst) {
    const stage = stageOf(frame);
    if (stage !== null) return stage;
  }
  return "other";
}

interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: ProfileFrame;
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Microseconds per stage in one profile. */
export function stageMicros(profile: CpuProfile, stages: StageSet = "worker"): Map<Stage, number> {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const stageOfNode = new Map<number, Stage>();
  const stageOf = (id: number): Stage => {
    const known = stageOfNode.get(id);
    if (known) return known;
    const stack: ProfileFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node) stack.push(node.callFrame);
    }
    const stage = sampleStage(stack, stages);
    stageOfNode.set(id, stage);
    return stage;
  };
  const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  const micros = new Map<Stage, number>();
  for (const id of profile.samples) {
    const stage = stageOf(id);
    micros.set(stage, (micros.get(stage) ?? 0) + interval);
  }
  return micros;
}

/** The report's rows: stage, µs per job and share of the per-job total. */
export function stageTable(
  micros: ReadonlyMap<Stage, number>,
  jobs: number,
  stages: StageSet = "worker",
): { stage: Stage; perJob: number; share: number | null }[] {
  const order: readonly Stage[] = stages === "worker" ? STAGES : ENQUEUE_STAGES;
  const total = order
    .filter((s) => !NOT_PER_JOB.has(s))
    .reduce((sum, s) => sum + (micros.get(s) ?? 0), 0);
  return order.map((stage) => {
    const us = micros.get(stage) ?? 0;
    return { stage, perJob: us / jobs, share: NOT_PER_JOB.has(stage) ? null : us / total };
  });
}

/** The profile in `file`; throws an Error naming the file and what was wrong with it. */
export function loadProfile(file: string): CpuProfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot read ${file}: ${reason} (give a .cpuprofile written by --cpu-prof)`);
  }
  const p = parsed as Partial<CpuProfile> | null;
  if (!p || !Array.isArray(p.nodes) || !Array.isArray(p.samples)) {
    throw new Error(`${file} is not a V8 CPU profile (no nodes and samples): give a .cpuprofile`);
  }
  return p as CpuProfile;
}

const USAGE =
  "usage: npx tsx bench/stage-costs.ts [--stages worker|enqueue] --jobs N PROFILE.cpuprofile [...]\n";

/** The command line, or the usage on stderr and exit 2 (exit 0 for --help). */
function parseCommandLine(): { jobs: number; stages: StageSet; files: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        jobs: { type: "string" },
        stages: { type: "string", default: "worker" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
  } catch (error) {
    process.stderr.write(`bench/stage-costs: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const jobs = Number(values.jobs);
  const stages = values.stages;
  if (
    !Number.isInteger(jobs) ||
    jobs <= 0 ||
    positionals.length === 0 ||
    (stages !== "worker" && stages !== "enqueue")
  ) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  return { jobs, stages, files: positionals };
}

function main(): void {
  const { jobs, stages, files: positionals } = parseCommandLine();
  const sum = new Map<Stage, number>();
  for (const file of positionals) {
    let profile: CpuProfile;
    try {
      profile = loadProfile(file);
    } catch (error) {
      process.stderr.write(`bench/stage-costs: ${(error as Error).message}\n`);
      process.exit(2);
    }
    for (const [stage, us] of stageMicros(profile, stages)) {
      sum.set(stage, (sum.get(stage) ?? 0) + us);
    }
  }
  const rows = stageTable(sum, jobs, stages);
  let perJobTotal = 0;
  process.stdout.write("| stage | µs per job | share |\n| --- | --: | --: |\n");
  for (const row of rows) {
    if (row.share !== null) perJobTotal += row.perJob;
    const share = row.share === null ? "(not per job)" : `${(row.share * 100).toFixed(0)} %`;
    process.stdout.write(`| ${row.stage} | ${row.perJob.toFixed(1)} | ${share} |\n`);
  }
  process.stdout.write(`| total per job | ${perJobTotal.toFixed(1)} | 100 % |\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
