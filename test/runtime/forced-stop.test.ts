/**
 * `kairos.stop({ force: true })`: a drain in progress is cut short, every running handler is
 * aborted, their jobs are handed back to the queue in one store write, and the stop reports it.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createKairos, openStores, ShuttingDownError, type JobStore } from "../../src/index.js";
import { collect, deferred } from "../helpers/async.js";
import { tempDir } from "../helpers/kairos.js";

/** `store` counting its `finalize` calls and the requests in each. */
function countingFinalize(store: JobStore): { store: JobStore; calls: string[][] } {
  const calls: string[][] = [];
  const wrapped = new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (prop === "finalize") {
        return (requests: Parameters<JobStore["finalize"]>[0], now: number) => {
          calls.push(requests.map((r) => `${r.jobId}:${r.outcome.kind}`));
          return target.finalize(requests, now);
        };
      }
      return typeof value === "function" ? (value as () => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, calls };
}

describe("forced stop", () => {
  it("cuts a pending drain short, aborts every running handler and hands their jobs back in one write", async () => {
    const url = `sqlite:${path.join(tempDir(), "k.db")}`;
    const stores = await openStores(url);
    const { store, calls } = countingFinalize(stores.jobs);
    const kairos = await createKairos({ store, scheduleStore: stores.schedules });
    const reasons: unknown[] = [];
    const running = deferred();
    let started = 0;
    kairos.define("hang", (_p, ctx) => {
      if (++started === 3) running.resolve();
      return new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => {
          reasons.push(ctx.signal.reason);
          reject(ctx.signal.reason);
        }),
      );
    });
    const jobs = await kairos.enqueueMany("hang", [{}, {}, {}]);
    const timeouts = collect(kairos, "worker:drain_timeout");
    await kairos.start({ concurrency: 3, leaseMs: 60_000 });
    await running.promise;

    const draining = kairos.stop({ drainMs: 600_000 });
    const forced = kairos.stop({ force: true });
    expect(forced).toBe(draining);
    const report = await draining;

    expect(report).toEqual({ forced: true, aborted: 3, handedBack: 3, stillRunning: 0 });
    expect(reasons).toHaveLength(3);
    expect(reasons.every((r) => r instanceof ShuttingDownError)).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.sort()).toEqual(jobs.map((j) => `${j.id}:released`).sort());
    expect(timeouts).toEqual([
      expect.objectContaining({ forced: true, drainMs: 600_000, jobs: expect.any(Array) }),
    ]);
    expect(timeouts[0]!.jobs).toHaveLength(3);

    const reopened = await openStores(url);
    try {
      const states = await reopened.jobs.list({ fn: "hang" });
      expect(states.map((j) => [j.state, j.attempt])).toEqual([
        ["queued", 0],
        ["queued", 0],
        ["queued", 0],
      ]);
    } finally {
      await reopened.close();
    }
  });
});
