/**
 * @module stores/conformance/job-store-retention
 * Conformance of `deleteFinishedJobs`: only finished jobs (succeeded, failed, cancelled,
 * timed_out) that finished before the cutoff go, with their log lines; never a pending,
 * running or retrying job; at most `limit` per call; `fn` and `excludeFns` select functions.
 *
 * A stopped job cannot be made through the port (no stop method yet), so "stopped jobs are
 * never deleted" is checked by each adapter's own tests, which write the state directly.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.js";
import type { JobStore, StoredJob } from "../../ports/job-store.js";
import {
  T0,
  claimOne,
  enqueueOne,
  expectKairosError,
  LEASE_MS,
  type SuiteContext,
} from "./job-store-fixtures.js";

const DAY = 86_400_000;
const ERROR = { name: "Error", message: "boom" };

type Ending = "succeeded" | "failed" | "timed_out" | "cancelled";

/** Enqueue a job of `fn` and bring it to `ending` at `finishedAt`; it gets one log line. */
async function finished(
  store: JobStore,
  fn: string,
  ending: Ending,
  finishedAt: number,
  overrides: { idempotencyKey?: string } = {},
): Promise<StoredJob> {
  const job = await enqueueOne(
    store,
    { fn, runAt: finishedAt - 10, ...overrides },
    finishedAt - 10,
  );
  if (ending === "cancelled") {
    expect((await store.cancel(job.id, finishedAt)).kind).toBe("cancelled");
  } else {
    const running = await claimOne(store, { fns: [fn], now: finishedAt - 5 });
    expect(running.id).toBe(job.id);
    const outcome =
      ending === "succeeded"
        ? { kind: "succeeded" as const, resultJson: "1" }
        : { kind: ending, error: ERROR };
    expect(
      await store.finalize(
        [{ jobId: job.id, leaseToken: running.leaseToken!, outcome }],
        finishedAt,
      ),
    ).toEqual([true]);
  }
  await store.appendLogs([
    { jobId: job.id, attempt: 1, at: finishedAt, level: "info", message: "x" },
  ]);
  const stored = await store.get(job.id);
  expect(stored).toMatchObject({ state: ending, finishedAt });
  return stored!;
}

/** Delete in batches of `limit` until a call deletes fewer; returns the per-call counts. */
async function drain(
  store: JobStore,
  deletion: { finishedBefore: number; fn?: string; excludeFns?: string[] },
  limit: number,
): Promise<number[]> {
  const counts: number[] = [];
  for (;;) {
    const n = await store.deleteFinishedJobs({ ...deletion, limit });
    counts.push(n);
    if (n < limit) return counts;
  }
}

async function remainingIds(store: JobStore): Promise<string[]> {
  return (await store.list({ limit: 10_000 })).map((job) => job.id).sort();
}

export function defineRetentionTests(ctx: SuiteContext): void {
  describe("deleteFinishedJobs", () => {
    it("deletes every terminal state finished before the cutoff, with its log lines", async () => {
      const store = ctx.store();
      const cutoff = T0 + 10 * DAY;
      const old: StoredJob[] = [];
      for (const ending of ["succeeded", "failed", "timed_out", "cancelled"] as const) {
        old.push(await finished(store, "email", ending, cutoff - DAY));
      }
      const atCutoff = await finished(store, "email", "succeeded", cutoff);
      const recent = await finished(store, "email", "failed", cutoff + DAY);

      expect(await store.deleteFinishedJobs({ finishedBefore: cutoff, limit: 100 })).toBe(4);
      for (const job of old) {
        expect(await store.get(job.id)).toBeNull();
        expect(await store.getLogs(job.id)).toEqual([]);
      }
      expect(await remainingIds(store)).toEqual([atCutoff.id, recent.id].sort());
      expect(await store.getLogs(atCutoff.id)).toHaveLength(1);
      expect(await store.deleteFinishedJobs({ finishedBefore: cutoff, limit: 100 })).toBe(0);
    });

    it("never deletes a scheduled, queued, running or retrying job, however old", async () => {
      const store = ctx.store();
      const scheduled = await enqueueOne(store, { fn: "later", runAt: T0 + DAY }, T0);
      const queued = await enqueueOne(store, { fn: "idle" }, T0);
      await enqueueOne(store, { fn: "busy" }, T0);
      const running = await claimOne(store, { fns: ["busy"], now: T0 });
      await enqueueOne(store, { fn: "flaky" }, T0);
      const retrying = await claimOne(store, { fns: ["flaky"], now: T0 });
      await store.finalize(
        [
          {
            jobId: retrying.id,
            leaseToken: retrying.leaseToken!,
            outcome: { kind: "retrying", error: ERROR, runAt: T0 + 365 * DAY },
          },
        ],
        T0 + 1,
      );
      const done = await finished(store, "idle", "succeeded", T0 + 2);

      const far = T0 + 1000 * DAY;
      expect(await store.deleteFinishedJobs({ finishedBefore: far, limit: 100 })).toBe(1);
      for (const fn of ["later", "idle", "busy", "flaky"]) {
        expect(await store.deleteFinishedJobs({ finishedBefore: far, fn, limit: 100 })).toBe(0);
      }
      expect(await store.get(done.id)).toBeNull();
      expect(await remainingIds(store)).toEqual(
        [scheduled.id, queued.id, running.id, retrying.id].sort(),
      );
      expect((await store.get(running.id))?.state).toBe("running");
    });

    it("deletes at most `limit` per call, so a caller drains in batches", async () => {
      const store = ctx.store();
      for (let i = 0; i < 7; i += 1) await finished(store, "email", "succeeded", T0 + i);
      const kept = await finished(store, "email", "succeeded", T0 + DAY);
      expect(await drain(store, { finishedBefore: T0 + 100 }, 3)).toEqual([3, 3, 1]);
      expect(await remainingIds(store)).toEqual([kept.id]);
      expect(await store.deleteFinishedJobs({ finishedBefore: T0 + 2 * DAY, limit: 0 })).toBe(0);
      expect(await remainingIds(store)).toEqual([kept.id]);
    });

    it("fills a batch across functions when no fn is given", async () => {
      const store = ctx.store();
      for (const fn of ["a", "b", "c", "d"]) {
        for (let i = 0; i < 2; i += 1) await finished(store, fn, "succeeded", T0 + i);
      }
      expect(await drain(store, { finishedBefore: T0 + DAY }, 3)).toEqual([3, 3, 2]);
      expect(await remainingIds(store)).toEqual([]);
    });

    it("selects one function with `fn`, and leaves out `excludeFns`", async () => {
      const store = ctx.store();
      const jobs = new Map<string, StoredJob[]>();
      for (const fn of ["audit", "email", "report", "sync"]) {
        jobs.set(fn, [
          await finished(store, fn, "succeeded", T0),
          await finished(store, fn, "failed", T0 + 1),
        ]);
      }
      const idsOf = (...fns: string[]) => fns.flatMap((fn) => jobs.get(fn)!.map((j) => j.id));
      const cutoff = T0 + DAY;

      expect(await drain(store, { finishedBefore: cutoff, fn: "report" }, 1)).toEqual([1, 1, 0]);
      expect(await remainingIds(store)).toEqual(idsOf("audit", "email", "sync").sort());

      // A function both selected and excluded: nothing.
      expect(
        await store.deleteFinishedJobs({
          finishedBefore: cutoff,
          fn: "email",
          excludeFns: ["email"],
          limit: 10,
        }),
      ).toBe(0);

      // The global pass leaves the excluded functions alone, however old their jobs.
      expect(
        await drain(store, { finishedBefore: cutoff, excludeFns: ["audit", "sync", "none"] }, 1),
      ).toEqual([1, 1, 0]);
      expect(await remainingIds(store)).toEqual(idsOf("audit", "sync").sort());
      expect(
        await store.deleteFinishedJobs({ finishedBefore: cutoff, fn: "nothing-here", limit: 10 }),
      ).toBe(0);
    });

    it("frees a deleted job's idempotency key", async () => {
      const store = ctx.store();
      const old = await finished(store, "email", "succeeded", T0, { idempotencyKey: "k" });
      expect(await store.deleteFinishedJobs({ finishedBefore: T0 + 1, limit: 10 })).toBe(1);
      const [again] = await store.enqueue(
        [
          {
            fn: "email",
            payloadJson: "{}",
            priority: 0,
            runAt: T0 + 2,
            maxAttempts: 1,
            idempotencyKey: "k",
            concurrencyKey: null,
            concurrencyLimit: 1,
            backoff: { type: "fixed" as const, delayMs: 0 },
            timeoutMs: 0,
            maxPending: null,
          },
        ],
        T0 + 2,
      );
      expect(again?.created).toBe(true);
      expect(again?.job.id).not.toBe(old.id);
    });

    it("keeps running and finishing other jobs between batches", async () => {
      const store = ctx.store();
      for (let i = 0; i < 4; i += 1) await finished(store, "email", "succeeded", T0 + i);
      await enqueueOne(store, { fn: "email" }, T0 + 10);
      expect(await store.deleteFinishedJobs({ finishedBefore: T0 + 100, limit: 2 })).toBe(2);
      const running = await claimOne(store, { now: T0 + 20, leaseMs: LEASE_MS });
      expect(await store.deleteFinishedJobs({ finishedBefore: T0 + 100, limit: 2 })).toBe(2);
      expect(
        await store.finalize(
          [
            {
              jobId: running.id,
              leaseToken: running.leaseToken!,
              outcome: { kind: "succeeded", resultJson: "2" },
            },
          ],
          T0 + 30,
        ),
      ).toEqual([true]);
      expect(await store.deleteFinishedJobs({ finishedBefore: T0 + 100, limit: 2 })).toBe(1);
      expect(await remainingIds(store)).toEqual([]);
    });

    it("rejects malformed arguments with ValidationError and deletes nothing", async () => {
      const store = ctx.store();
      const job = await finished(store, "email", "succeeded", T0);
      const bad = [
        { finishedBefore: Number.NaN, limit: 10 },
        { finishedBefore: T0 + 1, limit: -1 },
        { finishedBefore: T0 + 1, limit: 1.5 },
        { finishedBefore: T0 + 1, limit: 1_000_000 },
        { finishedBefore: T0 + 1, limit: 10, excludeFns: "email" as unknown as string[] },
      ];
      for (const deletion of bad) {
        await expectKairosError(store.deleteFinishedJobs(deletion), ValidationError, "VALIDATION");
      }
      expect(await store.get(job.id)).not.toBeNull();
    });
  });
}
