import path from "node:path";
import { describe, expect, it } from "vitest";
import { deferred, nextEvent, waitFor } from "../helpers/async.js";
import { prefetchFor, resolvePoolOptions } from "../../src/runtime/worker/options.js";
import { fileKairos, memoryKairos, tempDir } from "../helpers/kairos.js";

/**
 * Prefetch: while recent jobs are short, a worker claims ahead into a local buffer. Buffered
 * jobs must behave like queued ones for users: cancellable at once, handed back at stop, and
 * never started beyond the concurrency limit.
 */
async function workerWithBuffer(k: Awaited<ReturnType<typeof memoryKairos>>) {
  const gate = deferred();
  const ran: number[] = [];
  k.define("job", async (p: { n: number }) => {
    ran.push(p.n);
    if (p.n === 1) await gate.promise; // job 1 holds the only slot
  });
  // Job 0 is quick and teaches the pool that jobs are short, which turns prefetch on.
  const first = await k.enqueue("job", { n: 0 });
  await k.start({ concurrency: 1, prefetch: 5 });
  await nextEvent(k, "job:succeeded", (e) => e.jobId === first.id);
  const jobs = await k.enqueueMany(
    "job",
    Array.from({ length: 6 }, (_, i) => ({ n: i + 1 })),
  );
  await waitFor(() => k.stats().buffered === 5, "5 jobs buffered behind the busy slot");
  return { gate, ran, jobs };
}

describe("prefetch buffer", () => {
  it("never runs more than `concurrency` handlers although it holds more jobs", async () => {
    const k = await memoryKairos();
    const { gate, ran } = await workerWithBuffer(k);
    expect(k.stats().running).toBe(1);
    expect(ran).toEqual([0, 1]);
    gate.resolve();
    await waitFor(() => ran.length === 7, "all ran");
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("cancels a buffered job at once; it never runs", async () => {
    const k = await memoryKairos();
    const { gate, ran, jobs } = await workerWithBuffer(k);
    const victim = jobs[3]!; // n = 4, buffered
    expect((await k.jobs.get(victim.id))!.state).toBe("running"); // leased by the buffer
    const cancelled = nextEvent(k, "job:cancelled", (e) => e.jobId === victim.id);
    await k.jobs.cancel(victim.id);
    await cancelled;
    expect((await k.jobs.get(victim.id))!.state).toBe("cancelled");
    gate.resolve();
    await waitFor(() => ran.length === 6, "the others ran");
    expect(ran).not.toContain(4);
  });

  it("hands buffered jobs back at stop with their attempt not counted", async () => {
    const file = path.join(tempDir(), "k.db");
    const k = await fileKairos(file);
    const { jobs } = await workerWithBuffer(k);
    await k.stop({ drainMs: 0 });
    const reader = await fileKairos(file);
    for (const job of jobs.slice(1)) {
      expect(await reader.jobs.get(job.id)).toMatchObject({ state: "queued", attempt: 0 });
    }
  });

  it("does not prefetch while jobs are long", async () => {
    const k = await memoryKairos();
    k.define("slow", () => new Promise((r) => setTimeout(r, 80)));
    await k.enqueueMany("slow", [1, 2]);
    await k.start({ concurrency: 1, prefetch: 5 });
    await waitFor(
      async () => (await k.jobs.list({ state: "succeeded" })).length === 2,
      "2 slow done",
    );
    await k.enqueueMany("slow", [3, 4, 5, 6]);
    await nextEvent(k, "job:started");
    expect(k.stats().buffered).toBe(0);
    expect(await k.jobs.list({ state: "running" })).toHaveLength(1);
  });
});

describe("prefetchFor", () => {
  const byDefault = resolvePoolOptions({ concurrency: 10 });
  it("is 0 until a duration is known and while jobs average over 50 ms", () => {
    expect(prefetchFor(byDefault, null)).toBe(0);
    expect(prefetchFor(byDefault, 51)).toBe(0);
  });

  it("by default grows past 200 only while the buffer stays within ~100 ms of work", () => {
    expect(prefetchFor(byDefault, 50)).toBe(200);
    expect(prefetchFor(byDefault, 5)).toBe(200);
    expect(prefetchFor(byDefault, 2)).toBe(500);
    expect(prefetchFor(byDefault, 0)).toBe(1_000);
    expect(prefetchFor(resolvePoolOptions({ concurrency: 100 }), 20)).toBe(500);
  });

  it("keeps a prefetch that was given, at most 1,000", () => {
    expect(prefetchFor(resolvePoolOptions({ concurrency: 10, prefetch: 5 }), 0)).toBe(5);
    expect(prefetchFor(resolvePoolOptions({ concurrency: 10, prefetch: 0 }), 0)).toBe(0);
    expect(prefetchFor(resolvePoolOptions({ concurrency: 10, prefetch: 5_000 }), 0)).toBe(1_000);
  });
});
