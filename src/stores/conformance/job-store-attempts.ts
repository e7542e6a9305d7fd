/**
 * @module stores/conformance/job-store-attempts
 * Conformance of the attempt history (ports/job-store, "Attempt history"; `getAttempts`): every
 * finalization that applies records the attempt it ends, in order, with the worker and start
 * the claim wrote and the outcome and error of its end; the running attempt is listed from the
 * job row; a finalization that does not apply records nothing; a succeeded job's error is null;
 * retention deletes the records with their job.
 */
import { describe, expect, it } from "vitest";
import type { Finalization, JobErrorInfo, JobStore, StoredJob } from "../../ports/job-store.js";
import { T0, claimOne, enqueueOne, mustGet, type SuiteContext } from "./job-store-fixtures.js";

const BOOM: JobErrorInfo = { name: "TypeError", message: "boom", code: "E_BOOM" };
const LOST: JobErrorInfo = { name: "worker_lost", message: "lease expired", code: "WORKER_LOST" };
const TIMEOUT: JobErrorInfo = { name: "JobTimeoutError", message: "late", code: "JOB_TIMEOUT" };
const CANCELLED: JobErrorInfo = { name: "JobCancelledError", message: "cancelled" };

/** Finalize `job` (claimed) with `outcome` at `now`, expecting it to apply. */
async function end(
  store: JobStore,
  job: StoredJob,
  outcome: Finalization,
  now: number,
  workerLost = false,
): Promise<void> {
  const request = { jobId: job.id, leaseToken: job.leaseToken!, outcome };
  expect(await store.finalize([workerLost ? { ...request, workerLost } : request], now)).toEqual([
    true,
  ]);
}

const SUCCEEDED: Finalization = { kind: "succeeded", resultJson: "1" };

export function defineAttemptTests(ctx: SuiteContext): void {
  describe("attempt history", () => {
    it("records one succeeded attempt for a job that succeeds at once", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store, { workerId: "w1", now: T0 });
      await end(store, running, SUCCEEDED, T0 + 100);
      expect(await store.getAttempts(running.id)).toEqual([
        {
          attempt: 1,
          workerId: "w1",
          startedAt: T0,
          finishedAt: T0 + 100,
          outcome: "succeeded",
          error: null,
          durationMs: 100,
        },
      ]);
    });

    it("lists the running attempt from the job row, and nothing before the first claim", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store);
      expect(await store.getAttempts(job.id)).toEqual([]);
      await claimOne(store, { workerId: "w7", now: T0 + 3 });
      expect(await store.getAttempts(job.id)).toEqual([
        {
          attempt: 1,
          workerId: "w7",
          startedAt: T0 + 3,
          finishedAt: null,
          outcome: "running",
          error: null,
          durationMs: null,
        },
      ]);
    });

    it("keeps a retried attempt's error in its record and clears the job's error on success", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const first = await claimOne(store, { workerId: "w1", now: T0 });
      await end(store, first, { kind: "retrying", error: BOOM, runAt: T0 + 50 }, T0 + 10);
      expect((await mustGet(store, first.id)).error).toEqual(BOOM);
      const second = await claimOne(store, { workerId: "w2", now: T0 + 50 });
      await end(store, second, SUCCEEDED, T0 + 80);

      const job = await mustGet(store, first.id);
      expect(job).toMatchObject({ state: "succeeded", attempt: 2, error: null });
      const attempts = await store.getAttempts(first.id);
      expect(attempts.map((a) => [a.attempt, a.workerId, a.outcome, a.durationMs])).toEqual([
        [1, "w1", "retrying", 10],
        [2, "w2", "succeeded", 30],
      ]);
      expect(attempts[0]!.error).toEqual(BOOM);
      expect(attempts[1]!.error).toBeNull();
    });

    it("records worker_lost for a recovered attempt, then the attempt that succeeded", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const first = await claimOne(store, { workerId: "dead", now: T0 });
      await end(store, first, { kind: "retrying", error: LOST, runAt: T0 + 40 }, T0 + 40, true);
      const second = await claimOne(store, { workerId: "w2", now: T0 + 40 });
      await end(store, second, SUCCEEDED, T0 + 45);

      expect((await mustGet(store, first.id)).error).toBeNull();
      const attempts = await store.getAttempts(first.id);
      expect(attempts.map((a) => [a.attempt, a.workerId, a.outcome])).toEqual([
        [1, "dead", "worker_lost"],
        [2, "w2", "succeeded"],
      ]);
      expect(attempts[0]!.error).toEqual(LOST);
    });

    it("records worker_lost for a recovered attempt that fails the job for good", async () => {
      const store = ctx.store();
      await enqueueOne(store, { maxAttempts: 1 });
      const first = await claimOne(store, { workerId: "dead", now: T0 });
      await end(store, first, { kind: "failed", error: LOST }, T0 + 40, true);
      expect(await mustGet(store, first.id)).toMatchObject({ state: "failed", error: LOST });
      expect(await store.getAttempts(first.id)).toMatchObject([
        { attempt: 1, workerId: "dead", outcome: "worker_lost", error: LOST },
      ]);
    });

    it("records a timed-out attempt with its error", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store, { now: T0 });
      await end(store, running, { kind: "timed_out", error: TIMEOUT }, T0 + 500);
      expect(await store.getAttempts(running.id)).toMatchObject([
        { attempt: 1, outcome: "timed_out", error: TIMEOUT, finishedAt: T0 + 500, durationMs: 500 },
      ]);
    });

    it("records a cancelled attempt of a job cancelled while it ran", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store, { now: T0 });
      expect((await store.cancel(running.id, T0 + 5)).kind).toBe("cancel_requested");
      expect(await store.getAttempts(running.id)).toMatchObject([{ outcome: "running" }]);
      await end(store, running, { kind: "cancelled", error: CANCELLED }, T0 + 20);
      expect(await store.getAttempts(running.id)).toMatchObject([
        { attempt: 1, outcome: "cancelled", error: CANCELLED, finishedAt: T0 + 20 },
      ]);
    });

    it("records a released attempt, and the next attempt with the same number", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const first = await claimOne(store, { workerId: "w1", now: T0 });
      await end(store, first, { kind: "released" }, T0 + 10);
      // Reclaimed at the very instant it was released: the records still stay apart.
      const second = await claimOne(store, { workerId: "w2", now: T0 + 10 });
      expect(second.attempt).toBe(1);
      expect(await store.getAttempts(first.id)).toMatchObject([
        { attempt: 1, workerId: "w1", outcome: "released", error: null, durationMs: 10 },
        { attempt: 1, workerId: "w2", outcome: "running", finishedAt: null },
      ]);
      await end(store, second, SUCCEEDED, T0 + 10);
      expect((await store.getAttempts(first.id)).map((a) => [a.attempt, a.outcome])).toEqual([
        [1, "released"],
        [1, "succeeded"],
      ]);
    });

    it("records nothing for a finalization that does not apply", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store, { now: T0 });
      expect(
        await store.finalize(
          [{ jobId: running.id, leaseToken: "stale", outcome: { kind: "failed", error: BOOM } }],
          T0 + 1,
        ),
      ).toEqual([false]);
      await end(store, running, SUCCEEDED, T0 + 2);
      // A duplicate of the applied one.
      expect(
        await store.finalize(
          [{ jobId: running.id, leaseToken: running.leaseToken!, outcome: SUCCEEDED }],
          T0 + 3,
        ),
      ).toEqual([false]);
      expect((await store.getAttempts(running.id)).map((a) => a.outcome)).toEqual(["succeeded"]);
    });

    it("records each job's attempt in a batch", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      await enqueueOne(store);
      const a = await claimOne(store, { now: T0 });
      const b = await claimOne(store, { now: T0 });
      const applied = await store.finalize(
        [
          { jobId: a.id, leaseToken: a.leaseToken!, outcome: SUCCEEDED },
          { jobId: b.id, leaseToken: b.leaseToken!, outcome: { kind: "failed", error: BOOM } },
        ],
        T0 + 7,
      );
      expect(applied).toEqual([true, true]);
      expect(await store.getAttempts(a.id)).toMatchObject([{ outcome: "succeeded", error: null }]);
      expect(await store.getAttempts(b.id)).toMatchObject([{ outcome: "failed", error: BOOM }]);
    });

    it("gives no attempts for an unknown job", async () => {
      expect(await ctx.store().getAttempts("no-such-job")).toEqual([]);
      expect(await ctx.store().getAttempts("999999")).toEqual([]);
    });

    it("deletes a job's attempts with the job (retention), and keeps those of kept jobs", async () => {
      const store = ctx.store();
      await enqueueOne(store, { fn: "old" });
      await enqueueOne(store, { fn: "new" });
      const old = await claimOne(store, { fns: ["old"], now: T0 });
      await end(store, old, { kind: "retrying", error: BOOM, runAt: T0 }, T0 + 1);
      const again = await claimOne(store, { fns: ["old"], now: T0 + 1 });
      await end(store, again, SUCCEEDED, T0 + 2);
      const kept = await claimOne(store, { fns: ["new"], now: T0 + 100 });
      await end(store, kept, SUCCEEDED, T0 + 200);
      expect(await store.getAttempts(old.id)).toHaveLength(2);

      expect(await store.deleteFinishedJobs({ finishedBefore: T0 + 100, limit: 10 })).toBe(1);
      expect(await store.get(old.id)).toBeNull();
      expect(await store.getAttempts(old.id)).toEqual([]);
      expect(await store.getAttempts(kept.id)).toHaveLength(1);

      expect(
        await store.deleteFinishedJobs({ finishedBefore: T0 + 1_000, fn: "new", limit: 10 }),
      ).toBe(1);
      expect(await store.getAttempts(kept.id)).toEqual([]);
    });
  });
}
