/**
 * @module bench/kairos-scenarios
 * The Kairos side of the bench, through the public library API only (`src/index.ts`), each
 * scenario on a fresh SQLite file in the temp dir the parent created:
 *
 * - enqueue:       N no-op jobs with `enqueueMany` in batches of 1,000 (no worker running);
 *                  timed from the first call to the last resolved promise; the process's CPU
 *                  per job over the same span is noted.
 * - process-cXX:   N no-op jobs pre-enqueued (untimed), then timed from `start({ concurrency })`
 *                  until the N-th `job:succeeded` event.
 * - process-c10-retained: as process-c10, with `retainedJobs` finished jobs (1,000,000 by
 *                  default) already in the table: a store that has run for days. They are
 *                  seeded (untimed) by one INSERT ... SELECT over a recursive CTE on a second
 *                  connection, not through enqueue: 90 % fn "noop", 5 % failed, finished over
 *                  the last 6 days (inside the default 7-day retention, so retention, when it
 *                  runs, leaves them and the figure measures the bigger indexes alone).
 * - lag-burst:     worker started (concurrency 100) first; then N jobs with one `enqueueMany`
 *                  all due at t0 + 500 ms.
 * - lag-spread:    worker started (concurrency 100) first; then N jobs, one `enqueue` each, with
 *                  runAt spread uniformly over [t0 + 500, t0 + 2,500) ms.
 *   Lag = `Date.now()` read as the first statement of the handler, minus the job's runAt
 *   (carried in the payload). `Date.now()` is the clock the engine schedules by, so a lag is
 *   never negative unless the engine starts a job early.
 */
import { countdown } from "./countdown.js";
import Database from "better-sqlite3";
import path from "node:path";
import { createKairos } from "../src/index.js";
import { perSecond, summarize } from "./stats.js";
import type { LagResult, ScenarioRequest, ScenarioResult, ThroughputResult } from "./types.js";

type Kairos = Awaited<ReturnType<typeof createKairos>>;

const ENQUEUE_BATCH = 1_000;
const LEASE_MS = 30_000;
const LAG_CONCURRENCY = 100;
/** Delayed jobs become due this long after the worker started. */
const LAG_DELAY_MS = 500;
/** Spread jobs' runAt cover this window. */
const LAG_SPREAD_MS = 2_000;

interface Ran {
  readonly result: ScenarioResult;
  readonly notes: readonly string[];
}

export async function runKairosScenario(request: ScenarioRequest): Promise<Ran> {
  switch (request.scenario) {
    case "enqueue":
      return enqueueThroughput(request.dir, request.jobs);
    case "process-c10":
      return processingThroughput(request.dir, request.jobs, 10);
    case "process-c100":
      return processingThroughput(request.dir, request.jobs, 100);
    case "process-c10-retained":
      return processingThroughput(request.dir, request.jobs, 10, request.retainedJobs);
    case "process-c10-backlog":
      throw new Error("process-c10-backlog is run by bench/backlog-scenario.ts");
    case "lag-burst":
      return startLag(request.dir, request.lagJobs, "burst");
    case "lag-spread":
      return startLag(request.dir, request.lagJobs, "spread");
    case "floor-a":
    case "floor-b":
      throw new Error(`${request.scenario} is not a Kairos scenario`);
    case "sched-1k":
    case "sched-10k":
    case "sched-100k":
      throw new Error(`${request.scenario} is a schedule scenario: see schedule-scenarios.ts`);
    case "wf-chain":
    case "wf-fanout":
      throw new Error(`${request.scenario} is a workflow scenario: see workflow-scenarios.ts`);
  }
}

/** The SQLite file of a scenario's temp dir. */
export function dbFile(dir: string): string {
  return path.join(dir, "kairos.db");
}

async function open(dir: string): Promise<Kairos> {
  return createKairos({ store: `sqlite:${dbFile(dir)}` });
}

/** Payloads `{ i }`, the same shape the floors store. */
function payloads(from: number, count: number): unknown[] {
  return Array.from({ length: count }, (_, k) => ({ i: from + k }));
}

async function enqueueAll(kairos: Kairos, jobs: number): Promise<void> {
  for (let i = 0; i < jobs; i += ENQUEUE_BATCH) {
    await kairos.enqueueMany("noop", payloads(i, Math.min(ENQUEUE_BATCH, jobs - i)));
  }
}

/**
 * Counts of jobs by state, read from the file after Kairos closed it: a check that the figure
 * measured what it claims. Best effort; it assumes the `jobs` table and `state` column.
 */
export function stateCounts(dir: string): string {
  try {
    const db = new Database(dbFile(dir), { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare(`SELECT state, count(*) AS n FROM jobs GROUP BY state ORDER BY state`)
        .all() as { state: string; n: number }[];
      return `final states: ${rows.map((r) => `${r.state}=${r.n}`).join(", ") || "none"}`;
    } finally {
      db.close();
    }
  } catch (error) {
    return `final states unavailable: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Generous: 2 ms per job plus 30 s, far above any plausible run on a 2-core box. */
function timeoutFor(jobs: number): number {
  return 30_000 + jobs * 2;
}

async function enqueueThroughput(dir: string, jobs: number): Promise<Ran> {
  const kairos = await open(dir);
  kairos.define("noop", async () => null, { maxAttempts: 1 });
  const batches: unknown[][] = [];
  for (let i = 0; i < jobs; i += ENQUEUE_BATCH) {
    batches.push(payloads(i, Math.min(ENQUEUE_BATCH, jobs - i)));
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const batch of batches) await kairos.enqueueMany("noop", batch);
  const elapsedMs = performance.now() - t0;
  // Process CPU (user + system, every thread: JIT, GC) per job: steadier than jobs/s on a
  // shared machine.
  const cpu = process.cpuUsage(cpu0);
  const cpuUsPerJob = (cpu.user + cpu.system) / jobs;
  await kairos.stop({ drainMs: 10_000 });
  const result: ThroughputResult = {
    kind: "throughput",
    jobs,
    elapsedMs,
    jobsPerSec: perSecond(jobs, elapsedMs),
  };
  return { result, notes: [`CPU ${cpuUsPerJob.toFixed(0)} µs/job`, stateCounts(dir)] };
}

/**
 * Insert `count` finished jobs in one statement (the schema exists: Kairos opened the file).
 * Returns a note with the time it took. `analyze`: run ANALYZE afterwards (process-c10-retained
 * does; process-c10-backlog measures a store nobody analyzed).
 */
export function seedFinished(dir: string, count: number, analyze = true): string {
  const db = new Database(dbFile(dir));
  try {
    const now = Date.now();
    const spanMs = 6 * 86_400_000;
    const t0 = performance.now();
    db.prepare(
      `WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count)
       INSERT INTO jobs (fn, state, attempt, max_attempts, payload, result, error, priority,
                         run_at, created_at, updated_at, started_at, finished_at)
       SELECT CASE WHEN i % 10 = 0 THEN 'report' ELSE 'noop' END,
              CASE WHEN i % 20 = 1 THEN 'failed' ELSE 'succeeded' END,
              1, 1, '{"i":' || i || '}',
              CASE WHEN i % 20 = 1 THEN NULL ELSE 'null' END,
              CASE WHEN i % 20 = 1 THEN '{"name":"Error","message":"boom"}' ELSE NULL END,
              0, t, t, t, t, t
         FROM (SELECT i, @now - @span + (i * @span) / @count AS t FROM n)`,
    ).run({ count, now, span: spanMs });
    if (analyze) db.exec("ANALYZE");
    return `seeded ${count.toLocaleString("en-US")} finished jobs in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  } finally {
    db.close();
  }
}

async function processingThroughput(
  dir: string,
  jobs: number,
  concurrency: number,
  retained = 0,
): Promise<Ran> {
  const kairos = await open(dir);
  kairos.define("noop", async () => null, { maxAttempts: 1 });
  const notes = retained > 0 ? [seedFinished(dir, retained)] : [];
  await enqueueAll(kairos, jobs);

  const finished = countdown(jobs, timeoutFor(jobs), `processing c=${concurrency}`);
  kairos.on("job:succeeded", () => finished.tick());
  kairos.on("job:failed", (e) =>
    finished.fail(new Error(`job ${e.jobId} failed: ${e.error.name}: ${e.error.message}`)),
  );

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await kairos.start({ concurrency, leaseMs: LEASE_MS });
  let cpu: NodeJS.CpuUsage;
  try {
    await finished.done;
  } finally {
    cpu = process.cpuUsage(cpu0);
    await kairos.stop({ drainMs: 10_000 });
  }
  const elapsedMs = performance.now() - t0;
  // Process CPU from start() to the last success: steadier than the wall clock on a shared box.
  notes.push(`CPU ${((cpu.user + cpu.system) / jobs).toFixed(0)} µs/job`);
  const result: ThroughputResult = {
    kind: "throughput",
    jobs,
    elapsedMs,
    jobsPerSec: perSecond(jobs, elapsedMs),
  };
  return { result, notes: [...notes, stateCounts(dir)] };
}

async function startLag(dir: string, jobs: number, shape: "burst" | "spread"): Promise<Ran> {
  const kairos = await open(dir);
  const lags: number[] = [];
  kairos.define(
    "noop",
    async (payload: unknown) => {
      const startedAt = Date.now();
      lags.push(startedAt - (payload as { runAt: number }).runAt);
      return null;
    },
    { maxAttempts: 1 },
  );
  const eventLags: number[] = [];
  kairos.on("job:started", (e) => eventLags.push(e.at - e.runAt));
  const finished = countdown(jobs, timeoutFor(jobs) + LAG_DELAY_MS + LAG_SPREAD_MS, shape);
  kairos.on("job:succeeded", () => finished.tick());
  kairos.on("job:failed", (e) =>
    finished.fail(new Error(`job ${e.jobId} failed: ${e.error.name}: ${e.error.message}`)),
  );

  await kairos.start({ concurrency: LAG_CONCURRENCY, leaseMs: LEASE_MS });
  const t0 = Date.now();
  const firstRunAt = t0 + LAG_DELAY_MS;
  const enqueueStart = performance.now();
  let enqueueMs: number;
  let lateEnqueues = 0;
  try {
    if (shape === "burst") {
      const runAt = firstRunAt;
      const batch = Array.from({ length: jobs }, () => ({ runAt }));
      await kairos.enqueueMany("noop", batch, { runAt });
      if (Date.now() > runAt) lateEnqueues = jobs;
    } else {
      for (let i = 0; i < jobs; i++) {
        const runAt = firstRunAt + Math.floor((i * LAG_SPREAD_MS) / jobs);
        await kairos.enqueue("noop", { runAt }, { runAt });
        if (Date.now() > runAt) lateEnqueues++;
      }
    }
    enqueueMs = performance.now() - enqueueStart;
    await finished.done;
  } finally {
    await kairos.stop({ drainMs: 10_000 });
  }
  const result: LagResult = {
    kind: "lag",
    jobs,
    lag: summarize(lags),
    eventLag: eventLags.length > 0 ? summarize(eventLags) : null,
    enqueueMs,
    lateEnqueues,
  };
  const notes = [stateCounts(dir)];
  if (lateEnqueues > 0) {
    notes.push(`${lateEnqueues} job(s) were enqueued only after their runAt`);
  }
  return { result, notes };
}
