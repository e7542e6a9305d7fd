import path from "node:path";
import { describe, expect, it } from "vitest";
import { collect, deferred, nextEvent, waitFor } from "../helpers/async.js";
import { fileKairos, memoryKairos, tempDir } from "../helpers/kairos.js";

describe("progress, logs and events", () => {
  it("stores progress and log lines with the job", async () => {
    const k = await memoryKairos();
    const halfway = deferred();
    const release = deferred();
    k.define("report", async (_p, ctx) => {
      ctx.log("starting");
      ctx.progress(50, "half way");
      halfway.resolve();
      await release.promise;
      ctx.log("careful", "warn");
      ctx.progress(100);
      return "done";
    });
    const progress = collect(k, "job:progress");
    const job = await k.enqueue("report", {});
    await k.start();
    await halfway.promise;
    await waitFor(
      async () => (await k.jobs.get(job.id))!.progress?.percent === 50,
      "progress 50 stored",
    );
    expect((await k.jobs.get(job.id))!.progress!.message).toBe("half way");
    release.resolve();
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);
    const logs = await k.jobs.logs(job.id);
    expect(logs.map((l) => [l.level, l.message, l.attempt])).toEqual([
      ["info", "starting", 1],
      ["warn", "careful", 1],
    ]);
    expect(progress.map((p) => p.percent)).toEqual([50, 100]);
  });

  it("emits typed events for queued, started, retrying, succeeded, failed and cancelled", async () => {
    const k = await memoryKairos();
    const seen: string[] = [];
    for (const name of [
      "job:queued",
      "job:started",
      "job:retrying",
      "job:succeeded",
      "job:failed",
      "job:cancelled",
    ] as const) {
      k.on(name, (e) => seen.push(`${name}:${e.jobId}`));
    }
    k.define("ok", () => 1);
    k.define(
      "bad",
      () => {
        throw new Error("x");
      },
      { maxAttempts: 2, backoff: { type: "fixed", delayMs: 10 } },
    );
    const ok = await k.enqueue("ok", {});
    const bad = await k.enqueue("bad", {});
    const cancelled = await k.enqueue("ok", {}, { runAt: Date.now() + 60_000 });
    await k.jobs.cancel(cancelled.id);
    await k.start();
    await nextEvent(k, "job:failed", (e) => e.jobId === bad.id);
    await waitFor(() => seen.includes(`job:succeeded:${ok.id}`), "ok succeeded");
    expect(seen).toEqual(
      expect.arrayContaining([
        `job:queued:${ok.id}`,
        `job:started:${ok.id}`,
        `job:succeeded:${ok.id}`,
        `job:queued:${bad.id}`,
        `job:retrying:${bad.id}`,
        `job:failed:${bad.id}`,
        `job:cancelled:${cancelled.id}`,
      ]),
    );
    expect(seen.filter((s) => s === `job:started:${bad.id}`)).toHaveLength(2);
  });

  it("lists jobs by state and function, newest first", async () => {
    const k = await memoryKairos();
    k.define("a", () => null).define("b", () => null);
    const a = await k.enqueue("a", 1);
    const b = await k.enqueue("b", 2);
    const c = await k.enqueue("a", 3, { runAt: Date.now() + 60_000 });
    expect((await k.jobs.list({})).map((j) => j.id)).toEqual([c.id, b.id, a.id]);
    expect((await k.jobs.list({ fn: "a" })).map((j) => j.id)).toEqual([c.id, a.id]);
    expect((await k.jobs.list({ state: "scheduled" })).map((j) => j.id)).toEqual([c.id]);
    expect((await k.jobs.list({ limit: 1 })).map((j) => j.id)).toEqual([c.id]);
  });
});

describe("several processes on one store file", () => {
  it("an enqueue-only instance feeds a worker instance, which notices the foreign enqueue quickly", async () => {
    const file = path.join(tempDir(), "k.db");
    const worker = await fileKairos(file);
    worker.define("work", (p: { n: number }) => p.n * 2);
    // Poll interval far longer than the test: only the change token can wake the worker.
    await worker.start({ pollIntervalMs: 60_000 });
    const producer = await fileKairos(file);
    const job = await producer.enqueue("work", { n: 21 });
    await nextEvent(worker, "job:succeeded", (e) => e.jobId === job.id, 3_000);
    expect(await producer.jobs.get(job.id)).toMatchObject({ state: "succeeded", result: 42 });
  });

  it("cancels from one instance a job running in another", async () => {
    const file = path.join(tempDir(), "k.db");
    const worker = await fileKairos(file);
    const started = deferred();
    worker.define("long", (_p, ctx) => {
      started.resolve();
      return new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
      );
    });
    const job = await worker.enqueue("long", {});
    await worker.start({ leaseMs: 300 });
    await started.promise;
    const other = await fileKairos(file);
    expect((await other.jobs.cancel(job.id))!.outcome).toBe("cancel_requested");
    await nextEvent(worker, "job:cancelled", (e) => e.jobId === job.id, 3_000);
    expect((await other.jobs.get(job.id))!.state).toBe("cancelled");
  });
});
