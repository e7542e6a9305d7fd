/**
 * @module bench/pg-scenarios
 * One PostgreSQL scenario, run by the scenario child (bench/pg-child.ts) in the fresh
 * database the parent created for it. The scenario child is the **producer**: it enqueues,
 * and watches the database. The handlers run in 1 or 3 **worker processes** it forks
 * (bench/pg-worker.ts), each with its share of the total concurrency:
 *
 * - enqueue:      20,000 no-op jobs in batches of 1,000 (`enqueueMany` / `addJobs`), no worker;
 *                 timed from the first call until the last one resolved.
 * - process-cXX:  20,000 jobs enqueued (untimed), the workers connected and ready; timed from
 *                 the `go` sent to the workers (which then call `start` / `run`) until the
 *                 database shows all 20,000 finished. The workers report how many handlers
 *                 they ran; once that reaches 20,000 the producer polls the database every
 *                 2 ms until no job is left (Graphile completes jobs in batches after the
 *                 handler returned, Kairos finalizes in batches too).
 * - lag-burst:    workers started first (concurrency 100 in all); then 2,000 jobs in one
 *                 batch, all due at t0 + 500 ms.
 * - lag-spread:   workers started first; then 2,000 single enqueues (`enqueue` / `addJob`),
 *                 sent 8 at a time in due order, due at t0 + 10 s + i ms, i.e. spread over
 *                 2 s. The SQLite bench makes them due from t0 + 500 ms on, but here every
 *                 commit waits for its WAL flush (synchronous_commit = on), and each Graphile
 *                 `addJob` makes every worker fetch (it NOTIFYs); 2,000 single enqueues took
 *                 up to 6 s on the 2-core machine. The 10 s lead lets all of them be stored
 *                 before the first is due, so the lag is the engine's, not the producer's.
 *                 A job stored only after its runAt is still counted as a late enqueue.
 *   Lag = `Date.now()` read as the handler's first statement minus the job's runAt (in the
 *   payload). All processes read the same system clock.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openProducer, type BenchSystem, type Producer } from "./pg-systems.js";
import {
  pgScenario,
  splitConcurrency,
  type PgLagResult,
  type PgScenario,
  type PgScenarioRequest,
  type PgScenarioResult,
  type PgThroughputResult,
  type PgWorkerMessage,
  type PgWorkerReport,
  type PgWorkerRequest,
  type PgWorkerSummary,
  type PgCoordinatorMessage,
} from "./pg-types.js";
import { perSecond, summarize } from "./stats.js";

const WORKER = fileURLToPath(new URL("./pg-worker.ts", import.meta.url));
const ENQUEUE_BATCH = 1_000;
/** Burst jobs become due this long after the workers are ready. */
const LAG_DELAY_MS = 500;
/** The first spread job becomes due this long after the workers are ready. */
const SPREAD_LEAD_MS = 10_000;
/** Spread jobs' runAt cover this window. */
const LAG_SPREAD_MS = 2_000;
/** Single enqueues in flight at once for the spread shape. */
const SPREAD_IN_FLIGHT = 8;
/** Database poll period once every handler has returned. */
const CONFIRM_POLL_MS = 2;
/** Workers must connect (and, for lag, start) within this. */
const READY_TIMEOUT_MS = 60_000;

interface Ran {
  readonly result: PgScenarioResult;
  readonly notes: readonly string[];
}

/** `system` is the scenario's system, loaded by the caller (before its baseline RSS). */
export async function runPgScenario(request: PgScenarioRequest, system: BenchSystem): Promise<Ran> {
  const scenario = pgScenario(request.scenario);
  const producer = await openProducer(system, request.databaseUrl);
  try {
    const ran =
      scenario.shape === "enqueue"
        ? await enqueueThroughput(producer, request.jobs)
        : scenario.shape === "lag-burst" || scenario.shape === "lag-spread"
          ? await startLag(producer, scenario, request)
          : await processingThroughput(producer, scenario, request);
    return { ...ran, notes: [...ran.notes, await producer.finalStates()] };
  } finally {
    await producer.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function payloads(from: number, count: number): unknown[] {
  return Array.from({ length: count }, (_, k) => ({ i: from + k }));
}

function batches(jobs: number): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < jobs; i += ENQUEUE_BATCH) {
    out.push(payloads(i, Math.min(ENQUEUE_BATCH, jobs - i)));
  }
  return out;
}

async function enqueueThroughput(producer: Producer, jobs: number): Promise<Ran> {
  const all = batches(jobs);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const batch of all) await producer.enqueueBatch(batch);
  const elapsedMs = performance.now() - t0;
  // The producer process's CPU (user + system) per job over the timed span.
  const cpu = process.cpuUsage(cpu0);
  const result: PgThroughputResult = {
    kind: "throughput",
    jobs,
    elapsedMs,
    jobsPerSec: perSecond(jobs, elapsedMs),
    confirmMs: null,
    workers: [],
  };
  return { result, notes: [`producer CPU ${((cpu.user + cpu.system) / jobs).toFixed(0)} µs/job`] };
}

/** Poll the database until no job is left; returns when it saw none. */
async function confirmAllFinished(producer: Producer, deadline: number): Promise<void> {
  for (;;) {
    const left = await producer.remaining();
    if (left === 0) return;
    if (performance.now() > deadline) {
      throw new Error(`${left} job(s) still unfinished in the database at the deadline`);
    }
    await sleep(CONFIRM_POLL_MS);
  }
}

async function processingThroughput(
  producer: Producer,
  scenario: PgScenario,
  request: PgScenarioRequest,
): Promise<Ran> {
  const jobs = request.jobs;
  for (const batch of batches(jobs)) await producer.enqueueBatch(batch);
  const group = WorkerGroup.fork(scenario, request.databaseUrl, "process");
  try {
    await group.until(() => group.allReady, READY_TIMEOUT_MS, "workers ready");
    const t0 = performance.now();
    const deadline = t0 + request.timeoutMs;
    group.broadcast({ type: "go" });
    await group.until(() => group.handled >= jobs, request.timeoutMs, `handlers of ${jobs} jobs`);
    const handledAt = performance.now();
    await confirmAllFinished(producer, deadline);
    const t1 = performance.now();
    const reports = await group.stop();
    const result: PgThroughputResult = {
      kind: "throughput",
      jobs,
      elapsedMs: t1 - t0,
      jobsPerSec: perSecond(jobs, t1 - t0),
      confirmMs: t1 - handledAt,
      workers: reports.map(summary),
    };
    return { result, notes: [] };
  } finally {
    group.kill();
  }
}

async function startLag(
  producer: Producer,
  scenario: PgScenario,
  request: PgScenarioRequest,
): Promise<Ran> {
  const jobs = request.lagJobs;
  const group = WorkerGroup.fork(scenario, request.databaseUrl, "lag");
  try {
    await group.until(() => group.allReady, READY_TIMEOUT_MS, "workers started");
    const t0 = Date.now();
    const firstRunAt = t0 + (scenario.shape === "lag-burst" ? LAG_DELAY_MS : SPREAD_LEAD_MS);
    const enqueueStart = performance.now();
    let lateEnqueues = 0;
    if (scenario.shape === "lag-burst") {
      await producer.enqueueBatch(
        Array.from({ length: jobs }, () => ({ runAt: firstRunAt })),
        firstRunAt,
      );
      if (Date.now() > firstRunAt) lateEnqueues = jobs;
    } else {
      let next = 0;
      const lane = async () => {
        while (next < jobs) {
          const i = next++;
          const runAt = firstRunAt + Math.floor((i * LAG_SPREAD_MS) / jobs);
          await producer.enqueueOne({ runAt }, runAt);
          if (Date.now() > runAt) lateEnqueues++;
        }
      };
      await Promise.all(Array.from({ length: SPREAD_IN_FLIGHT }, lane));
    }
    const enqueueMs = performance.now() - enqueueStart;
    const deadline = performance.now() + request.timeoutMs;
    await group.until(() => group.handled >= jobs, request.timeoutMs, `handlers of ${jobs} jobs`);
    await confirmAllFinished(producer, deadline);
    const reports = await group.stop();
    const lags = reports.flatMap((r) => r.lags);
    const eventLags = reports.flatMap((r) => r.eventLags);
    if (lags.length !== jobs) throw new Error(`expected ${jobs} lag samples, got ${lags.length}`);
    const result: PgLagResult = {
      kind: "lag",
      jobs,
      lag: summarize(lags),
      eventLag: eventLags.length > 0 ? summarize(eventLags) : null,
      enqueueMs,
      lateEnqueues,
      workers: reports.map(summary),
    };
    const notes =
      lateEnqueues > 0 ? [`${lateEnqueues} job(s) were enqueued after their runAt`] : [];
    return { result, notes };
  } finally {
    group.kill();
  }
}

function summary(r: PgWorkerReport): PgWorkerSummary {
  return {
    index: r.index,
    concurrency: r.concurrency,
    handled: r.handled,
    startupMs: r.startupMs,
    cpuMs: r.cpuMs,
    peakRssBytes: r.peakRssBytes,
    baselineRssBytes: r.baselineRssBytes,
  };
}

/**
 * A worker process's node flags: the scenario child's own (tsx's loader; `--cpu-prof` when
 * profiling), with the profile directory moved to `<dir>/worker-<i>` so each process's
 * profile can be told apart.
 */
function workerExecArgv(index: number): string[] {
  return process.execArgv.map((arg) =>
    arg.startsWith("--cpu-prof-dir=")
      ? `--cpu-prof-dir=${path.join(arg.slice("--cpu-prof-dir=".length), `worker-${index}`)}`
      : arg,
  );
}

interface Waiter {
  readonly check: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** The worker processes of one scenario and what they said. */
class WorkerGroup {
  readonly #procs: ChildProcess[] = [];
  readonly #ready: boolean[] = [];
  readonly #handled: number[] = [];
  readonly #reports: (PgWorkerReport | undefined)[] = [];
  readonly #errors: string[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #closed: Promise<void>[] = [];

  static fork(scenario: PgScenario, databaseUrl: string, mode: "process" | "lag"): WorkerGroup {
    const group = new WorkerGroup();
    splitConcurrency(scenario.concurrency, scenario.workers).forEach((concurrency, index) => {
      const request: PgWorkerRequest = {
        system: scenario.system,
        databaseUrl,
        index,
        concurrency,
        mode,
      };
      const env =
        scenario.system === "graphile" ? { ...process.env, NO_LOG_SUCCESS: "1" } : process.env;
      const child = fork(WORKER, [JSON.stringify(request)], {
        execArgv: workerExecArgv(index),
        env,
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      group.#procs.push(child);
      group.#ready.push(false);
      group.#handled.push(0);
      group.#reports.push(undefined);
      child.on("message", (message: PgWorkerMessage) => group.#onMessage(index, message));
      child.on("error", (error) => group.#fail(`worker ${index}: ${error.message}`));
      // "close" comes after the IPC channel is drained, so a report sent just before exit
      // has been seen by then.
      let closed!: () => void;
      group.#closed.push(new Promise((resolve) => (closed = resolve)));
      child.on("close", (code, signal) => {
        closed();
        if (group.#reports[index] === undefined) {
          group.#fail(`worker ${index} exited (code ${code}, signal ${signal}) before its report`);
        }
      });
    });
    return group;
  }

  get allReady(): boolean {
    return this.#ready.every(Boolean);
  }

  /** Handlers run so far, summed over the processes. */
  get handled(): number {
    return this.#handled.reduce((a, b) => a + b, 0);
  }

  broadcast(message: PgCoordinatorMessage): void {
    for (const child of this.#procs) if (child.connected) child.send(message);
  }

  /** Resolves when `check()` holds; rejects when a worker fails or after `timeoutMs`. */
  until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (this.#errors.length > 0) return Promise.reject(new Error(this.#errors.join("\n")));
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`${what}: timed out after ${timeoutMs} ms (handled ${this.handled})`));
      }, timeoutMs);
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /**
   * Ask every worker to stop, wait for their reports, then for them to exit (a profiled
   * worker writes its profile while exiting).
   */
  async stop(timeoutMs = 60_000): Promise<PgWorkerReport[]> {
    this.broadcast({ type: "stop" });
    await this.until(
      () => this.#reports.every((r) => r !== undefined),
      timeoutMs,
      "worker reports",
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.#closed),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    return this.#reports.filter((r): r is PgWorkerReport => r !== undefined);
  }

  /** Kill the processes that are still running (after a failure; no-op after `stop`). */
  kill(): void {
    for (const child of this.#procs) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }

  #onMessage(index: number, message: PgWorkerMessage): void {
    switch (message.type) {
      case "ready":
        this.#ready[index] = true;
        break;
      case "started":
        break;
      case "progress":
        this.#handled[index] = message.handled;
        break;
      case "error":
        this.#fail(`worker ${index}: ${message.error}`);
        return;
      case "done":
        this.#reports[index] = message.report;
        this.#handled[index] = message.report.handled;
        break;
    }
    this.#poke();
  }

  #fail(error: string): void {
    this.#errors.push(error);
    for (const waiter of this.#waiters) waiter.reject(new Error(this.#errors.join("\n")));
    this.#waiters.clear();
  }

  #poke(): void {
    for (const waiter of this.#waiters) {
      if (waiter.check()) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}
