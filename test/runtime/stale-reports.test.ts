/**
 * Stale reports (docs/control.md, "Generations"): a report of a run that no longer owns its
 * job is dropped and counted: `job:stale_report` and `kairos_stale_reports_total{kind}` (late
 * results count through `job:result_dropped`).
 */
import path from "node:path";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { BusMetrics } from "../../src/api/metrics-events.js";
import type { JobContext, KairosEventMap } from "../../src/index.js";
import type { ControlStore } from "../../src/ports/control-store.js";
import { silentLogger } from "../../src/ports/logger.js";
import type { ClaimedJob } from "../../src/ports/job-store.js";
import { EventBus } from "../../src/runtime/event-bus.js";
import { reportProgress } from "../../src/runtime/worker/progress.js";
import { WorkerControl } from "../../src/runtime/worker/stop-control.js";
import type { WorkerPoolStore } from "../../src/runtime/worker/options.js";
import { waitFor } from "../helpers/async.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";
import { ManualClock } from "../helpers/manual-clock.js";

async function staleCount(metrics: BusMetrics, kind: string): Promise<number> {
  const values = (await metrics.stale.get()).values;
  return values.find((v) => v.labels["kind"] === kind)?.value ?? 0;
}

function claimed(id: string): ClaimedJob {
  return { id, fn: "long", attempt: 1, leaseToken: "old-lease" } as unknown as ClaimedJob;
}

describe("stale reports", () => {
  it("counts a checkpoint saved by the old generation after the job was started again", async () => {
    const kairos = await fileKairos(path.join(tempDir(), "kairos.db"));
    const metrics = new BusMetrics(new Registry());
    metrics.subscribe(kairos);
    const stale: KairosEventMap["job:stale_report"][] = [];
    kairos.on("job:stale_report", (e) => stale.push(e));
    let lateSave: (() => Promise<unknown>) | null = null;
    kairos.define("stubborn", (_p: unknown, ctx: JobContext) => {
      if (ctx.generation > 1) return "second run";
      lateSave = () => ctx.saveCheckpoint({ next: 99 }).catch((e: unknown) => e);
      return new Promise(() => undefined); // ignores its stop: force-stopped after the grace
    });
    await kairos.start({ concurrency: 1, cancelGraceMs: 50 });
    const job = await kairos.enqueue("stubborn", {});
    await waitFor(async () => (await kairos.jobs.get(job.id))?.state === "running", "running");
    await kairos.jobs.stop(job.id);
    await waitFor(async () => (await kairos.jobs.get(job.id))?.state === "stopped", "stopped");
    await kairos.jobs.start(job.id);
    await waitFor(async () => (await kairos.jobs.get(job.id))?.state === "succeeded", "g2 ran");

    const refused = await lateSave!();
    expect(refused).toMatchObject({ message: expect.stringMatching(/not saved/) as unknown });
    expect(stale).toEqual([
      expect.objectContaining({ jobId: job.id, fn: "stubborn", kind: "checkpoint", generation: 1 }),
    ]);
    expect(await staleCount(metrics, "checkpoint")).toBe(1);
    expect(await kairos.jobs.get(job.id)).toMatchObject({ state: "succeeded" });
  });

  it("counts a stop completion and a checkpoint the store refuses (the run lost the job)", async () => {
    const events = new EventBus(silentLogger);
    const metrics = new BusMetrics(new Registry());
    metrics.subscribe(events);
    const stale: KairosEventMap["job:stale_report"][] = [];
    events.on("job:stale_report", (e) => stale.push(e));
    const control = {
      completeStop: async () => null,
      saveCheckpoint: async () => false,
    } as unknown as ControlStore;
    const stopped: unknown[] = [];
    const worker = new WorkerControl(control, new ManualClock(1_000), {
      execution: () => undefined,
      takeBuffered: () => undefined,
      graceMs: 10,
      events,
      onStopped: (_job, stored) => stopped.push(stored),
      reportError: (e) => {
        throw e;
      },
    });
    worker.finish(claimed("7"), 3);
    await waitFor(() => stopped.length === 1, "the stop written (refused)");
    expect(await worker.saveCheckpoint(claimed("7"), 3, "{}", false)).toBe(false);
    expect(stale.map((e) => [e.jobId, e.kind, e.generation])).toEqual([
      ["7", "stop", 3],
      ["7", "checkpoint", 3],
    ]);
    expect(await staleCount(metrics, "stop")).toBe(1);
    expect(await staleCount(metrics, "checkpoint")).toBe(1);
  });

  it("counts progress the store refuses, and late results under kind result", async () => {
    const events = new EventBus(silentLogger);
    const metrics = new BusMetrics(new Registry());
    metrics.subscribe(events);
    const store = { setProgress: async () => false } as unknown as WorkerPoolStore;
    const clock = new ManualClock(5_000);
    reportProgress({ store, events, clock }, claimed("8"), 50, null, 2, (e) => {
      throw e;
    });
    await waitFor(async () => (await staleCount(metrics, "progress")) === 1, "counted");
    events.emit("job:result_dropped", {
      jobId: "8",
      fn: "long",
      attempt: 1,
      at: 5_000,
      reason: "lease_lost",
    });
    expect(await staleCount(metrics, "result")).toBe(1);
  });
});
