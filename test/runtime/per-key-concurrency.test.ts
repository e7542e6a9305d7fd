import { describe, expect, it } from "vitest";
import { deferred, nextEvent, waitFor } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";

describe("per-key concurrency", () => {
  it("serializes jobs sharing a key (default limit 1) while other keys proceed", async () => {
    const k = await memoryKairos();
    const gates = new Map<string, ReturnType<typeof deferred<void>>>();
    const runningByKey = new Map<string, number>();
    let peakA = 0;
    const started: string[] = [];
    k.define(
      "sync",
      async (p: { user: string; n: number }) => {
        const now = (runningByKey.get(p.user) ?? 0) + 1;
        runningByKey.set(p.user, now);
        if (p.user === "a") peakA = Math.max(peakA, now);
        started.push(`${p.user}${p.n}`);
        const gate = deferred();
        gates.set(`${p.user}${p.n}`, gate);
        await gate.promise;
        runningByKey.set(p.user, (runningByKey.get(p.user) ?? 1) - 1);
      },
      { concurrency: { key: (p) => p.user } },
    );
    await k.enqueueMany("sync", [
      { user: "a", n: 1 },
      { user: "a", n: 2 },
      { user: "a", n: 3 },
      { user: "b", n: 1 },
    ]);
    await k.start({ concurrency: 5 });
    // a1 holds key "a"; b1 must run although a2 and a3 are older.
    await waitFor(() => started.includes("a1") && started.includes("b1"), "a1 and b1 started");
    // A job of a third key, enqueued now, ranks behind a2 and a3: once it has started, the pool
    // has claimed again past them, so they were held back by their key, not by timing.
    await k.enqueue("sync", { user: "c", n: 1 });
    await waitFor(() => started.includes("c1"), "c1 started");
    expect(started.sort()).toEqual(["a1", "b1", "c1"]);
    gates.get("c1")!.resolve();
    gates.get("a1")!.resolve();
    await waitFor(() => started.includes("a2"), "a2 started after a1");
    gates.get("a2")!.resolve();
    await waitFor(() => started.includes("a3"), "a3 started after a2");
    gates.get("a3")!.resolve();
    gates.get("b1")!.resolve();
    await waitFor(async () => (await k.jobs.list({ state: "succeeded" })).length === 5, "all done");
    expect(peakA).toBe(1);
  });

  it("allows `limit` jobs per key at once", async () => {
    const k = await memoryKairos();
    let running = 0;
    let runningSame = 0;
    let peak = 0;
    let peakSame = 0;
    const gate = deferred();
    k.define(
      "two",
      async (p: number) => {
        const same = p !== 0;
        running++;
        if (same) runningSame++;
        peak = Math.max(peak, running);
        peakSame = Math.max(peakSame, runningSame);
        await gate.promise;
        running--;
        if (same) runningSame--;
      },
      { concurrency: { key: () => "same", limit: 2 } },
    );
    await k.enqueueMany("two", [1, 2, 3, 4, 5]);
    await k.start({ concurrency: 5 });
    await waitFor(() => running === 2, "two running");
    // A job of another key, enqueued now, ranks behind the three waiting ones: once it ran, the
    // pool has claimed again past them, and still only two of the key run.
    const other = await k.enqueue("two", 0, { key: "other" });
    await nextEvent(k, "job:started", (e) => e.jobId === other.id);
    expect(running).toBe(3); // two of "same" + the other key's
    expect(peak).toBe(3);
    gate.resolve();
    await waitFor(async () => (await k.jobs.list({ state: "succeeded" })).length === 6, "all done");
    expect(peakSame).toBe(2);
  });

  it("lets an enqueue option override the key", async () => {
    const k = await memoryKairos();
    k.define("x", () => null, { concurrency: { key: () => "from-fn" } });
    const job = await k.enqueue("x", {}, { key: "explicit" });
    expect(job.concurrencyKey).toBe("explicit");
    const other = await k.enqueue("x", {});
    expect(other.concurrencyKey).toBe("from-fn");
  });
});
