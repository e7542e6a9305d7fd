import { describe, expect, it } from "vitest";
import { JobCancelledError } from "../../src/index.js";
import { deferred, nextEvent } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";

describe("cancellation", () => {
  it("cancels a queued job at once; it never runs", async () => {
    const k = await memoryKairos();
    const ran: string[] = [];
    k.define("never", (p: { name: string }) => {
      ran.push(p.name);
    });
    const runAt = Date.now() + 200;
    const job = await k.enqueue("never", { name: "cancelled" }, { runAt });
    const res = await k.jobs.cancel(job.id);
    expect(res!.outcome).toBe("cancelled");
    expect(res!.job.state).toBe("cancelled");
    // A witness due just after the cancelled job: once it has run, the pool has claimed past
    // the cancelled job's runAt, so the cancelled job had its chance to (wrongly) run.
    const witness = await k.enqueue("never", { name: "witness" }, { runAt: runAt + 1 });
    await k.start();
    await nextEvent(k, "job:succeeded", (e) => e.jobId === witness.id);
    expect(ran).toEqual(["witness"]);
    expect((await k.jobs.get(job.id))!.state).toBe("cancelled");
  });

  it("fires a running job's AbortSignal; a handler that honours it ends cancelled", async () => {
    const k = await memoryKairos();
    const started = deferred();
    let reason: unknown;
    k.define("polite", (_p, ctx) => {
      started.resolve();
      return new Promise((_, reject) => {
        ctx.signal.addEventListener("abort", () => {
          reason = ctx.signal.reason;
          reject(ctx.signal.reason);
        });
      });
    });
    const job = await k.enqueue("polite", {});
    await k.start({ cancelGraceMs: 5_000 });
    await started.promise;
    const res = await k.jobs.cancel(job.id);
    expect(res!.outcome).toBe("cancel_requested");
    await nextEvent(k, "job:cancelled", (e) => e.jobId === job.id);
    expect(reason).toBeInstanceOf(JobCancelledError);
    expect((await k.jobs.get(job.id))!.state).toBe("cancelled");
  });

  it("finalizes a running job cancelled after the grace period even if the handler ignores the signal", async () => {
    const k = await memoryKairos();
    const started = deferred();
    k.define("stubborn", () => {
      started.resolve();
      return new Promise(() => undefined);
    });
    const job = await k.enqueue("stubborn", {});
    await k.start({ cancelGraceMs: 150 });
    await started.promise;
    const requestedAt = Date.now();
    await k.jobs.cancel(job.id);
    await nextEvent(k, "job:cancelled", (e) => e.jobId === job.id);
    expect(Date.now() - requestedAt).toBeGreaterThanOrEqual(140);
    const done = await k.jobs.get(job.id);
    expect(done!.state).toBe("cancelled");
    expect(done!.error!.message).toMatch(/ignored the abort signal/);
    expect(k.stats().running).toBe(0);
  });

  it("cancel of a finished job changes nothing; an unknown id gives null", async () => {
    const k = await memoryKairos();
    k.define("quick", () => 1);
    const job = await k.enqueue("quick", {});
    await k.start();
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);
    expect((await k.jobs.cancel(job.id))!.outcome).toBe("already_finished");
    expect((await k.jobs.get(job.id))!.state).toBe("succeeded");
    expect(await k.jobs.cancel("999999")).toBeNull();
  });
});
