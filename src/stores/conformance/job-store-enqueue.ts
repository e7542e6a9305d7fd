/**
 * @module stores/conformance/job-store-enqueue
 * Conformance of `JobStore.enqueue`: initial state by runAt, returned fields, batch order,
 * idempotency keys (hit vs conflict), bounded queues (`maxPending`), and the all-or-nothing
 * rule: on any error nothing from the call is stored.
 */
import { describe, expect, it } from "vitest";
import { ConflictError, QueueFullError } from "../../core/errors.js";
import {
  T0,
  claimOne,
  enqueueOne,
  expectKairosError,
  ids,
  mustGet,
  newJob,
  type SuiteContext,
} from "./job-store-fixtures.js";

export function defineEnqueueTests(ctx: SuiteContext): void {
  describe("enqueue", () => {
    it("stores a job due now as queued and a job due later as scheduled", async () => {
      const store = ctx.store();
      const [past, now, later] = await store.enqueue(
        [newJob({ runAt: T0 - 1 }), newJob({ runAt: T0 }), newJob({ runAt: T0 + 1 })],
        T0,
      );
      expect(past?.job.state).toBe("queued");
      expect(now?.job.state).toBe("queued");
      expect(later?.job.state).toBe("scheduled");
      expect((await mustGet(store, later!.job.id)).state).toBe("scheduled");
    });

    it("returns the stored job with every field set as for a fresh job", async () => {
      const store = ctx.store();
      const payloadJson = '{"a":[1,2,{"b":null}],"s":"h\\u00e9 \\"quoted\\""}';
      const [outcome] = await store.enqueue(
        [
          newJob({
            fn: "report",
            payloadJson,
            priority: 7,
            runAt: T0 + 5_000,
            maxAttempts: 4,
            idempotencyKey: "report:2024-01-01",
            concurrencyKey: "tenant-1",
            concurrencyLimit: 2,
          }),
        ],
        T0,
      );
      expect(outcome?.created).toBe(true);
      const job = outcome!.job;
      expect(typeof job.id).toBe("string");
      expect(job.id.length).toBeGreaterThan(0);
      expect(job).toMatchObject({
        fn: "report",
        state: "scheduled",
        attempt: 0,
        maxAttempts: 4,
        payloadJson,
        resultJson: null,
        error: null,
        progress: null,
        priority: 7,
        runAt: T0 + 5_000,
        idempotencyKey: "report:2024-01-01",
        concurrencyKey: "tenant-1",
        concurrencyLimit: 2,
        createdAt: T0,
        startedAt: null,
        finishedAt: null,
        leaseOwner: null,
        leaseExpiresAt: null,
        leaseToken: null,
        cancelRequestedAt: null,
      });
      expect(await store.get(job.id)).toEqual(job);
    });

    it("returns an empty array for an empty batch", async () => {
      expect(await ctx.store().enqueue([], T0)).toEqual([]);
    });

    it("inserts a batch in order and returns one outcome per job, in order", async () => {
      const store = ctx.store();
      const batch = [0, 1, 2, 3, 4].map((i) =>
        newJob({ fn: i % 2 === 0 ? "even" : "odd", payloadJson: `{"i":${i}}` }),
      );
      const outcomes = await store.enqueue(batch, T0);
      expect(outcomes.map((o) => [o.created, o.job.fn, o.job.payloadJson])).toEqual(
        batch.map((j) => [true, j.fn, j.payloadJson]),
      );
      expect(new Set(outcomes.map((o) => o.job.id)).size).toBe(5);
      // "In order": the store's own id order (list is newest first) follows the batch order.
      const listed = await store.list({});
      expect(ids(listed).reverse()).toEqual(outcomes.map((o) => o.job.id));
    });

    it("returns, for every job of a large mixed batch, the job a read returns, in batch order", async () => {
      const store = ctx.store();
      const held = await enqueueOne(store, { idempotencyKey: "held", payloadJson: '{"h":1}' });
      // 1,234 jobs: new ones in runs of many sizes, cut by keyed jobs (a key held before the
      // batch, a key first used in the batch and then repeated), bounded jobs of a function
      // first counted mid-batch, jobs due later, and other origins.
      const batch = Array.from({ length: 1_234 }, (_, i) => {
        const payloadJson = `{"i":${i}}`;
        if (i === 7) return newJob({ idempotencyKey: "held", payloadJson: '{"h":1}' });
        if (i === 150) return newJob({ idempotencyKey: "fresh", payloadJson: '{"f":1}' });
        if (i === 1_111) return newJob({ idempotencyKey: "fresh", payloadJson: '{"f":1}' });
        if (i >= 300 && i < 305) return newJob({ fn: "bounded", maxPending: 10, payloadJson });
        if (i % 97 === 0) {
          return newJob({ payloadJson, origin: { kind: "schedule", id: "s1", key: `k${i}` } });
        }
        return newJob({ payloadJson, runAt: i % 3 === 0 ? T0 + 1_000 : T0, priority: i % 5 });
      });
      const outcomes = await store.enqueue(batch, T0);
      expect(outcomes).toHaveLength(batch.length);
      expect(outcomes[7]).toEqual({ job: held, created: false });
      expect(outcomes[1_111]?.created).toBe(false);
      expect(outcomes[1_111]?.job).toEqual(outcomes[150]?.job);
      const created = outcomes.filter((o, i) => o.created && i !== 150);
      expect(created).toHaveLength(batch.length - 3);
      // Ids ascend in batch order, and each returned job is the stored one, field for field.
      const createdIds = outcomes.filter((o) => o.created).map((o) => Number(o.job.id));
      expect(createdIds).toEqual([...createdIds].sort((a, b) => a - b));
      for (const [i, outcome] of outcomes.entries()) {
        expect(outcome.job.payloadJson).toBe(batch[i]!.payloadJson);
        if (i % 50 === 0 || i === 150 || (i >= 295 && i < 310)) {
          expect(await store.get(outcome.job.id)).toEqual(outcome.job);
        }
      }
      expect(outcomes[3]?.job.state).toBe("scheduled");
      expect(outcomes[97]?.job.origin).toEqual({ kind: "schedule", id: "s1", key: "k97" });
    });

    describe("idempotency key", () => {
      it("returns the existing job, created false, for the same fn and payload", async () => {
        const store = ctx.store();
        const first = await enqueueOne(store, { idempotencyKey: "k1", payloadJson: '{"x":1}' });
        const [again] = await store.enqueue(
          [newJob({ idempotencyKey: "k1", payloadJson: '{"x":1}' })],
          T0 + 10,
        );
        expect(again?.created).toBe(false);
        expect(again?.job.id).toBe(first.id);
        expect(again?.job.createdAt).toBe(T0);
        expect(await store.list({})).toHaveLength(1);
      });

      it("matches a job created earlier in the same batch", async () => {
        const store = ctx.store();
        const outcomes = await store.enqueue(
          [newJob({ idempotencyKey: "k1" }), newJob({ idempotencyKey: "k1" })],
          T0,
        );
        expect(outcomes.map((o) => o.created)).toEqual([true, false]);
        expect(outcomes[1]?.job.id).toBe(outcomes[0]?.job.id);
        expect(await store.list({})).toHaveLength(1);
      });

      it("still returns the existing job after it has finished", async () => {
        const store = ctx.store();
        const first = await enqueueOne(store, { idempotencyKey: "k1" });
        const running = await claimOne(store);
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
        const [again] = await store.enqueue([newJob({ idempotencyKey: "k1" })], T0 + 2);
        expect(again?.created).toBe(false);
        expect(again?.job.id).toBe(first.id);
        expect(again?.job.state).toBe("succeeded");
        expect(await store.list({})).toHaveLength(1);
      });

      it("throws ConflictError for the same key with a different payload", async () => {
        const store = ctx.store();
        const first = await enqueueOne(store, { idempotencyKey: "k1", payloadJson: '{"x":1}' });
        const error = await expectKairosError(
          store.enqueue([newJob({ idempotencyKey: "k1", payloadJson: '{"x":2}' })], T0),
          ConflictError,
          "CONFLICT",
        );
        expect(error.existingJobId).toBe(first.id);
        expect(ids(await store.list({}))).toEqual([first.id]);
      });

      it("throws ConflictError for the same key with a different fn", async () => {
        const store = ctx.store();
        const first = await enqueueOne(store, { idempotencyKey: "k1", fn: "email" });
        await expectKairosError(
          store.enqueue([newJob({ idempotencyKey: "k1", fn: "sms" })], T0),
          ConflictError,
          "CONFLICT",
        );
        expect(ids(await store.list({}))).toEqual([first.id]);
      });

      it("rolls back the whole batch on a conflict", async () => {
        const store = ctx.store();
        const first = await enqueueOne(store, { idempotencyKey: "k1", payloadJson: '{"x":1}' });
        await expectKairosError(
          store.enqueue(
            [
              newJob({ payloadJson: '{"before":true}' }),
              newJob({ idempotencyKey: "k2" }),
              newJob({ idempotencyKey: "k1", payloadJson: '{"x":2}' }),
              newJob({ payloadJson: '{"after":true}' }),
            ],
            T0,
          ),
          ConflictError,
          "CONFLICT",
        );
        expect(ids(await store.list({}))).toEqual([first.id]);
        // k2 was not kept either: using it now creates a fresh job.
        const [k2] = await store.enqueue([newJob({ idempotencyKey: "k2" })], T0);
        expect(k2?.created).toBe(true);
      });

      it("detects a conflict between two jobs of the same batch", async () => {
        const store = ctx.store();
        await expectKairosError(
          store.enqueue(
            [
              newJob({ idempotencyKey: "k1", payloadJson: '{"x":1}' }),
              newJob({ idempotencyKey: "k1", payloadJson: '{"x":2}' }),
            ],
            T0,
          ),
          ConflictError,
          "CONFLICT",
        );
        expect(await store.list({})).toEqual([]);
      });
    });

    describe("maxPending", () => {
      it("throws QueueFullError once the function has maxPending pending jobs", async () => {
        const store = ctx.store();
        await enqueueOne(store, { maxPending: 2 });
        await enqueueOne(store, { maxPending: 2, runAt: T0 + 60_000 }); // scheduled counts too
        const error = await expectKairosError(
          store.enqueue([newJob({ maxPending: 2 })], T0),
          QueueFullError,
          "QUEUE_FULL",
        );
        expect(error.fn).toBe("email");
        expect(error.maxPending).toBe(2);
        expect(await store.list({})).toHaveLength(2);
      });

      it("counts only jobs of the same function", async () => {
        const store = ctx.store();
        await enqueueOne(store, { fn: "other" });
        await enqueueOne(store, { fn: "other" });
        await enqueueOne(store, { fn: "email", maxPending: 1 });
        await expectKairosError(
          store.enqueue([newJob({ fn: "email", maxPending: 1 })], T0),
          QueueFullError,
          "QUEUE_FULL",
        );
      });

      it("counts pending states only: a finished job frees room", async () => {
        const store = ctx.store();
        const first = await enqueueOne(store, { maxPending: 1 });
        await expectKairosError(
          store.enqueue([newJob({ maxPending: 1 })], T0),
          QueueFullError,
          "QUEUE_FULL",
        );
        expect((await store.cancel(first.id, T0 + 1)).kind).toBe("cancelled");
        const [second] = await store.enqueue([newJob({ maxPending: 1 })], T0 + 2);
        expect(second?.created).toBe(true);
      });

      it("does not count a running job (running is not pending)", async () => {
        const store = ctx.store();
        await enqueueOne(store, { maxPending: 1 });
        await claimOne(store);
        const [second] = await store.enqueue([newJob({ maxPending: 1 })], T0);
        expect(second?.created).toBe(true);
      });

      it("counts a retrying job as pending", async () => {
        const store = ctx.store();
        await enqueueOne(store, { maxPending: 1 });
        const running = await claimOne(store);
        const [applied] = await store.finalize(
          [
            {
              jobId: running.id,
              leaseToken: running.leaseToken!,
              outcome: {
                kind: "retrying",
                error: { name: "Error", message: "boom" },
                runAt: T0 + 60_000,
              },
            },
          ],
          T0 + 1,
        );
        expect(applied).toBe(true);
        await expectKairosError(
          store.enqueue([newJob({ maxPending: 1 })], T0 + 2),
          QueueFullError,
          "QUEUE_FULL",
        );
      });

      it("counts the batch's own earlier jobs and rolls the whole batch back", async () => {
        const store = ctx.store();
        const existing = await enqueueOne(store, { fn: "other" });
        await expectKairosError(
          store.enqueue(
            [newJob({ maxPending: 2 }), newJob({ maxPending: 2 }), newJob({ maxPending: 2 })],
            T0,
          ),
          QueueFullError,
          "QUEUE_FULL",
        );
        expect(ids(await store.list({}))).toEqual([existing.id]);
        // Two of them fit.
        const outcomes = await store.enqueue(
          [newJob({ maxPending: 2 }), newJob({ maxPending: 2 })],
          T0,
        );
        expect(outcomes.map((o) => o.created)).toEqual([true, true]);
      });

      it("is ignored when null", async () => {
        const store = ctx.store();
        const outcomes = await store.enqueue(
          Array.from({ length: 20 }, () => newJob({ maxPending: null })),
          T0,
        );
        expect(outcomes).toHaveLength(20);
      });
    });
  });
}
