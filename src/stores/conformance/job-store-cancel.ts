/**
 * @module stores/conformance/job-store-cancel
 * Conformance of `JobStore.cancel`: pending jobs are cancelled at once, running jobs are
 * marked cancel-requested (their worker finalizes them), finished jobs are left alone.
 */
import { describe, expect, it } from "vitest";
import {
  T0,
  claim,
  claimOne,
  enqueueOne,
  mustGet,
  type SuiteContext,
} from "./job-store-fixtures.js";

export function defineCancelTests(ctx: SuiteContext): void {
  describe("cancel", () => {
    it("cancels a queued job at once; it is never claimed afterwards", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store);
      const outcome = await store.cancel(job.id, T0 + 10);
      expect(outcome.kind).toBe("cancelled");
      if (outcome.kind !== "cancelled") return;
      expect(outcome.job).toMatchObject({ id: job.id, state: "cancelled", finishedAt: T0 + 10 });
      expect(await mustGet(store, job.id)).toEqual(outcome.job);
      expect(await claim(store, { limit: 10, now: T0 + 1_000_000 })).toEqual([]);
    });

    it("cancels a scheduled job at once", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store, { runAt: T0 + 1_000 });
      expect((await store.cancel(job.id, T0 + 10)).kind).toBe("cancelled");
      expect((await mustGet(store, job.id)).state).toBe("cancelled");
      expect(await store.nextRunAt(["email"])).toBeNull();
      expect(await claim(store, { limit: 10, now: T0 + 2_000 })).toEqual([]);
    });

    it("cancels a retrying job at once", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store);
      await store.finalize(
        [
          {
            jobId: running.id,
            leaseToken: running.leaseToken!,
            outcome: { kind: "retrying", error: { name: "E", message: "x" }, runAt: T0 + 1_000 },
          },
        ],
        T0 + 1,
      );
      expect((await store.cancel(running.id, T0 + 2)).kind).toBe("cancelled");
      expect((await mustGet(store, running.id)).state).toBe("cancelled");
      expect(await claim(store, { limit: 10, now: T0 + 2_000 })).toEqual([]);
    });

    it("marks a running job cancel-requested and leaves it running under its lease", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store);
      const outcome = await store.cancel(running.id, T0 + 10);
      expect(outcome.kind).toBe("cancel_requested");
      if (outcome.kind !== "cancel_requested") return;
      expect(outcome.job).toMatchObject({
        id: running.id,
        state: "running",
        cancelRequestedAt: T0 + 10,
        leaseToken: running.leaseToken,
        leaseOwner: running.leaseOwner,
        finishedAt: null,
      });
      // The worker then finalizes it under its token.
      expect(
        await store.finalize(
          [
            {
              jobId: running.id,
              leaseToken: running.leaseToken!,
              outcome: { kind: "cancelled", error: { name: "cancelled", message: "cancelled" } },
            },
          ],
          T0 + 20,
        ),
      ).toEqual([true]);
      expect((await mustGet(store, running.id)).state).toBe("cancelled");
    });

    it("leaves a finished job as it is", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store);
      await store.finalize(
        [
          {
            jobId: running.id,
            leaseToken: running.leaseToken!,
            outcome: { kind: "succeeded", resultJson: "42" },
          },
        ],
        T0 + 1,
      );
      const finished = await mustGet(store, running.id);
      const outcome = await store.cancel(running.id, T0 + 2);
      expect(outcome.kind).toBe("already_finished");
      if (outcome.kind !== "already_finished") return;
      expect(outcome.job).toEqual(finished);
      expect(await mustGet(store, running.id)).toEqual(finished);
    });

    it("reports a cancelled job as already finished when cancelled again", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store);
      await store.cancel(job.id, T0 + 1);
      const cancelled = await mustGet(store, job.id);
      expect((await store.cancel(job.id, T0 + 2)).kind).toBe("already_finished");
      expect(await mustGet(store, job.id)).toEqual(cancelled);
    });

    it("reports an unknown id as not_found", async () => {
      expect(await ctx.store().cancel("no-such-job", T0)).toEqual({ kind: "not_found" });
    });
  });
}
