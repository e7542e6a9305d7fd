/**
 * @module stores/conformance/job-store-stats
 * Conformance of `JobStore.jobStats` (the stats route): finished jobs per bucket and terminal
 * state by finish time, created jobs per bucket by creation time, `[since, until)` edges.
 */
import { describe, expect, it } from "vitest";
import type { Finalization, JobStore } from "../../ports/job-store.js";
import { T0, claimOne, enqueueOne, type SuiteContext } from "./job-store-fixtures.js";

const ERROR = { name: "Error", message: "boom" };
const B = 1_000;

/** Enqueue at `createdAt`, claim, and finalize at `finishedAt` with `outcome`. */
async function finishAt(
  store: JobStore,
  createdAt: number,
  finishedAt: number,
  outcome: Finalization,
): Promise<void> {
  await enqueueOne(store, { runAt: createdAt }, createdAt);
  const job = await claimOne(store, { now: createdAt });
  const applied = await store.finalize(
    [{ jobId: job.id, leaseToken: job.leaseToken!, outcome }],
    finishedAt,
  );
  expect(applied).toEqual([true]);
}

export function defineStatsTests(ctx: SuiteContext): void {
  describe("jobStats", () => {
    it("is empty for an empty store", async () => {
      expect(await ctx.store().jobStats!({ since: T0, until: T0 + 10 * B, bucketMs: B })).toEqual({
        finished: [],
        enqueued: [],
      });
    });

    it("counts finished jobs per bucket and state, and created jobs per bucket", async () => {
      const store = ctx.store();
      const ok: Finalization = { kind: "succeeded", resultJson: "null" };
      await finishAt(store, T0, T0 + 100, ok);
      await finishAt(store, T0 + 200, T0 + 999, ok);
      await finishAt(store, T0 + 300, T0 + 1_000, { kind: "failed", error: ERROR });
      await finishAt(store, T0 + 400, T0 + 1_500, { kind: "timed_out", error: ERROR });
      await finishAt(store, T0 + 2_500, T0 + 2_600, { kind: "cancelled", error: ERROR });
      // Not finished: running, retrying, pending.
      await enqueueOne(store, { runAt: T0 + 2_700 }, T0 + 2_700);
      await claimOne(store, { now: T0 + 2_700 });
      await finishAt(store, T0 + 2_800, T0 + 2_900, {
        kind: "retrying",
        error: ERROR,
        runAt: T0 + 9_000,
      });
      await enqueueOne(store, { runAt: T0 + 50_000 }, T0 + 2_950);

      const stats = await store.jobStats!({ since: T0, until: T0 + 3 * B, bucketMs: B });
      expect(stats.finished).toEqual([
        { bucket: 0, state: "succeeded", count: 2 },
        { bucket: 1, state: "failed", count: 1 },
        { bucket: 1, state: "timed_out", count: 1 },
        { bucket: 2, state: "cancelled", count: 1 },
      ]);
      expect(stats.enqueued).toEqual([
        { bucket: 0, count: 4 },
        { bucket: 2, count: 4 },
      ]);
    });

    it("includes since and excludes until", async () => {
      const store = ctx.store();
      const ok: Finalization = { kind: "succeeded", resultJson: "null" };
      await finishAt(store, T0 - 1, T0 - 1, ok);
      await finishAt(store, T0, T0, ok);
      await finishAt(store, T0 + 2 * B - 1, T0 + 2 * B - 1, ok);
      await finishAt(store, T0 + 2 * B, T0 + 2 * B, ok);

      const stats = await store.jobStats!({ since: T0, until: T0 + 2 * B, bucketMs: B });
      expect(stats.finished).toEqual([
        { bucket: 0, state: "succeeded", count: 1 },
        { bucket: 1, state: "succeeded", count: 1 },
      ]);
      expect(stats.enqueued).toEqual([
        { bucket: 0, count: 1 },
        { bucket: 1, count: 1 },
      ]);
    });
  });
}
