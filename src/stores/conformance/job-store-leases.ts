/**
 * @module stores/conformance/job-store-leases
 * Conformance of `JobStore.heartbeat` and `JobStore.listExpired`: leases are extended only
 * for the holder of the current token; lost leases and cancel requests are reported; expired
 * leases are listed oldest first.
 */
import { describe, expect, it } from "vitest";
import {
  LEASE_MS,
  T0,
  claim,
  claimOne,
  enqueueMany,
  enqueueOne,
  ids,
  mustGet,
  type SuiteContext,
} from "./job-store-fixtures.js";

export function defineLeaseTests(ctx: SuiteContext): void {
  describe("heartbeat", () => {
    it("extends the leases the worker holds to now + leaseMs", async () => {
      const store = ctx.store();
      await enqueueMany(store, 2);
      const [a, b] = await claim(store, { workerId: "w1", limit: 2 });
      const outcome = await store.heartbeat(
        "w1",
        [
          { jobId: a!.id, leaseToken: a!.leaseToken! },
          { jobId: b!.id, leaseToken: b!.leaseToken! },
        ],
        T0 + 10_000,
        45_000,
      );
      expect(outcome.lost).toEqual([]);
      expect(outcome.cancelRequested).toEqual([]);
      for (const job of [a!, b!]) {
        const stored = await mustGet(store, job.id);
        expect(stored.leaseExpiresAt).toBe(T0 + 10_000 + 45_000);
        expect(stored.state).toBe("running");
        expect(stored.leaseToken).toBe(job.leaseToken);
        expect(stored.leaseOwner).toBe("w1");
      }
      // The extended lease is no longer expired where the original one would have been.
      expect(await store.listExpired(T0 + LEASE_MS + 1, 10)).toEqual([]);
    });

    it("accepts an empty list", async () => {
      expect(await ctx.store().heartbeat("w1", [], T0, LEASE_MS)).toEqual({
        lost: [],
        cancelRequested: [],
      });
    });

    it("reports as lost a job finalized meanwhile, and does not touch it", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store);
      await store.finalize(
        [
          {
            jobId: running.id,
            leaseToken: running.leaseToken!,
            outcome: { kind: "failed", error: { name: "E", message: "x" } },
          },
        ],
        T0 + 1,
      );
      const finished = await mustGet(store, running.id);
      const outcome = await store.heartbeat(
        "w1",
        [{ jobId: running.id, leaseToken: running.leaseToken! }],
        T0 + 2,
        LEASE_MS,
      );
      expect(outcome.lost).toEqual([running.id]);
      expect(await mustGet(store, running.id)).toEqual(finished);
    });

    it("reports as lost a job claimed again under a new token, keeping the new lease", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const first = await claimOne(store, { workerId: "w1" });
      await store.finalize(
        [{ jobId: first.id, leaseToken: first.leaseToken!, outcome: { kind: "released" } }],
        T0 + 1,
      );
      const second = await claimOne(store, { workerId: "w2", now: T0 + 2 });
      const outcome = await store.heartbeat(
        "w1",
        [{ jobId: first.id, leaseToken: first.leaseToken! }],
        T0 + 3,
        999_999,
      );
      expect(outcome.lost).toEqual([first.id]);
      expect(await mustGet(store, first.id)).toEqual(second);
    });

    it("reports a wrong token and an unknown job as lost, and keeps the others", async () => {
      const store = ctx.store();
      await enqueueMany(store, 2);
      const [a, b] = await claim(store, { limit: 2 });
      const outcome = await store.heartbeat(
        "w1",
        [
          { jobId: a!.id, leaseToken: a!.leaseToken! },
          { jobId: b!.id, leaseToken: "stolen" },
          { jobId: "no-such-job", leaseToken: "t" },
        ],
        T0 + 5,
        LEASE_MS,
      );
      expect([...outcome.lost].sort()).toEqual([b!.id, "no-such-job"].sort());
      expect((await mustGet(store, a!.id)).leaseExpiresAt).toBe(T0 + 5 + LEASE_MS);
      expect(await mustGet(store, b!.id)).toEqual(b);
    });

    it("reports cancelRequested after a cancel of a running job", async () => {
      const store = ctx.store();
      await enqueueMany(store, 2);
      const [a, b] = await claim(store, { limit: 2 });
      expect((await store.cancel(a!.id, T0 + 1)).kind).toBe("cancel_requested");
      const outcome = await store.heartbeat(
        "w1",
        [
          { jobId: a!.id, leaseToken: a!.leaseToken! },
          { jobId: b!.id, leaseToken: b!.leaseToken! },
        ],
        T0 + 2,
        LEASE_MS,
      );
      expect(outcome.cancelRequested).toEqual([a!.id]);
      expect(outcome.lost).toEqual([]);
    });
  });

  describe("listExpired", () => {
    it("lists only running jobs whose lease expired before now, oldest expiry first", async () => {
      const store = ctx.store();
      await enqueueMany(store, 3);
      const short = await claimOne(store, { leaseMs: 1_000 });
      const shorter = await claimOne(store, { leaseMs: 500 });
      const long = await claimOne(store, { leaseMs: 10_000 });
      const queued = await enqueueOne(store);
      const scheduled = await enqueueOne(store, { runAt: T0 + 100 });

      expect(await store.listExpired(T0 + 400, 10)).toEqual([]);
      // A lease expiring exactly at `now` has not expired *before* now.
      expect(await store.listExpired(T0 + 500, 10)).toEqual([]);
      expect(ids(await store.listExpired(T0 + 501, 10))).toEqual([shorter.id]);
      const expired = await store.listExpired(T0 + 5_000, 10);
      expect(ids(expired)).toEqual([shorter.id, short.id]);
      expect(expired[0]).toEqual(await mustGet(store, shorter.id));
      expect(ids(expired)).not.toContain(long.id);
      expect(ids(expired)).not.toContain(queued.id);
      expect(ids(expired)).not.toContain(scheduled.id);
    });

    it("does not list finished jobs", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store, { leaseMs: 100 });
      await store.finalize(
        [
          {
            jobId: running.id,
            leaseToken: running.leaseToken!,
            outcome: { kind: "succeeded", resultJson: "1" },
          },
        ],
        T0 + 1,
      );
      expect(await store.listExpired(T0 + 1_000, 10)).toEqual([]);
    });

    it("respects the limit", async () => {
      const store = ctx.store();
      await enqueueMany(store, 5);
      for (let i = 0; i < 5; i += 1) await claimOne(store, { leaseMs: 100 + i });
      const expired = await store.listExpired(T0 + 10_000, 3);
      expect(expired).toHaveLength(3);
      expect(expired.map((job) => job.leaseExpiresAt)).toEqual([T0 + 100, T0 + 101, T0 + 102]);
    });
  });
}
