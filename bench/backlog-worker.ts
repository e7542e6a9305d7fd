/**
 * @module bench/backlog-worker
 * The worker process of `process-c10-backlog` (bench/backlog-scenario.ts), forked once the
 * store holds the backlog, so that its peak RSS is the worker's alone (the seeding ran in the
 * scenario's process). It opens the SQLite file through the public API, starts a worker at the
 * requested concurrency, stops it after `jobs` jobs succeeded (the rest of the backlog stays
 * queued) and reports its timings, CPU and peak RSS over IPC (`BacklogWorkerReport`).
 */
import { sendToParent } from "./child-ipc.js";
import { RssSampler } from "./rss.js";
import type { BacklogWorkerOutcome, BacklogWorkerRequest } from "./types.js";

async function main(request: BacklogWorkerRequest, rss: RssSampler): Promise<BacklogWorkerOutcome> {
  const { createKairos } = await import("../src/index.js");
  const { countdown } = await import("./countdown.js");
  const baselineRssBytes = process.memoryUsage.rss();
  const t0 = performance.now();
  const kairos = await createKairos({ store: `sqlite:${request.dbFile}` });
  kairos.define("noop", async () => null, { maxAttempts: 1 });
  const openMs = performance.now() - t0;
  const finished = countdown(request.jobs, request.timeoutMs, "backlog worker");
  let firstJobMs: number | null = null;
  kairos.on("job:started", () => {
    firstJobMs ??= performance.now() - tStart;
  });
  kairos.on("job:succeeded", () => finished.tick());
  kairos.on("job:failed", (e) =>
    finished.fail(new Error(`job ${e.jobId} failed: ${e.error.name}: ${e.error.message}`)),
  );
  const cpuStart = process.cpuUsage();
  const tStart = performance.now();
  await kairos.start({ concurrency: request.concurrency, leaseMs: request.leaseMs });
  const startMs = performance.now() - tStart;
  let elapsedMs: number;
  let cpu: NodeJS.CpuUsage;
  try {
    await finished.done;
    elapsedMs = performance.now() - tStart;
    cpu = process.cpuUsage(cpuStart);
  } finally {
    // Timed to the N-th success, like process-c10; jobs claimed beyond it are finished or
    // released by the drain, the rest of the backlog stays queued.
    await kairos.stop({ drainMs: 10_000 });
  }
  return {
    ok: true,
    report: {
      jobs: request.jobs,
      elapsedMs,
      openMs,
      startMs,
      firstJobMs,
      cpuUsPerJob: (cpu.user + cpu.system) / request.jobs,
      baselineRssBytes,
      peakRssBytes: rss.stop(),
    },
  };
}

const request = JSON.parse(process.argv[2] ?? "null") as BacklogWorkerRequest | null;
if (request === null) throw new Error("usage: backlog-worker.ts '<BacklogWorkerRequest JSON>'");
const rss = new RssSampler();
rss.start(50);
let outcome: BacklogWorkerOutcome;
try {
  outcome = await main(request, rss);
} catch (error) {
  outcome = {
    ok: false,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  };
}
await sendToParent(outcome);
process.exit(0);
