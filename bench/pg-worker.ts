/**
 * @module bench/pg-worker
 * Entry point of one worker process of the PostgreSQL bench, forked by the scenario child
 * (bench/pg-scenarios.ts) once or three times per scenario. It runs one system's worker
 * (`kairos.start({ concurrency })` or Graphile's `run({ concurrency, … })`) with a no-op
 * handler, and talks to the scenario child over IPC (see `PgWorkerMessage`):
 *
 * - process mode: connect and define, say `ready`; start on `go`; say `started`.
 * - lag mode: connect, define and start at once, then say `ready` (the jobs come later).
 * - both: report the handlers run so far (`progress`, at most once per event-loop turn);
 *   on `stop`, stop the worker and send a `done` report (lags, CPU, peak RSS), then exit.
 *
 * The process exits when its parent goes away (the IPC channel closes), so a crashed or
 * killed scenario child never leaves workers behind.
 */
import { RssSampler } from "./rss.js";
import type {
  PgCoordinatorMessage,
  PgWorkerMessage,
  PgWorkerReport,
  PgWorkerRequest,
} from "./pg-types.js";

function send(message: PgWorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) {
      process.stderr.write(`${JSON.stringify(message)}\n`);
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? "null") as PgWorkerRequest | null;
  if (request === null) throw new Error("usage: pg-worker.ts '<PgWorkerRequest JSON>'");
  process.on("disconnect", () => process.exit(0));

  const rss = new RssSampler();
  rss.start(50);
  const { loadSystem } = await import("./pg-systems.js");
  const system = await loadSystem(request.system);
  const baselineRssBytes = process.memoryUsage.rss();

  let handled = 0;
  const lags: number[] = [];
  const eventLags: number[] = [];
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    void send({ type: "progress", handled });
  };
  const lagMode = request.mode === "lag";
  const worker = await system.worker(request.databaseUrl, request.concurrency, {
    handle(payload) {
      const now = Date.now();
      if (lagMode) lags.push(now - (payload as { runAt: number }).runAt);
      handled += 1;
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    },
    ...(lagMode ? { started: (at: number, runAt: number) => eventLags.push(at - runAt) } : {}),
    failed(error) {
      void send({ type: "error", error });
    },
  });

  let cpuStart = process.cpuUsage();
  let startupMs = 0;
  const messages = new Map<PgCoordinatorMessage["type"], () => void>();
  const next = (type: PgCoordinatorMessage["type"]) =>
    new Promise<void>((resolve) => messages.set(type, resolve));
  process.on("message", (message: PgCoordinatorMessage) => messages.get(message.type)?.());
  const go = next("go");
  const stop = next("stop");

  if (lagMode) {
    const t0 = performance.now();
    await worker.start();
    startupMs = performance.now() - t0;
    cpuStart = process.cpuUsage();
    await send({ type: "ready" });
  } else {
    await send({ type: "ready" });
    await go;
    cpuStart = process.cpuUsage();
    const t0 = performance.now();
    await worker.start();
    startupMs = performance.now() - t0;
    await send({ type: "started", startupMs });
  }

  await stop;
  await worker.stop();
  const report: PgWorkerReport = {
    index: request.index,
    concurrency: request.concurrency,
    handled,
    startupMs,
    cpuMs: cpuMs(cpuStart),
    lags,
    eventLags,
    baselineRssBytes,
    peakRssBytes: rss.stop(),
  };
  await send({ type: "done", report });
  process.exit(0);
}

try {
  await main();
} catch (error) {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  await send({ type: "error", error: text });
  process.exit(1);
}
