/**
 * Durable stop and start of long jobs through the library (docs/control.md), on an SQLite file
 * and on PostgreSQL (every scenario on both): a stopped 1,000-step job resumes from its
 * checkpoint and does each step exactly once; a handler that ignores its signal is stopped
 * after the grace period, and a start is refused until then; a queued job stops at once and
 * starts again as generation 2.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ControlRefusedError, JobStoppedError } from "../../src/core/errors.js";
import {
  createKairos,
  type CreateKairosOptions,
  type JobContext,
  type Kairos,
} from "../../src/index.js";
import { waitFor } from "../helpers/async.js";
import { tempDir } from "../helpers/kairos.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const open: Kairos[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((k) => k.stop({ drainMs: 0 })));
});

/** A fresh store's URL (an SQLite file, or a fresh PostgreSQL schema). */
type FreshUrl = () => string;

function suite(freshUrl: FreshUrl): void {
  /** An engine on a fresh store of the backend, stopped after the test. */
  const fresh = async (options: CreateKairosOptions = {}): Promise<Kairos> => {
    const k = await createKairos({ store: freshUrl(), ...options });
    open.push(k);
    return k;
  };

  it("stops a 1,000-step job mid-run and resumes it from its checkpoint: each step exactly once", async () => {
    const kairos = await fresh();
    const done: number[] = [];
    const seen: { generation: number; checkpoint: unknown; reason: unknown }[] = [];
    kairos.define("migrate", async (_payload: unknown, ctx: JobContext) => {
      const from = (ctx.checkpoint as { next: number } | null)?.next ?? 0;
      seen.push({ generation: ctx.generation, checkpoint: ctx.checkpoint, reason: null });
      for (let step = from; step < 1_000; step++) {
        if (ctx.signal.aborted) {
          seen.at(-1)!.reason = ctx.signal.reason;
          return { stoppedAt: step };
        }
        done.push(step);
        await ctx.saveCheckpoint({ next: step + 1 });
        if (step % 50 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      return { steps: 1_000 };
    });
    await kairos.start({ concurrency: 2 });
    const job = await kairos.enqueue("migrate", {});
    await waitFor(() => done.length >= 200, "200 steps done");

    const stop = await kairos.jobs.stop(job.id, { requestedBy: "test" });
    expect(stop).toMatchObject({ kind: "stop", generation: 1, requestedBy: "test" });
    await waitFor(async () => (await kairos.jobs.get(job.id))?.state === "stopped", "stopped");
    const stopped = await kairos.jobs.requests(job.id);
    expect(stopped.map((r) => [r.kind, r.status])).toEqual([["stop", "completed"]]);
    expect(seen[0]!.reason).toBeInstanceOf(JobStoppedError);
    expect((seen[0]!.reason as JobStoppedError).reason).toBe("stop");
    const stepsBeforeStart = done.length;
    expect(stepsBeforeStart).toBeLessThan(1_000);

    // Nothing starts by itself.
    await new Promise((r) => setTimeout(r, 100));
    expect((await kairos.jobs.get(job.id))?.state).toBe("stopped");

    const start = await kairos.jobs.start(job.id);
    expect(start).toMatchObject({ kind: "start", generation: 2 });
    const finished = await waitFor(async () => {
      const j = await kairos.jobs.get(job.id);
      return j?.state === "succeeded" ? j : null;
    }, "the restarted job to succeed");
    expect(finished.result).toEqual({ steps: 1_000 });
    expect(finished.generation).toBe(2);
    expect((await kairos.jobs.list({ fn: "migrate" }))[0]?.generation).toBe(2);
    expect(seen[1]).toMatchObject({ generation: 2, checkpoint: { next: stepsBeforeStart } });
    expect(done).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    const requests = await kairos.jobs.requests(job.id);
    expect(requests.map((r) => [r.kind, r.generation, r.status])).toEqual([
      ["stop", 1, "completed"],
      ["start", 2, "completed"],
    ]);
  });

  it("force-stops a handler that ignores its signal after the grace period; start is refused until then", async () => {
    const kairos = await fresh();
    let release = (): void => undefined;
    kairos.define("stubborn", (_p: unknown, ctx: JobContext) => {
      if (ctx.generation > 1) return "second run";
      return new Promise<string>((resolve) => (release = () => resolve("ignored the stop")));
    });
    await kairos.start({ concurrency: 1, cancelGraceMs: 300 });
    const job = await kairos.enqueue("stubborn", {});
    await waitFor(async () => (await kairos.jobs.get(job.id))?.state === "running", "running");
    const stop = await kairos.jobs.stop(job.id);
    expect(stop.status).toBe("pending");
    const refused = await kairos.jobs.start(job.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ControlRefusedError);
    expect(refused).toMatchObject({
      code: "CONTROL_REFUSED",
      reason: "stop_unresolved",
      stopId: stop.id,
    });
    await waitFor(
      async () => (await kairos.jobs.get(job.id))?.state === "stopped",
      "force-stopped",
    );
    release();
    const start = await kairos.jobs.start(job.id);
    expect(start.generation).toBe(2);
    const finished = await waitFor(async () => {
      const j = await kairos.jobs.get(job.id);
      return j?.state === "succeeded" ? j : null;
    }, "the second run");
    expect(finished.result).toBe("second run");
  });

  it("stops a queued job at once, and starts it as generation 2", async () => {
    const kairos = await fresh();
    const generations: number[] = [];
    kairos.define("later", (_p: unknown, ctx: JobContext) => {
      generations.push(ctx.generation);
      return ctx.checkpoint;
    });
    const job = await kairos.enqueue("later", {});
    const stop = await kairos.jobs.stop(job.id);
    expect(stop.status).toBe("completed");
    expect((await kairos.jobs.get(job.id))?.state).toBe("stopped");
    await kairos.jobs.start(job.id);
    await kairos.start({ concurrency: 1 });
    await waitFor(async () => (await kairos.jobs.get(job.id))?.state === "succeeded", "ran");
    expect(generations).toEqual([2]);
    await expect(kairos.jobs.start(job.id)).rejects.toMatchObject({ reason: "finished" });
  });

  it("fails a start no worker begins within the grace window: the job stays stopped, the error visible", async () => {
    const kairos = await fresh({ startGraceMs: 300 });
    // Known (defined here), but no worker runs it: this process starts without workers. (A
    // function defined nowhere is refused at start: test/runtime/control-events.test.ts.)
    kairos.define("nobody-runs-me", () => null);
    const job = await kairos.enqueue("nobody-runs-me", {});
    await kairos.jobs.stop(job.id);
    const start = await kairos.jobs.start(job.id);
    expect(start.status).toBe("pending");
    await kairos.start({ workers: false });
    const failed = await waitFor(async () => {
      const requests = await kairos.jobs.requests(job.id);
      return requests.find((r) => r.id === start.id && r.status === "failed");
    }, "the start to fail after its grace window");
    expect(failed.error).toMatch(
      /no worker began the restarted job within the start grace window \(300 ms\)/,
    );
    expect((await kairos.jobs.get(job.id))?.state).toBe("stopped");
    // Nothing retries it; a new start may be asked (the next generation).
    const again = await kairos.jobs.start(job.id);
    expect(again).toMatchObject({ generation: 3, status: "pending" });
  });

  it("refuses a remaining() that is not a function", async () => {
    const kairos = await fresh();
    expect(() =>
      kairos.define("bad", () => null, { remaining: 5 as unknown as () => boolean }),
    ).toThrow(/define\("bad"\): remaining must be a function/);
  });

  it("refuses a start grace window that is not a positive integer of ms", async () => {
    for (const startGraceMs of [0, -5, 1.5, Number.NaN]) {
      await expect(createKairos({ store: freshUrl(), startGraceMs })).rejects.toThrow(
        /createKairos: startGraceMs must be a positive integer of ms/,
      );
    }
  });

  it("completes a restarted job without running it when remaining() says no work is left", async () => {
    const kairos = await fresh();
    let runs = 0;
    const asked: unknown[] = [];
    kairos.define(
      "finish-line",
      async (_p: unknown, ctx: JobContext) => {
        runs++;
        await ctx.saveCheckpoint({ done: true });
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        return "stopped after its work";
      },
      {
        remaining: (_payload, checkpoint) => {
          asked.push(checkpoint);
          return (checkpoint as { done?: boolean } | null)?.done !== true;
        },
      },
    );
    await kairos.start({ concurrency: 1 });
    const job = await kairos.enqueue("finish-line", {});
    await waitFor(() => runs === 1, "the first run");
    await kairos.jobs.stop(job.id);
    await waitFor(async () => (await kairos.jobs.get(job.id))?.state === "stopped", "stopped");
    const start = await kairos.jobs.start(job.id);
    const done = await waitFor(async () => {
      const j = await kairos.jobs.get(job.id);
      return j?.state === "succeeded" ? j : null;
    }, "the restarted job to complete");
    expect(done.result).toBeNull();
    expect(runs).toBe(1);
    expect(asked).toEqual([{ done: true }]);
    const requests = await kairos.jobs.requests(job.id);
    expect(requests.find((r) => r.id === start.id)?.status).toBe("completed");
  });
}

describe("stop and start of a job (library, SQLite file)", () => {
  suite(() => `sqlite:${path.join(tempDir(), "kairos.db")}`);
});

describePg("stop and start of a job (library, PostgreSQL)", () => {
  suite(() => `${pgUrl().replace(/^postgresql:/, "postgres:")}?schema=${freshSchema()}`);
});
