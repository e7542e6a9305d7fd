/**
 * @module bench/backlog-scenario
 * `process-c10-backlog` (issue 14, item 4): a worker that starts on a store holding a big
 * backlog. The scenario's process creates the schema (Kairos opens the file and closes it),
 * seeds `retainedJobs` finished jobs like process-c10-retained and `backlogJobs` queued ones,
 * all due now, fn "noop", in the row shape `enqueue` writes (one INSERT ... SELECT over a
 * recursive CTE each, bare SQL, untimed, no ANALYZE: a store that grew by itself has none),
 * then forks a fresh worker process (bench/backlog-worker.ts) that starts at concurrency 10
 * and is stopped after `jobs` successes; the rest of the backlog stays queued. The figures are
 * the worker process's: throughput from `start()` to the N-th success (timed like
 * process-c10), its start-up, CPU per job and peak RSS (the seeding's memory is not in it).
 *
 * The worker runs as a deployed worker does: compiled JavaScript under plain `node` (the
 * package ships `dist/`), not through tsx, whose loader thread and in-memory transpiled
 * sources add ~40 MB of RSS that no user's worker carries. The worker and Kairos's sources
 * are bundled by esbuild once per bench process (packages stay external).
 */
import Database from "better-sqlite3";
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createKairos } from "../src/index.js";
import { dbFile, seedFinished, stateCounts } from "./kairos-scenarios.js";
import { forkOnce } from "./runner.js";
import { perSecond } from "./stats.js";
import type {
  BacklogWorkerOutcome,
  BacklogWorkerRequest,
  ScenarioRequest,
  ScenarioResult,
} from "./types.js";

const WORKER_SOURCE = fileURLToPath(new URL("./backlog-worker.ts", import.meta.url));
/**
 * Where the compiled worker goes: inside the repository (under the git-ignored `.kairos/`) so
 * that its bare imports resolve from the repository's node_modules, and `package.json` sits
 * two levels up as it does from `dist/runtime/`.
 */
const WORKER_BUNDLE = fileURLToPath(
  new URL("../.kairos/bench/backlog-worker.mjs", import.meta.url),
);
const CONCURRENCY = 10;
const LEASE_MS = 30_000;

/** The backoff and timeout `enqueue` stamps on a job of a function defined with defaults. */
const DEFAULT_BACKOFF =
  '{"type":"exponential","delayMs":1000,"factor":2,"maxDelayMs":3600000,"jitter":0.1}';
const DEFAULT_TIMEOUT_MS = 1_800_000;

/**
 * Insert `count` jobs of `fn` in `state`, due over the `count` ms before `now` (oldest first,
 * so claim order is id order), with the columns an `enqueue` of `{ i }` (maxAttempts 1) writes.
 */
function seedDue(
  file: string,
  count: number,
  fn: string,
  state: "queued" | "scheduled",
  now: number,
): string {
  const db = new Database(file);
  try {
    const t0 = performance.now();
    db.prepare(
      `WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count)
       INSERT INTO jobs (fn, state, attempt, max_attempts, payload, priority, run_at,
                         concurrency_limit, created_at, updated_at, backoff, timeout_ms,
                         origin_kind)
       SELECT @fn, @state, 0, 1, '{"i":' || i || '}', 0, t, 1, t, t, @backoff, @timeout,
              'api'
         FROM (SELECT i, @now - @count + i AS t FROM n)`,
    ).run({ count, now, fn, state, backoff: DEFAULT_BACKOFF, timeout: DEFAULT_TIMEOUT_MS });
    return `seeded ${count.toLocaleString("en-US")} ${state} jobs of ${fn} in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  } finally {
    db.close();
  }
}

/**
 * The backlog of `request.backlogShape`: the worker's own jobs, or another function's older
 * ones followed by the worker's own (its count plus a margin for what it claims beyond it).
 */
function seedBacklog(file: string, request: ScenarioRequest): string[] {
  const now = Date.now();
  if (request.backlogShape === "same") {
    return [seedDue(file, request.backlogJobs, "noop", "queued", now)];
  }
  const state = request.backlogShape === "other" ? "queued" : "scheduled";
  const own = request.jobs + 5_000;
  return [
    seedDue(file, request.backlogJobs, "other", state, now - own),
    seedDue(file, own, "noop", "queued", now),
  ];
}

let compiled: Promise<string> | undefined;

/** The worker compiled to one ESM file (Kairos's sources in it, packages external), once. */
function compiledWorker(): Promise<string> {
  compiled ??= (async () => {
    fs.mkdirSync(path.dirname(WORKER_BUNDLE), { recursive: true });
    await build({
      entryPoints: [WORKER_SOURCE],
      outfile: WORKER_BUNDLE,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      logLevel: "error",
    });
    return WORKER_BUNDLE;
  })();
  return compiled;
}

/** Runs the scenario; the result carries the worker process's report. */
export async function runBacklogScenario(request: ScenarioRequest): Promise<{
  result: ScenarioResult;
  notes: string[];
  peakRssBytes: number;
  baselineRssBytes: number;
}> {
  if (request.backlogShape === "same" && request.backlogJobs < request.jobs) {
    throw new Error(
      `--backlog ${request.backlogJobs} is below the ${request.jobs} jobs the worker runs`,
    );
  }
  const file = dbFile(request.dir);
  const kairos = await createKairos({ store: `sqlite:${file}` });
  await kairos.stop({ drainMs: 1_000 });
  const notes: string[] = [];
  if (request.retainedJobs > 0) notes.push(seedFinished(request.dir, request.retainedJobs, false));
  notes.push(...seedBacklog(file, request));
  // Write the seeded file out before the worker starts: else its first commit's fsync waits
  // for the kernel to write back the ~0.5 GB just seeded (about 200 ms of "start-up" here).
  const fd = fs.openSync(file, "r+");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }

  const workerRequest: BacklogWorkerRequest = {
    dbFile: file,
    jobs: request.jobs,
    concurrency: CONCURRENCY,
    leaseMs: LEASE_MS,
    timeoutMs: 30_000 + request.jobs * 2,
  };
  const ran = await forkOnce<BacklogWorkerOutcome>(await compiledWorker(), workerRequest, {
    execArgv: [],
    timeoutMs: workerRequest.timeoutMs + 30_000,
  });
  if ("error" in ran) throw new Error(`backlog worker: ${ran.error}`);
  if (!ran.message.ok) throw new Error(`backlog worker: ${ran.message.error}`);
  const worker = ran.message.report;
  notes.push(
    `worker: createKairos ${worker.openMs.toFixed(0)} ms, start() ${worker.startMs.toFixed(0)} ms, ` +
      `first job ${worker.firstJobMs?.toFixed(0) ?? "-"} ms after start(), ` +
      `CPU ${worker.cpuUsPerJob.toFixed(0)} µs/job (compiled, plain node)`,
    stateCounts(request.dir),
  );
  return {
    result: {
      kind: "throughput",
      jobs: worker.jobs,
      elapsedMs: worker.elapsedMs,
      jobsPerSec: perSecond(worker.jobs, worker.elapsedMs),
      worker,
    },
    notes,
    peakRssBytes: worker.peakRssBytes,
    baselineRssBytes: worker.baselineRssBytes,
  };
}
