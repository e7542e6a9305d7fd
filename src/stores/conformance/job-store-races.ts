/**
 * @module stores/conformance/job-store-races
 * Concurrent use of one store: claims issued at the same time never share a job, and
 * finalizations racing on one lease have exactly one winner. For an adapter with a
 * connection pool these calls really overlap; for a synchronous one they interleave at awaits.
 */
import { describe, expect, it } from "vitest";
import type { JobStore, StoredJob } from "../../ports/job-store.js";
import {
  T0,
  claim,
  claimOne,
  enqueueOne,
  ids,
  mustGet,
  newJob,
  type SuiteContext,
} from "./job-store-fixtures.js";

/** Claim in small batches until nothing is left; returns everything this worker got. */
async function drain(store: JobStore, workerId: string): Promise<StoredJob[]> {
  const got: StoredJob[] = [];
  for (;;) {
    const batch = await claim(store, { workerId, limit: 7 });
    if (batch.length === 0) return got;
    got.push(...batch);
  }
}

export function defineRaceTests(ctx: SuiteContext): void {
  describe("races", () => {
    it("two workers claiming concurrently from 100 jobs never get the same job", async () => {
      const store = ctx.store();
      const created = await store.enqueue(
        Array.from({ length: 100 }, (_, i) => newJob({ payloadJson: `{"i":${i}}` })),
        T0,
      );
      const [w1, w2, w3] = await Promise.all([
        drain(store, "w1"),
        drain(store, "w2"),
        claim(store, { workerId: "w3", limit: 100 }),
      ]);
      const all = [...w1, ...w2, ...w3];
      expect(all).toHaveLength(100);
      expect(new Set(ids(all)).size).toBe(100);
      expect(new Set(ids(all))).toEqual(new Set(created.map((o) => o.job.id)));
      for (const [worker, jobs] of [
        ["w1", w1],
        ["w2", w2],
        ["w3", w3],
      ] as const) {
        for (const job of jobs) expect(job.leaseOwner).toBe(worker);
      }
      expect(new Set(all.map((job) => job.leaseToken)).size).toBe(100);
    });

    it("concurrent claims never exceed a per-key limit", async () => {
      const store = ctx.store();
      await store.enqueue(
        Array.from({ length: 30 }, (_, i) =>
          newJob({ concurrencyKey: `k${i % 3}`, concurrencyLimit: 2 }),
        ),
        T0,
      );
      const batches = await Promise.all(
        Array.from({ length: 6 }, (_, i) => claim(store, { workerId: `w${i}`, limit: 4 })),
      );
      const all = batches.flat();
      expect(new Set(ids(all)).size).toBe(all.length);
      for (const key of ["k0", "k1", "k2"]) {
        expect(all.filter((job) => job.concurrencyKey === key)).toHaveLength(2);
      }
    });

    it("two finalizations of one job with the same token: exactly one applies", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store);
      const token = running.leaseToken!;
      const [first, second] = await Promise.all([
        store.finalize(
          [
            {
              jobId: running.id,
              leaseToken: token,
              outcome: { kind: "succeeded", resultJson: '"a"' },
            },
          ],
          T0 + 1,
        ),
        store.finalize(
          [
            {
              jobId: running.id,
              leaseToken: token,
              outcome: { kind: "failed", error: { name: "E", message: "b" } },
            },
          ],
          T0 + 2,
        ),
      ]);
      expect([first[0], second[0]].filter(Boolean)).toHaveLength(1);
      const stored = await mustGet(store, running.id);
      if (first[0] === true) {
        expect(stored).toMatchObject({ state: "succeeded", resultJson: '"a"', finishedAt: T0 + 1 });
      } else {
        expect(stored).toMatchObject({ state: "failed", finishedAt: T0 + 2 });
      }
    });

    it("a cancel racing a finalization leaves one consistent outcome", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store);
      const [cancel, applied] = await Promise.all([
        store.cancel(running.id, T0 + 1),
        store.finalize(
          [
            {
              jobId: running.id,
              leaseToken: running.leaseToken!,
              outcome: { kind: "succeeded", resultJson: "1" },
            },
          ],
          T0 + 1,
        ),
      ]);
      expect(applied).toEqual([true]);
      expect(["cancel_requested", "already_finished"]).toContain(cancel.kind);
      expect((await mustGet(store, running.id)).state).toBe("succeeded");
    });
  });
}
