import { describe, expect, it } from "vitest";
import { deferred, nextEvent, waitFor, type Deferred } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";

describe("worker pool: concurrency, priority, delayed jobs", () => {
  it("never runs more than `concurrency` handlers at once", async () => {
    const k = await memoryKairos();
    const gates: Deferred<void>[] = [];
    let running = 0;
    let peak = 0;
    k.define("work", async () => {
      running++;
      peak = Math.max(peak, running);
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
      running--;
    });
    await k.enqueueMany(
      "work",
      Array.from({ length: 10 }, (_, i) => ({ i })),
    );
    await k.start({ concurrency: 3 });
    await waitFor(() => gates.length === 3, "3 handlers running");
    // Free one slot at a time: each release makes the pool claim again with 7..1 jobs still
    // queued, and each such claim must start exactly one handler, never more.
    for (let started = 3; started < 10; started++) {
      expect(running).toBe(3);
      gates[started - 3]!.resolve();
      await waitFor(() => gates.length === started + 1, `handler ${started + 1} started`);
    }
    expect(running).toBe(3);
    for (const gate of gates) gate.resolve();
    await waitFor(
      async () => (await k.jobs.list({ state: "succeeded" })).length === 10,
      "all done",
    );
    expect(peak).toBe(3);
  });

  it("runs higher priority first", async () => {
    const k = await memoryKairos();
    const order: number[] = [];
    k.define("p", async (payload: { p: number }) => {
      order.push(payload.p);
    });
    for (const p of [0, 5, -3, 10, 1]) await k.enqueue("p", { p }, { priority: p });
    await k.start({ concurrency: 1 });
    await waitFor(() => order.length === 5, "all ran");
    expect(order).toEqual([10, 5, 1, 0, -3]);
  });

  it("does not start a delayed job before its runAt, and starts it promptly after", async () => {
    const k = await memoryKairos();
    k.define("later", () => "ok");
    await k.start({ concurrency: 2 });
    const runAt = Date.now() + 300;
    const job = await k.enqueue("later", {}, { runAt: new Date(runAt) });
    expect(job.state).toBe("scheduled");
    const started = await nextEvent(k, "job:started", (e) => e.jobId === job.id);
    expect(started.at).toBeGreaterThanOrEqual(runAt);
    expect(started.runAt).toBe(runAt);
  });

  it("returns the handler's value as the job result with the documented record fields", async () => {
    const k = await memoryKairos();
    k.define("double", (p: { n: number }) => ({ doubled: p.n * 2 }));
    const job = await k.enqueue("double", { n: 21 });
    await k.start();
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);
    const done = await k.jobs.get(job.id);
    expect(done).toMatchObject({
      id: job.id,
      fn: "double",
      state: "succeeded",
      attempt: 1,
      maxAttempts: 3,
      payload: { n: 21 },
      result: { doubled: 42 },
      error: null,
    });
    expect(done!.createdAt).toBeInstanceOf(Date);
    expect(done!.startedAt).toBeInstanceOf(Date);
    expect(done!.finishedAt!.getTime()).toBeGreaterThanOrEqual(done!.startedAt!.getTime());
  });
});
