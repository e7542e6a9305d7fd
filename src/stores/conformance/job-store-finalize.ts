/**
 * @module stores/conformance/job-store-finalize
 * Conformance of `JobStore.finalize`: every outcome kind is applied as stated, and only under
 * compare-and-set on (running, lease token) — the first terminal write wins, a late or
 * duplicate one is refused and changes nothing.
 */
import { describe, expect, it } from "vitest";
import type { Finalization, JobErrorInfo } from "../../ports/job-store.js";
import {
  T0,
  claim,
  claimOne,
  enqueueMany,
  enqueueOne,
  mustGet,
  type SuiteContext,
} from "./job-store-fixtures.js";

const BOOM: JobErrorInfo = {
  name: "TypeError",
  message: "boom",
  code: "E_BOOM",
  stack: "TypeError: boom\n    at handler (job.ts:1:1)",
};

export function defineFinalizeTests(ctx: SuiteContext): void {
  describe("finalize", () => {
    it("returns an empty array for an empty batch", async () => {
      expect(await ctx.store().finalize([], T0)).toEqual([]);
    });

    it("applies succeeded: result, finishedAt, lease cleared", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store);
      const resultJson = '{"sent":3,"to":["a","b"]}';
      const applied = await store.finalize(
        [
          {
            jobId: running.id,
            leaseToken: running.leaseToken!,
            outcome: { kind: "succeeded", resultJson },
          },
        ],
        T0 + 100,
      );
      expect(applied).toEqual([true]);
      expect(await mustGet(store, running.id)).toMatchObject({
        state: "succeeded",
        resultJson,
        error: null,
        attempt: 1,
        startedAt: T0,
        finishedAt: T0 + 100,
        leaseOwner: null,
        leaseToken: null,
        leaseExpiresAt: null,
      });
    });

    const failures: readonly (Finalization & { kind: "failed" | "timed_out" | "cancelled" })[] = [
      { kind: "failed", error: BOOM },
      { kind: "timed_out", error: { name: "timeout", message: "timed out", code: "JOB_TIMEOUT" } },
      { kind: "cancelled", error: { name: "cancelled", message: "cancelled by user" } },
    ];
    for (const outcome of failures) {
      it(`applies ${outcome.kind}: error, finishedAt, lease cleared`, async () => {
        const store = ctx.store();
        await enqueueOne(store);
        const running = await claimOne(store);
        const applied = await store.finalize(
          [{ jobId: running.id, leaseToken: running.leaseToken!, outcome }],
          T0 + 100,
        );
        expect(applied).toEqual([true]);
        const job = await mustGet(store, running.id);
        expect(job).toMatchObject({
          state: outcome.kind,
          resultJson: null,
          finishedAt: T0 + 100,
          leaseOwner: null,
          leaseToken: null,
          leaseExpiresAt: null,
        });
        expect(job.error).toEqual(outcome.error);
        // A finished job is never claimed again.
        expect(await claim(store, { limit: 10, now: T0 + 1_000_000 })).toEqual([]);
      });
    }

    it("stores an error without the optional code and stack", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store);
      const error: JobErrorInfo = { name: "worker_lost", message: "lease expired" };
      await store.finalize(
        [
          {
            jobId: running.id,
            leaseToken: running.leaseToken!,
            outcome: { kind: "failed", error },
          },
        ],
        T0 + 1,
      );
      const stored = (await mustGet(store, running.id)).error!;
      expect(stored.name).toBe("worker_lost");
      expect(stored.message).toBe("lease expired");
      expect(stored.code ?? undefined).toBeUndefined();
      expect(stored.stack ?? undefined).toBeUndefined();
    });

    it("applies retrying: error, new runAt, claimable only then, attempt counts up", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store);
      const applied = await store.finalize(
        [
          {
            jobId: running.id,
            leaseToken: running.leaseToken!,
            outcome: { kind: "retrying", error: BOOM, runAt: T0 + 5_000 },
          },
        ],
        T0 + 100,
      );
      expect(applied).toEqual([true]);
      const retrying = await mustGet(store, running.id);
      expect(retrying).toMatchObject({
        state: "retrying",
        runAt: T0 + 5_000,
        attempt: 1,
        finishedAt: null,
        leaseOwner: null,
        leaseToken: null,
        leaseExpiresAt: null,
      });
      expect(retrying.error).toEqual(BOOM);
      expect(await store.nextRunAt(["email"])).toBe(T0 + 5_000);

      expect(await claim(store, { limit: 10, now: T0 + 4_999 })).toEqual([]);
      const again = await claimOne(store, { now: T0 + 5_000 });
      expect(again.id).toBe(running.id);
      expect(again.attempt).toBe(2);
      expect(again.state).toBe("running");
      expect(again.leaseToken).not.toBe(running.leaseToken);
    });

    it("applies released: queued at once, the attempt not counted", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store);
      const applied = await store.finalize(
        [{ jobId: running.id, leaseToken: running.leaseToken!, outcome: { kind: "released" } }],
        T0 + 100,
      );
      expect(applied).toEqual([true]);
      expect(await mustGet(store, running.id)).toMatchObject({
        state: "queued",
        finishedAt: null,
        leaseOwner: null,
        leaseToken: null,
        leaseExpiresAt: null,
      });
      const again = await claimOne(store, { now: T0 + 100 });
      expect(again.id).toBe(running.id);
      expect(again.attempt).toBe(1);
    });

    const everyKind: readonly Finalization[] = [
      { kind: "succeeded", resultJson: "1" },
      { kind: "failed", error: BOOM },
      { kind: "timed_out", error: BOOM },
      { kind: "cancelled", error: BOOM },
      { kind: "retrying", error: BOOM, runAt: T0 + 1 },
      { kind: "released" },
    ];
    for (const outcome of everyKind) {
      it(`refuses ${outcome.kind} under a wrong lease token and changes nothing`, async () => {
        const store = ctx.store();
        await enqueueOne(store);
        const running = await claimOne(store);
        const applied = await store.finalize(
          [{ jobId: running.id, leaseToken: `${running.leaseToken!}-not-mine`, outcome }],
          T0 + 100,
        );
        expect(applied).toEqual([false]);
        expect(await mustGet(store, running.id)).toEqual(running);
      });
    }

    it("refuses an unknown job id", async () => {
      expect(
        await ctx
          .store()
          .finalize([{ jobId: "no-such-job", leaseToken: "t", outcome: { kind: "released" } }], T0),
      ).toEqual([false]);
    });

    it("has a single winner: a second finalization is refused, the first result stays", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store);
      const token = running.leaseToken!;
      const first = await store.finalize(
        [{ jobId: running.id, leaseToken: token, outcome: { kind: "succeeded", resultJson: "1" } }],
        T0 + 100,
      );
      const winner = await mustGet(store, running.id);
      const late: Finalization[] = [
        { kind: "succeeded", resultJson: "2" },
        { kind: "failed", error: BOOM },
        { kind: "retrying", error: BOOM, runAt: T0 + 1 },
        { kind: "released" },
      ];
      for (const outcome of late) {
        expect(
          await store.finalize([{ jobId: running.id, leaseToken: token, outcome }], T0 + 200),
        ).toEqual([false]);
      }
      expect(first).toEqual([true]);
      expect(await mustGet(store, running.id)).toEqual(winner);
      expect(winner).toMatchObject({ state: "succeeded", resultJson: "1", finishedAt: T0 + 100 });
    });

    it("returns one boolean per request, in order, for a mixed batch", async () => {
      const store = ctx.store();
      await enqueueMany(store, 3);
      const [a, b, c] = await claim(store, { limit: 3 });
      const queued = await enqueueOne(store);
      const applied = await store.finalize(
        [
          {
            jobId: a!.id,
            leaseToken: a!.leaseToken!,
            outcome: { kind: "succeeded", resultJson: "1" },
          },
          { jobId: b!.id, leaseToken: "wrong", outcome: { kind: "failed", error: BOOM } },
          { jobId: queued.id, leaseToken: "none", outcome: { kind: "failed", error: BOOM } },
          { jobId: c!.id, leaseToken: c!.leaseToken!, outcome: { kind: "failed", error: BOOM } },
          { jobId: a!.id, leaseToken: a!.leaseToken!, outcome: { kind: "failed", error: BOOM } },
          { jobId: "missing", leaseToken: "x", outcome: { kind: "released" } },
        ],
        T0 + 10,
      );
      expect(applied).toEqual([true, false, false, true, false, false]);
      expect((await mustGet(store, a!.id)).state).toBe("succeeded");
      expect((await mustGet(store, b!.id)).state).toBe("running");
      expect((await mustGet(store, queued.id)).state).toBe("queued");
      expect((await mustGet(store, c!.id)).state).toBe("failed");
    });

    it("refuses the old token after the job was claimed again", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const first = await claimOne(store, { workerId: "w1" });
      await store.finalize(
        [{ jobId: first.id, leaseToken: first.leaseToken!, outcome: { kind: "released" } }],
        T0 + 1,
      );
      const second = await claimOne(store, { workerId: "w2", now: T0 + 2 });
      expect(second.leaseToken).not.toBe(first.leaseToken);
      expect(
        await store.finalize(
          [
            {
              jobId: first.id,
              leaseToken: first.leaseToken!,
              outcome: { kind: "succeeded", resultJson: '"stale"' },
            },
          ],
          T0 + 3,
        ),
      ).toEqual([false]);
      expect(await mustGet(store, first.id)).toEqual(second);
      expect(
        await store.finalize(
          [
            {
              jobId: second.id,
              leaseToken: second.leaseToken!,
              outcome: { kind: "succeeded", resultJson: '"fresh"' },
            },
          ],
          T0 + 4,
        ),
      ).toEqual([true]);
      expect((await mustGet(store, first.id)).resultJson).toBe('"fresh"');
    });

    it("still applies under the token after the lease expired, while nobody took the job", async () => {
      // Recovery of expired leases is the runtime's decision (listExpired + finalize), not the
      // store's: an expired lease is still the compare-and-set token until someone finalizes.
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store, { leaseMs: 1_000 });
      expect(
        await store.finalize(
          [
            {
              jobId: running.id,
              leaseToken: running.leaseToken!,
              outcome: { kind: "failed", error: { name: "worker_lost", message: "lease expired" } },
            },
          ],
          T0 + 60_000,
        ),
      ).toEqual([true]);
      expect((await mustGet(store, running.id)).state).toBe("failed");
    });
  });
}
