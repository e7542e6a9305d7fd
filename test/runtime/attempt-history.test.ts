import path from "node:path";
import { describe, expect, it } from "vitest";
import { openSqliteJobStore } from "../../src/stores/sqlite/index.js";
import { deferred, nextEvent, waitFor } from "../helpers/async.js";
import { fileKairos, memoryKairos, tempDir } from "../helpers/kairos.js";

describe("attempt history (kairos.jobs.attempts)", () => {
  it("lists a failed attempt and the one that succeeded; the succeeded job's error is null", async () => {
    const k = await memoryKairos({ workerId: "w-test" });
    k.define(
      "flaky",
      (_p, ctx) => {
        if (ctx.attempt === 1) throw new TypeError("boom 1");
        return "ok";
      },
      { maxAttempts: 3, backoff: { type: "fixed", delayMs: 0 } },
    );
    const job = await k.enqueue("flaky", {});
    await k.start();
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);

    expect(await k.jobs.get(job.id)).toMatchObject({ state: "succeeded", attempt: 2, error: null });
    const attempts = await k.jobs.attempts(job.id);
    expect(attempts.map((a) => [a.attempt, a.workerId, a.outcome])).toEqual([
      [1, "w-test", "retrying"],
      [2, "w-test", "succeeded"],
    ]);
    expect(attempts[0]!.error).toMatchObject({ name: "TypeError", message: "boom 1" });
    expect(attempts[1]!.error).toBeNull();
    for (const a of attempts) {
      expect(a.startedAt).toBeInstanceOf(Date);
      expect(a.finishedAt!.getTime() - a.startedAt.getTime()).toBe(a.durationMs);
    }
  });

  it("lists the running attempt while the handler runs", async () => {
    const k = await memoryKairos({ workerId: "w-run" });
    const started = deferred();
    const release = deferred();
    k.define("held", async () => {
      started.resolve();
      await release.promise;
    });
    const job = await k.enqueue("held", {});
    expect(await k.jobs.attempts(job.id)).toEqual([]);
    await k.start();
    await started.promise;
    expect(await k.jobs.attempts(job.id)).toMatchObject([
      { attempt: 1, workerId: "w-run", outcome: "running", finishedAt: null, durationMs: null },
    ]);
    release.resolve();
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);
    expect((await k.jobs.attempts(job.id)).map((a) => a.outcome)).toEqual(["succeeded"]);
  });

  it("records worker_lost for the attempt of a dead worker, then the attempt that succeeded", async () => {
    const file = path.join(tempDir(), "k.db");
    const k = await fileKairos(file);
    k.define("work", () => "ok", { maxAttempts: 3, backoff: { type: "fixed", delayMs: 0 } });
    const job = await k.enqueue("work", {});
    const dead = await openSqliteJobStore({ path: file });
    await dead.claim({
      workerId: "dead-worker",
      fns: ["work"],
      limit: 1,
      now: Date.now(),
      leaseMs: 100,
    });
    await dead.close();
    await k.start({ recoverIntervalMs: 50 });
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);

    expect((await k.jobs.get(job.id))!.error).toBeNull();
    const attempts = await k.jobs.attempts(job.id);
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, "worker_lost"],
      [2, "succeeded"],
    ]);
    expect(attempts[0]).toMatchObject({
      workerId: "dead-worker",
      error: { name: "worker_lost", code: "WORKER_LOST" },
    });
  });

  it("records a timed-out attempt", async () => {
    const k = await memoryKairos();
    k.define(
      "slow",
      (_p, ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
        ),
      {
        maxAttempts: 1,
        timeoutMs: 20,
      },
    );
    const job = await k.enqueue("slow", {});
    await k.start();
    await nextEvent(k, "job:timed_out", (e) => e.jobId === job.id);
    expect(await k.jobs.attempts(job.id)).toMatchObject([
      { attempt: 1, outcome: "timed_out", error: { code: "JOB_TIMEOUT" } },
    ]);
  });

  it("records a cancelled attempt of a job cancelled while it ran", async () => {
    const k = await memoryKairos();
    const started = deferred();
    k.define("long", (_p, ctx) => {
      started.resolve();
      return new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
      );
    });
    const job = await k.enqueue("long", {});
    await k.start();
    await started.promise;
    await k.jobs.cancel(job.id);
    await nextEvent(k, "job:cancelled", (e) => e.jobId === job.id);
    expect(await k.jobs.attempts(job.id)).toMatchObject([
      { attempt: 1, outcome: "cancelled", error: { code: "JOB_CANCELLED" } },
    ]);
  });

  it("records a released attempt when a running job is handed back at shutdown", async () => {
    const file = path.join(tempDir(), "k.db");
    const first = await fileKairos(file, { workerId: "w-first" });
    const started = deferred();
    first.define("long", (_p, ctx) => {
      started.resolve();
      return new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
      );
    });
    const job = await first.enqueue("long", {});
    await first.start({ leaseMs: 60_000 });
    await started.promise;
    await first.stop({ drainMs: 0 });

    const second = await fileKairos(file, { workerId: "w-second" });
    expect(await second.jobs.attempts(job.id)).toMatchObject([
      { attempt: 1, workerId: "w-first", outcome: "released", error: null },
    ]);
    second.define("long", () => "done");
    await second.start();
    await waitFor(
      async () => (await second.jobs.get(job.id))?.state === "succeeded",
      "the released job to succeed",
    );
    expect(
      (await second.jobs.attempts(job.id)).map((a) => [a.attempt, a.workerId, a.outcome]),
    ).toEqual([
      [1, "w-first", "released"],
      [1, "w-second", "succeeded"],
    ]);
  });
});
