import path from "node:path";
import { describe, expect, it } from "vitest";
import { openSqliteJobStore } from "../../src/stores/sqlite/index.js";
import { collect, deferred, nextEvent, sleep } from "../helpers/async.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";

/** Claim a job as a worker that then "dies": it never heartbeats nor finalizes. */
async function claimAsDeadWorker(file: string, leaseMs: number): Promise<string> {
  const store = await openSqliteJobStore({ path: file });
  const [job] = await store.claim({
    workerId: "dead-worker",
    fns: ["work"],
    limit: 1,
    now: Date.now(),
    leaseMs,
  });
  await store.close();
  return job!.id;
}

describe("lease recovery", () => {
  it("retries a job whose worker died once its lease expires", async () => {
    const file = path.join(tempDir(), "k.db");
    const k = await fileKairos(file);
    k.define("work", (_p, ctx) => `attempt ${ctx.attempt}`, {
      maxAttempts: 3,
      backoff: { type: "fixed", delayMs: 0 },
    });
    const job = await k.enqueue("work", {});
    await claimAsDeadWorker(file, 200);
    expect((await k.jobs.get(job.id))!.state).toBe("running");
    await k.start({ recoverIntervalMs: 50 });
    const recovered = await nextEvent(k, "job:recovered", (e) => e.jobId === job.id);
    expect(recovered.outcome).toBe("retrying");
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);
    const done = await k.jobs.get(job.id);
    expect(done).toMatchObject({ state: "succeeded", result: "attempt 2", attempt: 2 });
  });

  it("fails with reason worker_lost when no attempts remain", async () => {
    const file = path.join(tempDir(), "k.db");
    const k = await fileKairos(file);
    k.define("work", () => "never", { maxAttempts: 1 });
    const job = await k.enqueue("work", {});
    await claimAsDeadWorker(file, 100);
    await k.start({ recoverIntervalMs: 50 });
    const recovered = await nextEvent(k, "job:recovered", (e) => e.jobId === job.id);
    expect(recovered.outcome).toBe("failed");
    const done = await k.jobs.get(job.id);
    expect(done!.state).toBe("failed");
    expect(done!.error).toMatchObject({ name: "worker_lost", code: "WORKER_LOST" });
    expect(done!.error!.message).toMatch(/dead-worker stopped renewing its lease/);
  });

  it("renews leases by heartbeat so a long job is not recovered while its worker lives", async () => {
    // The recoverer must be ANOTHER engine: a pool never recovers the jobs it runs itself, so a
    // worker that recovered its own job would pass this test with heartbeats switched off.
    const file = path.join(tempDir(), "k.db");
    const LEASE_MS = 600; // heartbeat every 200 ms
    const worker = await fileKairos(file);
    const started = deferred();
    const release = deferred();
    worker.define("long", async () => {
      started.resolve();
      await release.promise;
      return "ok";
    });
    const recoverer = await fileKairos(file);
    const recovered = [collect(worker, "job:recovered"), collect(recoverer, "job:recovered")];
    const job = await worker.enqueue("long", {});
    await worker.start({ leaseMs: LEASE_MS, recoverIntervalMs: 60_000 });
    await started.promise;
    const claimedBy = Date.now();
    // Defines no function, so it claims nothing; it only recovers expired leases.
    await recoverer.start({ scheduler: false, leaseMs: LEASE_MS, recoverIntervalMs: 60_000 });
    // Sweep while the job runs for three leases: without renewal the first lease (granted
    // before `claimedBy`) is long expired by then and a sweep would take the job.
    let sweeps = 0;
    while (Date.now() < claimedBy + 3 * LEASE_MS) {
      expect(await recoverer.recoverExpiredNow()).toBe(0);
      sweeps++;
      await sleep(25); // pacing between sweeps (timers must run), not a wait for an outcome
    }
    expect(sweeps).toBeGreaterThan(3);
    expect((await recoverer.jobs.get(job.id))!.state).toBe("running");
    release.resolve();
    await nextEvent(worker, "job:succeeded", (e) => e.jobId === job.id);
    expect(recovered.flat()).toEqual([]);
    expect(await recoverer.jobs.get(job.id)).toMatchObject({
      state: "succeeded",
      attempt: 1,
      result: "ok",
    });
  });

  it("cancels instead of retrying when a cancel was requested before the worker died", async () => {
    const file = path.join(tempDir(), "k.db");
    const k = await fileKairos(file);
    k.define("work", () => "x");
    const job = await k.enqueue("work", {});
    await claimAsDeadWorker(file, 100);
    expect((await k.jobs.cancel(job.id))!.outcome).toBe("cancel_requested");
    await k.start({ recoverIntervalMs: 50 });
    const recovered = await nextEvent(k, "job:recovered", (e) => e.jobId === job.id);
    expect(recovered.outcome).toBe("cancelled");
    expect((await k.jobs.get(job.id))!.state).toBe("cancelled");
  });
});
