/**
 * @module bench/child
 * Entry point of one benchmark child process: runs ONE scenario, measures this process's peak
 * RSS, sends a ChildReport (or ChildFailure) to the parent over IPC, and exits.
 *
 * Why one process per scenario: peak RSS is a per-process high-water mark, so measuring each
 * scenario in its own fresh process is the only way to attribute it (the floors' RSS does not
 * leak into Kairos's figure, nor one Kairos scenario's heap into the next); it also keeps
 * JIT warm-up and garbage from one scenario out of the next one's timing. The child's stdout is
 * wired to the parent's stderr, so `--json` output stays clean.
 */
import { sendToParent } from "./child-ipc.js";
import path from "node:path";
import { RssSampler } from "./rss.js";
import type { ChildOutcome, ScenarioRequest, ScenarioResult } from "./types.js";

interface Ran {
  readonly result: ScenarioResult;
  readonly notes: readonly string[];
  /** Set when the measured process is not this one (process-c10-backlog's worker). */
  readonly peakRssBytes?: number;
}

/** Loads the scenario's module, records the baseline RSS, then runs it. */
async function run(
  request: ScenarioRequest,
  rss: RssSampler,
): Promise<Ran & { baselineRssBytes: number }> {
  switch (request.scenario) {
    case "floor-a":
    case "floor-b": {
      const floors = await import("./floors.js");
      const baselineRssBytes = process.memoryUsage.rss();
      const result =
        request.scenario === "floor-a"
          ? floors.floorOneTxPerJob(request.dir, request.jobs, rss)
          : floors.floorBatched(request.dir, request.jobs, rss);
      return { result, notes: [], baselineRssBytes };
    }
    case "sched-1k":
    case "sched-10k":
    case "sched-100k": {
      const schedules = await import("./schedule-scenarios.js");
      const baselineRssBytes = process.memoryUsage.rss();
      const ran = await schedules.runScheduleScenario(request.scenario, request);
      return { ...ran, baselineRssBytes };
    }
    case "wf-chain":
    case "wf-fanout": {
      const workflows = await import("./workflow-scenarios.js");
      const baselineRssBytes = process.memoryUsage.rss();
      const ran = await workflows.runWorkflowScenario(
        request.scenario === "wf-chain" ? "chain" : "fanout",
        request.storeUrl ?? `sqlite:${path.join(request.dir, "kairos.db")}`,
        request.timeoutMs ?? 540_000,
      );
      return { ...ran, baselineRssBytes };
    }
    case "process-c10-backlog": {
      // The figures are those of the worker process it forks, baseline RSS included.
      const backlog = await import("./backlog-scenario.js");
      return backlog.runBacklogScenario(request);
    }
    default: {
      const kairos = await import("./kairos-scenarios.js");
      const baselineRssBytes = process.memoryUsage.rss();
      const ran = await kairos.runKairosScenario(request);
      return { ...ran, baselineRssBytes };
    }
  }
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? "null") as ScenarioRequest | null;
  if (request === null) throw new Error("usage: child.ts '<ScenarioRequest JSON>'");
  const rss = new RssSampler();
  rss.start(50);
  let outcome: ChildOutcome;
  try {
    const ran = await run(request, rss);
    const { result, notes, baselineRssBytes } = ran;
    const ownPeak = rss.stop();
    const peakRssBytes = ran.peakRssBytes ?? ownPeak;
    outcome = {
      ok: true,
      report: { scenario: request.scenario, result, notes, baselineRssBytes, peakRssBytes },
    };
  } catch (error) {
    rss.stop();
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    outcome = { ok: false, failure: { scenario: request.scenario, error: text } };
  }
  await sendToParent(outcome);
  // Exit explicitly: a handle leaked by the code under test must not hang the whole bench.
  process.exit(0);
}

await main();
