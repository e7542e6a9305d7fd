/**
 * @module stores/conformance/job-store-claim
 * Conformance of `JobStore.claim`: which jobs are runnable, in which order, how many, what a
 * claimed job looks like, and the per-key concurrency rule (a full key never blocks others).
 */
import { describe, expect, it } from "vitest";
import type { JobStore, StoredJob } from "../../ports/job-store.js";
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

/** Finalize a running job as succeeded at `now`, expecting it to apply. */
async function succeed(store: JobStore, job: StoredJob, now = T0 + 1): Promise<void> {
  const applied = await store.finalize(
    [
      {
        jobId: job.id,
        leaseToken: job.leaseToken!,
        outcome: { kind: "succeeded", resultJson: "null" },
      },
    ],
    now,
  );
  expect(applied).toEqual([true]);
}

export function defineClaimTests(ctx: SuiteContext): void {
  describe("claim", () => {
    it("returns nothing from an empty store", async () => {
      expect(await claim(ctx.store(), { limit: 10 })).toEqual([]);
    });

    it("claims only due jobs", async () => {
      const store = ctx.store();
      const due = await enqueueOne(store, { runAt: T0 });
      await enqueueOne(store, { runAt: T0 + 1_000 });
      expect(ids(await claim(store, { limit: 10 }))).toEqual([due.id]);
    });

    it("makes a scheduled job claimable once now reaches its runAt", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store, { runAt: T0 + 1_000 });
      expect(job.state).toBe("scheduled");
      expect(await claim(store, { now: T0 + 999 })).toEqual([]);
      const claimed = await claimOne(store, { now: T0 + 1_000 });
      expect(claimed.id).toBe(job.id);
      expect(claimed.state).toBe("running");
      expect(claimed.attempt).toBe(1);
    });

    it("claims only jobs of the requested functions", async () => {
      const store = ctx.store();
      const a = await enqueueOne(store, { fn: "a" });
      const b = await enqueueOne(store, { fn: "b" });
      await enqueueOne(store, { fn: "c" });
      expect(await claim(store, { fns: [], limit: 10 })).toEqual([]);
      expect(await claim(store, { fns: ["zzz"], limit: 10 })).toEqual([]);
      const claimed = await claim(store, { fns: ["a", "b"], limit: 10 });
      expect(ids(claimed).sort()).toEqual([a.id, b.id].sort());
      expect(claimed.every((job) => job.fn === "a" || job.fn === "b")).toBe(true);
    });

    it("respects the limit", async () => {
      const store = ctx.store();
      await enqueueMany(store, 5);
      expect(await claim(store, { limit: 3 })).toHaveLength(3);
      expect(await claim(store, { limit: 3 })).toHaveLength(2);
      expect(await claim(store, { limit: 3 })).toHaveLength(0);
    });

    it("orders by priority descending, then runAt, then id", async () => {
      const store = ctx.store();
      const lowOld1 = await enqueueOne(store, { priority: 0, runAt: T0 - 100 });
      const highNew = await enqueueOne(store, { priority: 5, runAt: T0 });
      const highOld = await enqueueOne(store, { priority: 5, runAt: T0 - 50 });
      const lowOld2 = await enqueueOne(store, { priority: 0, runAt: T0 - 100 });
      const negative = await enqueueOne(store, { priority: -3, runAt: T0 - 1_000 });
      const dueScheduled = await enqueueOne(store, { priority: 0, runAt: T0 + 10 }, T0);
      // The id tie-break follows the store's own id order (list is newest first by id).
      const [tieFirst, tieSecond] = ids(await store.list({}))
        .reverse()
        .filter((id) => id === lowOld1.id || id === lowOld2.id);
      const order: string[] = [];
      for (let i = 0; i < 6; i += 1) order.push((await claimOne(store, { now: T0 + 10 })).id);
      expect(order).toEqual([
        highOld.id,
        highNew.id,
        tieFirst,
        tieSecond,
        dueScheduled.id,
        negative.id,
      ]);
    });

    it("takes the highest-ranked jobs when limit is smaller than the backlog", async () => {
      const store = ctx.store();
      await enqueueMany(store, 5, () => ({ priority: 1 }));
      const urgent = await enqueueMany(store, 2, () => ({ priority: 9 }));
      expect(ids(await claim(store, { limit: 2 })).sort()).toEqual(ids(urgent).sort());
    });

    it("marks claimed jobs running with attempt + 1, a lease and startedAt", async () => {
      const store = ctx.store();
      const [a, b] = await enqueueMany(store, 2);
      const claimed = await claim(store, { workerId: "worker-7", limit: 2, now: T0 + 5 });
      expect(claimed).toHaveLength(2);
      for (const job of claimed) {
        expect(job).toMatchObject({
          state: "running",
          attempt: 1,
          leaseOwner: "worker-7",
          leaseExpiresAt: T0 + 5 + LEASE_MS,
          startedAt: T0 + 5,
          finishedAt: null,
        });
        expect(typeof job.leaseToken).toBe("string");
        expect(job.leaseToken!.length).toBeGreaterThan(0);
        expect(await store.get(job.id)).toEqual(job);
      }
      expect(ids(claimed).sort()).toEqual([a!.id, b!.id].sort());
      expect(claimed[0]!.leaseToken).not.toBe(claimed[1]!.leaseToken);
    });

    it("uses the leaseMs of the request", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const job = await claimOne(store, { now: T0 + 1, leaseMs: 1_234 });
      expect(job.leaseExpiresAt).toBe(T0 + 1 + 1_234);
    });

    it("never returns the same job to two claims", async () => {
      const store = ctx.store();
      await enqueueMany(store, 3);
      const first = await claim(store, { workerId: "w1", limit: 2 });
      const second = await claim(store, { workerId: "w2", limit: 2 });
      expect(first).toHaveLength(2);
      expect(second).toHaveLength(1);
      expect(new Set([...ids(first), ...ids(second)]).size).toBe(3);
      expect(await claim(store, { workerId: "w3", limit: 2 })).toEqual([]);
    });

    it("does not claim running or finished jobs", async () => {
      const store = ctx.store();
      await enqueueMany(store, 2);
      const [done, running] = await claim(store, { limit: 2 });
      await succeed(store, done!);
      expect(running!.state).toBe("running");
      expect(await claim(store, { limit: 10, now: T0 + 10 * LEASE_MS })).toEqual([]);
    });

    describe("per-key concurrency", () => {
      it("limit 1 serializes a key", async () => {
        const store = ctx.store();
        await enqueueMany(store, 3, () => ({ concurrencyKey: "k", concurrencyLimit: 1 }));
        const first = await claim(store, { limit: 10 });
        expect(first).toHaveLength(1);
        expect(await claim(store, { limit: 10 })).toEqual([]);
        await succeed(store, first[0]!);
        expect(await claim(store, { limit: 10, now: T0 + 2 })).toHaveLength(1);
      });

      it("limit 2 allows two at a time", async () => {
        const store = ctx.store();
        await enqueueMany(store, 4, () => ({ concurrencyKey: "k", concurrencyLimit: 2 }));
        const first = await claim(store, { limit: 1 });
        expect(first).toHaveLength(1);
        expect(await claim(store, { limit: 10 })).toHaveLength(1);
        expect(await claim(store, { limit: 10 })).toEqual([]);
        await succeed(store, first[0]!);
        expect(await claim(store, { limit: 10, now: T0 + 2 })).toHaveLength(1);
      });

      it("counts jobs claimed in the same batch against their key", async () => {
        const store = ctx.store();
        await enqueueMany(store, 3, () => ({ concurrencyKey: "k1", concurrencyLimit: 1 }));
        await enqueueMany(store, 3, () => ({ concurrencyKey: "k2", concurrencyLimit: 2 }));
        const claimed = await claim(store, { limit: 10 });
        expect(claimed.filter((job) => job.concurrencyKey === "k1")).toHaveLength(1);
        expect(claimed.filter((job) => job.concurrencyKey === "k2")).toHaveLength(2);
      });

      it("a full key does not block other keys", async () => {
        const store = ctx.store();
        // One "a" is running; 50 more "a" rank ahead of the single "b" job.
        await enqueueOne(store, { concurrencyKey: "a", concurrencyLimit: 1, priority: 1 });
        expect((await claimOne(store)).concurrencyKey).toBe("a");
        await enqueueMany(store, 50, () => ({
          concurrencyKey: "a",
          concurrencyLimit: 1,
          priority: 1,
        }));
        const b = await enqueueOne(store, {
          concurrencyKey: "b",
          concurrencyLimit: 1,
          priority: 0,
        });
        const claimed = await claim(store, { limit: 1 });
        expect(ids(claimed)).toEqual([b.id]);
      });

      it("fills a batch past a full key with the next keys in rank order", async () => {
        const store = ctx.store();
        await enqueueMany(store, 5, () => ({ concurrencyKey: "a", priority: 3 }));
        const b = await enqueueOne(store, { concurrencyKey: "b", priority: 2 });
        const free = await enqueueOne(store, { concurrencyKey: null, priority: 1 });
        await enqueueOne(store, { concurrencyKey: "c", priority: 0 });
        const claimed = await claim(store, { limit: 3 });
        expect(claimed).toHaveLength(3);
        expect(claimed.filter((job) => job.concurrencyKey === "a")).toHaveLength(1);
        expect(ids(claimed)).toContain(b.id);
        expect(ids(claimed)).toContain(free.id);
      });

      it("a null key is unlimited", async () => {
        const store = ctx.store();
        await enqueueMany(store, 5, () => ({ concurrencyKey: null, concurrencyLimit: 1 }));
        expect(await claim(store, { limit: 10 })).toHaveLength(5);
      });

      it("frees the slot when the running job is released or retried", async () => {
        const store = ctx.store();
        await enqueueMany(store, 2, () => ({ concurrencyKey: "k" }));
        const first = await claimOne(store);
        expect(await claim(store)).toEqual([]);
        await store.finalize(
          [{ jobId: first.id, leaseToken: first.leaseToken!, outcome: { kind: "released" } }],
          T0 + 1,
        );
        const again = await claimOne(store, { now: T0 + 2 });
        const [applied] = await store.finalize(
          [
            {
              jobId: again.id,
              leaseToken: again.leaseToken!,
              outcome: { kind: "retrying", error: { name: "E", message: "x" }, runAt: T0 + 1_000 },
            },
          ],
          T0 + 3,
        );
        expect(applied).toBe(true);
        expect((await claimOne(store, { now: T0 + 4 })).state).toBe("running");
        expect((await mustGet(store, again.id)).state).toBe("retrying");
      });
    });
  });
}
