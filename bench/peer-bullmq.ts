/**
 * @module bench/peer-bullmq
 * Entry point of one BullMQ scenario's child process in `npm run bench -- --peers`: BullMQ
 * 6.7.6 through its public API only, on the fresh redis-server the parent started for this
 * run (bench/peer-redis.ts). Producer and worker share this process, as Kairos's embedded
 * scenarios do. Every job is `maxAttempts`-free (BullMQ's default: 1 attempt) and kept when
 * completed (BullMQ's default, like Kairos keeping finished jobs until retention).
 *
 * - enqueue:     N no-op jobs with `Queue.addBulk` in chunks of 1,000, no worker; timed from
 *                the first call until the last resolved.
 * - process-cXX: N jobs added (untimed), a `Worker` with `concurrency: c` and `autorun: false`
 *                connected (`waitUntilReady`); timed from `worker.run()` until the N-th
 *                `completed` event of the worker.
 * - lag-burst:   a worker (concurrency 100) running first; then N jobs in one `addBulk`, each
 *                with `delay` so that it is due at t0 + 500 ms. Lag = `Date.now()` read as the
 *                processor's first statement minus that instant (carried in the data).
 *
 * Sends a `PeerOutcome` to the parent over IPC and exits.
 */
import { countdown } from "./countdown.js";
import { sendToParent } from "./child-ipc.js";
import type { Queue as BullQueue, Worker as BullWorker } from "bullmq";
import { RssSampler } from "./rss.js";
import { perSecond, summarize } from "./stats.js";
import type { BullmqRequest, PeerOutcome, PeerResult } from "./peer-types.js";

const QUEUE = "bench";
const NAME = "noop";
const ENQUEUE_BATCH = 1_000;
const LAG_CONCURRENCY = 100;
/** Burst jobs become due this long after the worker is running. */
const LAG_DELAY_MS = 500;

type Bull = typeof import("bullmq");

interface Ran {
  readonly result: PeerResult;
  readonly notes: readonly string[];
}

function connection(port: number) {
  return { host: "127.0.0.1", port, maxRetriesPerRequest: null };
}

function payloads(from: number, count: number): { i: number }[] {
  return Array.from({ length: count }, (_, k) => ({ i: from + k }));
}

async function addAll(queue: BullQueue, jobs: number): Promise<void> {
  for (let i = 0; i < jobs; i += ENQUEUE_BATCH) {
    const chunk = payloads(i, Math.min(ENQUEUE_BATCH, jobs - i));
    await queue.addBulk(chunk.map((data) => ({ name: NAME, data })));
  }
}

/** Job counts by state, read back from Redis: a check that the figure measured what it says. */
async function finalStates(queue: BullQueue): Promise<string> {
  const counts = await queue.getJobCounts("completed", "failed", "wait", "active", "delayed");
  const text = Object.entries(counts)
    .map(([state, n]) => `${state}=${n}`)
    .join(", ");
  return `final states: ${text}`;
}

async function enqueue(bull: Bull, request: BullmqRequest): Promise<Ran> {
  const queue = new bull.Queue(QUEUE, { connection: connection(request.port) });
  try {
    await queue.waitUntilReady();
    const t0 = performance.now();
    await addAll(queue, request.jobs);
    const elapsedMs = performance.now() - t0;
    const result: PeerResult = {
      kind: "throughput",
      jobs: request.jobs,
      elapsedMs,
      jobsPerSec: perSecond(request.jobs, elapsedMs),
    };
    return { result, notes: [await finalStates(queue)] };
  } finally {
    await closeQuietly(queue);
  }
}

/**
 * Close a queue or worker at the end of a scenario without letting a failure to close hide
 * the scenario's own error (BullMQ's close throws when the connection never came up).
 */
async function closeQuietly(closable: BullQueue | BullWorker | undefined): Promise<void> {
  try {
    await closable?.close();
  } catch {
    // The scenario's result or error is what the report carries.
  }
}

function watch(worker: BullWorker, finished: ReturnType<typeof countdown>): void {
  worker.on("completed", () => finished.tick());
  worker.on("failed", (job, error) =>
    finished.fail(new Error(`job ${job?.id ?? "?"} failed: ${error.message}`)),
  );
  worker.on("error", (error) => finished.fail(error));
}

async function processing(bull: Bull, request: BullmqRequest, concurrency: number): Promise<Ran> {
  const queue = new bull.Queue(QUEUE, { connection: connection(request.port) });
  let worker: BullWorker | undefined;
  try {
    await queue.waitUntilReady();
    await addAll(queue, request.jobs);
    worker = new bull.Worker(QUEUE, async () => null, {
      connection: connection(request.port),
      concurrency,
      autorun: false,
    });
    await worker.waitUntilReady();
    const finished = countdown(request.jobs, request.timeoutMs, `processing c=${concurrency}`);
    watch(worker, finished);
    const t0 = performance.now();
    const running = worker.run();
    running.catch((error: unknown) => finished.fail(error as Error));
    await finished.done;
    const elapsedMs = performance.now() - t0;
    await worker.close();
    const result: PeerResult = {
      kind: "throughput",
      jobs: request.jobs,
      elapsedMs,
      jobsPerSec: perSecond(request.jobs, elapsedMs),
    };
    return { result, notes: [await finalStates(queue)] };
  } finally {
    await closeQuietly(worker);
    await closeQuietly(queue);
  }
}

async function lagBurst(bull: Bull, request: BullmqRequest): Promise<Ran> {
  const jobs = request.lagJobs;
  const queue = new bull.Queue(QUEUE, { connection: connection(request.port) });
  const lags: number[] = [];
  const finished = countdown(jobs, request.timeoutMs, "lag-burst");
  const worker = new bull.Worker(
    QUEUE,
    async (job) => {
      lags.push(Date.now() - (job.data as { runAt: number }).runAt);
      return null;
    },
    { connection: connection(request.port), concurrency: LAG_CONCURRENCY },
  );
  try {
    watch(worker, finished);
    await queue.waitUntilReady();
    await worker.waitUntilReady();
    const runAt = Date.now() + LAG_DELAY_MS;
    const enqueueStart = performance.now();
    // `delay` is relative to the moment each job is created inside addBulk (a fraction of a
    // millisecond later), so a job is due at runAt or just after it: never flattering BullMQ.
    const delay = runAt - Date.now();
    await queue.addBulk(
      Array.from({ length: jobs }, () => ({ name: NAME, data: { runAt }, opts: { delay } })),
    );
    const enqueueMs = performance.now() - enqueueStart;
    const lateEnqueues = Date.now() > runAt ? jobs : 0;
    await finished.done;
    const result: PeerResult = {
      kind: "lag",
      jobs,
      lag: summarize(lags),
      enqueueMs,
      lateEnqueues,
    };
    const notes = [await finalStates(queue)];
    if (lateEnqueues > 0) notes.push(`${lateEnqueues} job(s) were enqueued only after their runAt`);
    return { result, notes };
  } finally {
    await closeQuietly(worker);
    await closeQuietly(queue);
  }
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? "null") as BullmqRequest | null;
  if (request === null) throw new Error("usage: peer-bullmq.ts '<BullmqRequest JSON>'");
  const rss = new RssSampler();
  rss.start(50);
  let outcome: PeerOutcome;
  try {
    const bull = await import("bullmq");
    const ran =
      request.shape === "enqueue"
        ? await enqueue(bull, request)
        : request.shape === "lag-burst"
          ? await lagBurst(bull, request)
          : await processing(bull, request, request.shape === "process-c10" ? 10 : 100);
    outcome = { ok: true, report: { ...ran, peakRssBytes: rss.stop() } };
  } catch (error) {
    rss.stop();
    outcome = {
      ok: false,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
  await sendToParent(outcome);
  // Exit explicitly: a handle left open by the library must not hang the whole bench.
  process.exit(0);
}

await main();
