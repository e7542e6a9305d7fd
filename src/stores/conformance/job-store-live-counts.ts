/**
 * @module stores/conformance/job-store-live-counts
 * Conformance of `JobStore.liveCounts` (metrics): live jobs per fn and state, and the due,
 * waiting jobs per fn (queued, or retrying with runAt <= now) with their earliest runAt.
 */
import { describe, expect, it } from "vitest";
import type { Finalization, JobStore, StoredJob } from "../../ports/job-store.js";
import { T0, claimOne, enqueueOne, type SuiteContext } from "./job-store-fixtures.js";

async function finish(store: JobStore, job: StoredJob, outcome: Finalization): Promise<void> {
  expect(
    await store.finalize([{ jobId: job.id, leaseToken: job.leaseToken!, outcome }], T0 + 1),
  ).toEqual([true]);
}

const ERROR = { name: "Error", message: "boom" };

export function defineLiveCountTests(ctx: SuiteContext): void {
  describe("liveCounts", () => {
    it("is empty for an empty store", async () => {
      expect(await ctx.store().liveCounts!(T0)).toEqual({ jobs: [], queues: [] });
    });

    it("counts live jobs per fn and state, and due waiting jobs per fn", async () => {
      const store = ctx.store();
      await enqueueOne(store, { runAt: T0 - 10 });
      await enqueueOne(store, { runAt: T0 - 5 });
      await enqueueOne(store, { runAt: T0 - 4 });
      await enqueueOne(store, { runAt: T0 });
      await enqueueOne(store, { runAt: T0 + 1_000 });
      await enqueueOne(store, { fn: "report", runAt: T0 - 7 });
      await enqueueOne(store, { fn: "old", runAt: T0 - 100 });
      await claimOne(store); // the T0 - 10 one: running
      await finish(store, await claimOne(store), {
        kind: "retrying",
        error: ERROR,
        runAt: T0 + 50,
      });
      await finish(store, await claimOne(store), {
        kind: "retrying",
        error: ERROR,
        runAt: T0 + 5_000,
      });
      await finish(store, await claimOne(store, { fns: ["old"] }), {
        kind: "succeeded",
        resultJson: "null",
      });

      const counts = await store.liveCounts!(T0 + 100);
      expect(counts.jobs).toEqual([
        { fn: "email", state: "queued", count: 1 },
        { fn: "email", state: "retrying", count: 2 },
        { fn: "email", state: "running", count: 1 },
        { fn: "email", state: "scheduled", count: 1 },
        { fn: "report", state: "queued", count: 1 },
      ]);
      expect(counts.queues).toEqual([
        { fn: "email", depth: 2, oldestRunAt: T0 },
        { fn: "report", depth: 1, oldestRunAt: T0 - 7 },
      ]);
      // Before the retry is due, only the queued job waits.
      expect((await store.liveCounts!(T0)).queues).toEqual([
        { fn: "email", depth: 1, oldestRunAt: T0 },
        { fn: "report", depth: 1, oldestRunAt: T0 - 7 },
      ]);
    });
  });
}
