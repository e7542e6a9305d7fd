import path from "node:path";
import { describe, expect, it } from "vitest";
import { openSqliteJobStore } from "../../src/stores/sqlite/index.js";
import { nextEvent } from "../helpers/async.js";
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
    const file = path.join(tempDir(), "k.db");
    const k = await fileKairos(file);
    k.define("long", async () => {
      await new Promise((r) => setTimeout(r, 700));
      return "ok";
    });
    const job = await k.enqueue("long", {});
    // Lease 300 ms, heartbeat every 100 ms: the job outlives its first lease twice over.
    await k.start({ leaseMs: 300, recoverIntervalMs: 50 });
    let recovered = false;
    k.on("job:recovered", () => {
      recovered = true;
    });
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);
    expect(recovered).toBe(false);
    expect((await k.jobs.get(job.id))!.attempt).toBe(1);
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
