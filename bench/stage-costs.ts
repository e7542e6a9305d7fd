/**
 * @module bench/stage-costs
 * Where a worker's CPU goes per job, from a V8 CPU profile (`npm run bench -- --cpu-prof DIR`):
 * each sample is given to the stage of the innermost frame whose file belongs to a stage
 * (claim, dispatch, handler wrapper, finalize, events, driver), else to GC, to set-up (module
 * loading, the scenario's own enqueue), to idle, or to "other". Costs are samples x the
 * profile's sampling interval / jobs, in µs per job: set-up and idle are shown but not counted
 * in the per-job total.
 *
 * Usage: `npx tsx bench/stage-costs.ts --jobs N PROFILE.cpuprofile [...]` (several profiles,
 * e.g. the worker processes of one PostgreSQL scenario, are summed).
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
export type Stage = (typeof STAGES)[number];

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
  if (frame.url.startsWith("node:internal/modules") || SETUP_FUNCTIONS.test(frame.functionName))
    return "set-up";
  if (frame.url.includes("/node_modules/tsx/") || frame.url.includes("/node_modules/esbuild/"))
    return "set-up";
  const base = path.basename(frame.url.split("?")[0] ?? "");
  for (const [stage, files] of FILE_STAGES) if (files.includes(base)) return stage;
  return null;
}

/** The stage of a sample: its innermost frame with a stage, else "other". */
export function sampleStage(stackLeafFirst: readonly ProfileFrame[]): Stage {
  for (const frame of stackLeafFirst) {
    const stage = frameStage(frame);
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
export function stageMicros(profile: CpuProfile): Map<Stage, number> {
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
    const stage = sampleStage(stack);
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
): { stage: Stage; perJob: number; share: number | null }[] {
  const total = STAGES.filter((s) => !NOT_PER_JOB.has(s)).reduce(
    (sum, s) => sum + (micros.get(s) ?? 0),
    0,
  );
  return STAGES.map((stage) => {
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

function main(): void {
  const { values, positionals } = parseArgs({
    options: { jobs: { type: "string" } },
    allowPositionals: true,
  });
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs <= 0 || positionals.length === 0) {
    process.stderr.write("usage: npx tsx bench/stage-costs.ts --jobs N PROFILE.cpuprofile [...]\n");
    process.exit(2);
  }
  const sum = new Map<Stage, number>();
  for (const file of positionals) {
    let profile: CpuProfile;
    try {
      profile = loadProfile(file);
    } catch (error) {
      process.stderr.write(`bench/stage-costs: ${(error as Error).message}\n`);
      process.exit(2);
    }
    for (const [stage, us] of stageMicros(profile)) sum.set(stage, (sum.get(stage) ?? 0) + us);
  }
  const rows = stageTable(sum, jobs);
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
