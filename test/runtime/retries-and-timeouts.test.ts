import { describe, expect, it } from "vitest";
import { JobTimeoutError, UnrecoverableError } from "../../src/index.js";
import { collect, deferred, nextEvent, waitFor } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";

const fast = { type: "fixed", delayMs: 50 } as const;

describe("retries with backoff", () => {
  it("retries a failing handler until it succeeds, waiting the backoff between attempts", async () => {
    const k = await memoryKairos();
    const attempts: { attempt: number; at: number }[] = [];
    k.define(
      "flaky",
      (_p, ctx) => {
        attempts.push({ attempt: ctx.attempt, at: Date.now() });
        if (ctx.attempt < 3) throw new Error(`boom ${ctx.attempt}`);
        return "finally";
      },
      { maxAttempts: 3, backoff: { type: "fixed", delayMs: 150 } },
    );
    const retrying = collect(k, "job:retrying");
    const job = await k.enqueue("flaky", {});
    await k.start();
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(145);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(145);
    expect(retrying.map((e) => e.error.message)).toEqual(["boom 1", "boom 2"]);
    const done = await k.jobs.get(job.id);
    expect(done).toMatchObject({ state: "succeeded", attempt: 3, result: "finally" });
  });

  it("fails for good after maxAttempts, keeping the last error", async () => {
    const k = await memoryKairos();
    k.define(
      "always",
      (_p, ctx) => {
        throw new TypeError(`nope ${ctx.attempt}`);
      },
      { maxAttempts: 2, backoff: fast },
    );
    const job = await k.enqueue("always", {});
    await k.start();
    const failed = await nextEvent(k, "job:failed", (e) => e.jobId === job.id);
    expect(failed.attempt).toBe(2);
    const done = await k.jobs.get(job.id);
    expect(done).toMatchObject({ state: "failed", attempt: 2 });
    expect(done!.error).toMatchObject({ name: "TypeError", message: "nope 2" });
  });

  it("does not retry an UnrecoverableError", async () => {
    const k = await memoryKairos();
    let runs = 0;
    k.define(
      "fatal",
      () => {
        runs++;
        throw new UnrecoverableError("bad input, retrying will not help");
      },
      { maxAttempts: 5, backoff: fast },
    );
    const job = await k.enqueue("fatal", {});
    await k.start();
    await nextEvent(k, "job:failed", (e) => e.jobId === job.id);
    expect(runs).toBe(1);
    expect((await k.jobs.get(job.id))!.error!.code).toBe("UNRECOVERABLE");
  });

  it("per-enqueue maxAttempts overrides the function's", async () => {
    const k = await memoryKairos();
    k.define(
      "f",
      () => {
        throw new Error("x");
      },
      { maxAttempts: 5, backoff: fast },
    );
    const job = await k.enqueue("f", {}, { maxAttempts: 1 });
    await k.start();
    await nextEvent(k, "job:failed", (e) => e.jobId === job.id);
    expect((await k.jobs.get(job.id))!.attempt).toBe(1);
  });
});

describe("timeouts", () => {
  it("aborts the handler's signal and ends the job timed_out, even if the handler never settles", async () => {
    const k = await memoryKairos();
    let reason: unknown;
    k.define(
      "hang",
      (_p, ctx) =>
        new Promise(() => {
          ctx.signal.addEventListener("abort", () => {
            reason = ctx.signal.reason;
          });
        }),
      { timeoutMs: 100, maxAttempts: 1 },
    );
    const job = await k.enqueue("hang", {});
    await k.start();
    await nextEvent(k, "job:timed_out", (e) => e.jobId === job.id);
    expect(reason).toBeInstanceOf(JobTimeoutError);
    const done = await k.jobs.get(job.id);
    expect(done).toMatchObject({ state: "timed_out", attempt: 1 });
    expect(done!.error!.code).toBe("JOB_TIMEOUT");
    expect(k.stats().abandonedHandlers).toBe(1);
  });

  it("retries a timed-out attempt while attempts remain", async () => {
    const k = await memoryKairos();
    k.define(
      "slow-then-fast",
      async (_p, ctx) => {
        // Attempt 1 outlives its timeout: it ends only when the timeout aborts it.
        if (ctx.attempt === 1) await new Promise((r) => ctx.signal.addEventListener("abort", r));
        return ctx.attempt;
      },
      { timeoutMs: 100, maxAttempts: 2, backoff: fast },
    );
    const job = await k.enqueue("slow-then-fast", {});
    await k.start();
    const retry = await nextEvent(k, "job:retrying", (e) => e.jobId === job.id);
    expect(retry.error.code).toBe("JOB_TIMEOUT");
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);
    expect(await k.jobs.get(job.id)).toMatchObject({ state: "succeeded", result: 2, attempt: 2 });
  });

  it("drops and counts the late result of a timed-out handler", async () => {
    const k = await memoryKairos();
    // The handler returns only after its job has been finalized timed_out.
    const timedOut = deferred();
    k.on("job:timed_out", () => timedOut.resolve());
    k.define(
      "late",
      async () => {
        await timedOut.promise;
        return "too late";
      },
      { timeoutMs: 50, maxAttempts: 1 },
    );
    const job = await k.enqueue("late", {});
    await k.start();
    const dropped = await nextEvent(k, "job:result_dropped", (e) => e.jobId === job.id);
    expect(dropped.reason).toBe("already_finalized");
    expect(await k.jobs.get(job.id)).toMatchObject({ state: "timed_out", result: null });
    await waitFor(() => k.stats().droppedResults === 1, "drop counted");
  });
});
