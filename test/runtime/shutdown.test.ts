import path from "node:path";
import { describe, expect, it } from "vitest";
import { ShuttingDownError } from "../../src/index.js";
import { deferred, nextEvent, waitFor } from "../helpers/async.js";
import { fileKairos, memoryKairos, tempDir } from "../helpers/kairos.js";

/** Resolve after every pending microtask and I/O callback of this turn has run. */
const turnOfEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("graceful shutdown", () => {
  it("stops claiming and lets running jobs finish within drainMs", async () => {
    const k = await memoryKairos();
    const started = deferred();
    const release = deferred();
    const order: string[] = [];
    k.define("job", async () => {
      started.resolve();
      await release.promise;
      order.push("handler finished");
      return "done";
    });
    await k.enqueue("job", {});
    await k.start();
    await started.promise;
    const stopping = k.stop({ drainMs: 5_000 }).then(() => order.push("stop resolved"));
    await turnOfEventLoop();
    expect(order).toEqual([]); // stop waits for the running handler
    release.resolve();
    await stopping;
    expect(order).toEqual(["handler finished", "stop resolved"]);
    expect(k.stats().finalized).toBe(1);
  });

  it("hands unfinished jobs back at the deadline so another worker takes them at once", async () => {
    const file = path.join(tempDir(), "k.db");
    const first = await fileKairos(file);
    const started = deferred();
    let signalReason: unknown;
    first.define("long", (_p, ctx) => {
      started.resolve();
      return new Promise((_, reject) => {
        ctx.signal.addEventListener("abort", () => {
          signalReason = ctx.signal.reason;
          reject(ctx.signal.reason);
        });
      });
    });
    const job = await first.enqueue("long", { n: 1 });
    await first.start({ leaseMs: 60_000 });
    await started.promise;
    await first.stop({ drainMs: 100 });
    expect(signalReason).toBeInstanceOf(ShuttingDownError);

    const second = await fileKairos(file);
    const reread = await second.jobs.get(job.id);
    // Back in the queue, not held by a lease, attempt not counted.
    expect(reread).toMatchObject({ state: "queued", attempt: 0 });
    second.define("long", (p: { n: number }, ctx) => `attempt ${ctx.attempt} of ${p.n}`);
    await second.start({ leaseMs: 60_000 });
    await nextEvent(second, "job:succeeded", (e) => e.jobId === job.id, 2_000);
    expect((await second.jobs.get(job.id))!.result).toBe("attempt 1 of 1");
  });

  it("is idempotent: concurrent stop calls share one shutdown", async () => {
    const file = path.join(tempDir(), "k.db");
    const k = await fileKairos(file);
    const started = deferred();
    const release = deferred();
    const order: string[] = [];
    k.define("held", async () => {
      started.resolve();
      await release.promise;
      order.push("handler finished");
      return "drained";
    });
    const job = await k.enqueue("held", {});
    await k.start();
    await started.promise;
    const a = k.stop({ drainMs: 10_000 }).then(() => order.push("first stop"));
    const b = k.stop({ drainMs: 10_000 }).then(() => order.push("second stop"));
    // A macrotask boundary: any stop that does not wait for the drain has settled by now.
    await turnOfEventLoop();
    expect(order).toEqual([]);
    release.resolve();
    await Promise.all([a, b]);
    expect(order).toEqual(["handler finished", "first stop", "second stop"]);
    // The shared shutdown drained the job (it was not handed back), and a later stop is a no-op.
    await k.stop();
    const reader = await fileKairos(file);
    expect(await reader.jobs.get(job.id)).toMatchObject({ state: "succeeded", result: "drained" });
  });

  it("a stopped pool leaves nothing claimed", async () => {
    const file = path.join(tempDir(), "k.db");
    const k = await fileKairos(file);
    k.define("slow", (_p, ctx) => new Promise((r) => ctx.signal.addEventListener("abort", r)));
    await k.enqueueMany("slow", [1, 2, 3, 4]);
    await k.start({ concurrency: 4 });
    await waitFor(() => k.stats().running === 4, "4 running");
    await k.stop({ drainMs: 0 });
    const reader = await fileKairos(file);
    expect(await reader.jobs.list({ state: "running" })).toHaveLength(0);
    expect(await reader.jobs.list({ state: "queued" })).toHaveLength(4);
  });
});
