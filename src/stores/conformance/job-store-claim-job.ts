/**
 * @module stores/conformance/job-store-claim-job
 * Conformance of `JobStore.claimJob`: one job taken by id, whatever its runAt, exactly as a
 * claim leaves a job; never a job in any other state, never a second time.
 */
import { describe, expect, it } from "vitest";
import type { ClaimJobRequest, JobStore } from "../../ports/job-store.js";
import {
  LEASE_MS,
  T0,
  claim,
  claimOne,
  enqueueOne,
  mustGet,
  type SuiteContext,
} from "./job-store-fixtures.js";

const BOOM = { name: "Error", message: "boom" };

function claimJob(store: JobStore, jobId: string, overrides: Partial<ClaimJobRequest> = {}) {
  return store.claimJob({ jobId, workerId: "exec-1", now: T0, leaseMs: LEASE_MS, ...overrides });
}

export function defineClaimJobTests(ctx: SuiteContext): void {
  describe("claimJob", () => {
    it("takes a job that is not due yet, as a claim leaves it, and no other claim sees it", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store, { runAt: T0 + 60_000 });
      expect(job.state).toBe("scheduled");
      const taken = await claimJob(store, job.id, { now: T0 + 5 });
      expect(taken).toMatchObject({
        id: job.id,
        state: "running",
        attempt: 1,
        leaseOwner: "exec-1",
        leaseExpiresAt: T0 + 5 + LEASE_MS,
        startedAt: T0 + 5,
        runAt: T0 + 5,
      });
      expect(taken!.leaseToken).toEqual(expect.any(String));
      expect(await mustGet(store, job.id)).toMatchObject({
        state: "running",
        leaseOwner: "exec-1",
      });
      // Even once it would be due, a claim does not take a running job.
      expect(await claim(store, { now: T0 + 120_000, limit: 10 })).toEqual([]);
      // Its lease works like any: finalize under the token applies.
      const applied = await store.finalize(
        [
          {
            jobId: job.id,
            leaseToken: taken!.leaseToken,
            outcome: { kind: "succeeded", resultJson: "1" },
          },
        ],
        T0 + 10,
      );
      expect(applied).toEqual([true]);
    });

    it("takes a queued job and a retrying one before its backoff ends, counting attempts", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store, { runAt: T0 });
      const first = await claimJob(store, job.id);
      expect(first).toMatchObject({ state: "running", attempt: 1 });
      await store.finalize(
        [
          {
            jobId: job.id,
            leaseToken: first!.leaseToken,
            outcome: { kind: "retrying", error: BOOM, runAt: T0 + 60_000 },
          },
        ],
        T0 + 1,
      );
      const second = await claimJob(store, job.id, { now: T0 + 2 });
      expect(second).toMatchObject({ state: "running", attempt: 2 });
      expect(second!.leaseToken).not.toBe(first!.leaseToken);
      // The first lease is dead: its finalization no longer applies.
      const stale = await store.finalize(
        [
          {
            jobId: job.id,
            leaseToken: first!.leaseToken,
            outcome: { kind: "succeeded", resultJson: "1" },
          },
        ],
        T0 + 3,
      );
      expect(stale).toEqual([false]);
    });

    it("returns null and writes nothing for a running, finished, cancelled or unknown job", async () => {
      const store = ctx.store();
      const running = await enqueueOne(store, { runAt: T0 });
      const claimed = await claimOne(store);
      expect(claimed.id).toBe(running.id);
      expect(await claimJob(store, running.id)).toBeNull();
      expect(await mustGet(store, running.id)).toMatchObject({
        leaseOwner: "w1",
        leaseToken: claimed.leaseToken,
        attempt: 1,
      });

      const cancelled = await enqueueOne(store, { runAt: T0 });
      await store.cancel(cancelled.id, T0);
      expect(await claimJob(store, cancelled.id)).toBeNull();
      expect((await mustGet(store, cancelled.id)).state).toBe("cancelled");

      await store.finalize(
        [
          {
            jobId: claimed.id,
            leaseToken: claimed.leaseToken!,
            outcome: { kind: "succeeded", resultJson: "1" },
          },
        ],
        T0 + 1,
      );
      expect(await claimJob(store, claimed.id)).toBeNull();
      expect((await mustGet(store, claimed.id)).state).toBe("succeeded");

      expect(await claimJob(store, "no-such-job")).toBeNull();
      expect(await claimJob(store, "999999999")).toBeNull();
    });

    it("lets only one of two claimJob calls win", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store, { runAt: T0 + 60_000 });
      const [a, b] = await Promise.all([
        claimJob(store, job.id, { workerId: "exec-a" }),
        claimJob(store, job.id, { workerId: "exec-b" }),
      ]);
      expect([a, b].filter((x) => x !== null)).toHaveLength(1);
      expect((await mustGet(store, job.id)).attempt).toBe(1);
    });
  });
}
