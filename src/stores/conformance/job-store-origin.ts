/**
 * @module stores/conformance/job-store-origin
 * Conformance of job origins and completion hooks (ports/job-store, "Origins" and "Completion
 * hooks"): the origin a job is given comes back on every read; (kind, id, key) is unique when
 * the key is set; the hook registered for a kind runs once per terminal transition of a job
 * of that kind, inside the finalize or cancel that made it — a failing hook rolls that call
 * back — and api jobs run no hook.
 *
 * Registering a hook is adapter-specific (a JS function on SQLite, SQL stages on PostgreSQL),
 * so the adapter's test file passes a `CompletionHookProbe` that registers, on the store under
 * test, a recording hook or a failing hook for a kind no store owns yet (`workflow`).
 */
import { describe, expect, it } from "vitest";
import { StoreError, ValidationError } from "../../core/errors.js";
import { API_ORIGIN, type JobOrigin } from "../../core/jobs/origin.js";
import type { Finalization, JobStore } from "../../ports/job-store.js";
import {
  type SuiteContext,
  T0,
  claim,
  claimOne,
  enqueueOne,
  expectKairosError,
  mustGet,
  newJob,
} from "./job-store-fixtures.js";

/** What a hook was told about one finished job. */
export interface HookCall {
  readonly jobId: string;
  readonly state: string;
  readonly origin: JobOrigin;
  readonly finishedAt: number;
}

/** How an adapter's test registers completion hooks on the store under test. */
export interface CompletionHookProbe {
  /**
   * Register on `store` a hook for `workflow` jobs that records each call; returns a reader of
   * the calls so far, in job id order.
   */
  recording(store: JobStore): () => Promise<HookCall[]>;
  /** Register on `store` a hook for `workflow` jobs that fails (throws, raises an error). */
  failing(store: JobStore): void;
}

const TASK: JobOrigin = { kind: "workflow", id: "run-1", key: "task-a" };
const DONE_AT = T0 + 5_000;

export function defineOriginTests(ctx: SuiteContext, probe: CompletionHookProbe): void {
  describe("origin", () => {
    it("gives a job without an origin the api origin, on every read", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store);
      expect(job.origin).toEqual(API_ORIGIN);
      expect((await mustGet(store, job.id)).origin).toEqual(API_ORIGIN);
      expect((await store.list({}))[0]?.origin).toEqual(API_ORIGIN);
      expect((await claimOne(store)).origin).toEqual(API_ORIGIN);
    });

    it("round-trips origins with and without id and key through every read", async () => {
      const store = ctx.store();
      const origins: JobOrigin[] = [
        TASK,
        { kind: "schedule", id: "7", key: null },
        { kind: "control", id: "req-1", key: null },
        { kind: "schedule", id: "8", key: String(T0) },
      ];
      const [a, b, c, d] = await store.enqueue(
        origins.map((origin) => newJob({ origin })),
        T0,
      );
      expect([a, b, c, d].map((o) => o!.job.origin)).toEqual(origins);
      for (const [i, outcome] of [a, b, c, d].entries()) {
        expect((await mustGet(store, outcome!.job.id)).origin).toEqual(origins[i]);
      }
      expect((await store.list({})).map((j) => j.origin)).toEqual([...origins].reverse());
      const claimed = await claim(store, { limit: 4 });
      expect(new Set(claimed.map((j) => JSON.stringify(j.origin)))).toEqual(
        new Set(origins.map((o) => JSON.stringify(o))),
      );
      const cancelled = await store.cancel(a!.job.id, T0 + 1);
      expect(cancelled.kind === "cancel_requested" && cancelled.job.origin).toEqual(TASK);
    });

    it("rejects an invalid origin with ValidationError and writes nothing", async () => {
      const store = ctx.store();
      const invalid = [
        { kind: "nope", id: null, key: null },
        { kind: "api", id: "x", key: null },
        { kind: "workflow", id: null, key: "k" },
        { kind: "workflow", id: "", key: null },
      ] as unknown as JobOrigin[];
      for (const origin of invalid) {
        await expectKairosError(
          store.enqueue([newJob(), newJob({ origin })], T0),
          ValidationError,
          "VALIDATION",
        );
      }
      expect(await store.list({})).toEqual([]);
    });

    it("keeps (kind, id, key) unique when the key is set; the whole call fails", async () => {
      const store = ctx.store();
      const first = await enqueueOne(store, { origin: TASK });
      const error = await store
        .enqueue([newJob(), newJob({ origin: TASK })], T0)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((await store.list({})).map((j) => j.id)).toEqual([first.id]);

      // Finished or not, the job holds its key while it exists.
      await store.cancel(first.id, T0);
      await expect(store.enqueue([newJob({ origin: TASK })], T0)).rejects.toBeInstanceOf(
        StoreError,
      );

      // Another key, id or kind, or no key at all, is free.
      await store.enqueue(
        [
          newJob({ origin: { ...TASK, key: "task-b" } }),
          newJob({ origin: { ...TASK, id: "run-2" } }),
          newJob({ origin: { ...TASK, kind: "control" } }),
          newJob({ origin: { ...TASK, key: null } }),
          newJob({ origin: { ...TASK, key: null } }),
        ],
        T0,
      );
      expect(await store.list({})).toHaveLength(6);
    });
  });

  describe("completion hooks", () => {
    const succeeded: Finalization = { kind: "succeeded", resultJson: "1" };

    it("tell the owner of a kind of each terminal finalization, once, in the call", async () => {
      const store = ctx.store();
      const calls = probe.recording(store);
      const outcomes: Finalization[] = [
        succeeded,
        { kind: "failed", error: { name: "Error", message: "boom" } },
        { kind: "timed_out", error: { name: "timeout", message: "late" } },
        { kind: "cancelled", error: { name: "cancelled", message: "stop" } },
      ];
      const jobs = await store.enqueue(
        outcomes.map((_, i) => newJob({ origin: { ...TASK, key: `t${i}` } })),
        T0,
      );
      const api = await enqueueOne(store);
      const running = await claim(store, { limit: 5 });
      const requests = running.map((job) => ({
        jobId: job.id,
        leaseToken: job.leaseToken!,
        outcome: job.id === api.id ? succeeded : outcomes[Number(job.origin.key!.slice(1))]!,
      }));
      // A duplicate in the batch does not apply and tells nobody again.
      expect(await store.finalize([...requests, requests[0]!], DONE_AT)).toEqual([
        ...requests.map(() => true),
        false,
      ]);
      expect(await calls()).toEqual(
        jobs.map((o, i) => ({
          jobId: o.job.id,
          state: outcomes[i]!.kind,
          origin: { ...TASK, key: `t${i}` },
          finishedAt: DONE_AT,
        })),
      );
    });

    it("are not told of a retry, a release or a finalization that did not apply", async () => {
      const store = ctx.store();
      const calls = probe.recording(store);
      const job = await enqueueOne(store, { origin: TASK });
      const first = await claimOne(store);
      await store.finalize(
        [
          {
            jobId: job.id,
            leaseToken: first.leaseToken!,
            outcome: { kind: "retrying", error: { name: "E", message: "x" }, runAt: T0 + 1 },
          },
        ],
        T0 + 1,
      );
      const second = await claimOne(store, { now: T0 + 1 });
      await store.finalize(
        [{ jobId: job.id, leaseToken: second.leaseToken!, outcome: { kind: "released" } }],
        T0 + 2,
      );
      expect(
        await store.finalize(
          [{ jobId: job.id, leaseToken: first.leaseToken!, outcome: succeeded }],
          T0 + 3,
        ),
      ).toEqual([false]);
      expect(await calls()).toEqual([]);
    });

    it("tell the owner of a pending job cancelled at once, not of a cancel request", async () => {
      const store = ctx.store();
      const calls = probe.recording(store);
      const pending = await enqueueOne(store, { origin: TASK });
      const running = await enqueueOne(store, { origin: { ...TASK, key: "task-b" } });
      expect((await store.cancel(pending.id, DONE_AT)).kind).toBe("cancelled");
      const claimed = await claimOne(store);
      expect(claimed.id).toBe(running.id);
      expect((await store.cancel(running.id, DONE_AT)).kind).toBe("cancel_requested");
      expect((await store.cancel(pending.id, DONE_AT + 1)).kind).toBe("already_finished");
      expect(await calls()).toEqual([
        { jobId: pending.id, state: "cancelled", origin: TASK, finishedAt: DONE_AT },
      ]);
    });

    it("a failing hook rolls the whole finalize batch back; api jobs run no hook", async () => {
      const store = ctx.store();
      probe.failing(store);
      const api = await enqueueOne(store);
      const task = await enqueueOne(store, { origin: TASK });
      const running = await claim(store, { limit: 2 });
      const requests = running.map((job) => ({
        jobId: job.id,
        leaseToken: job.leaseToken!,
        outcome: succeeded,
      }));
      await expect(store.finalize(requests, DONE_AT)).rejects.toThrow();
      for (const job of running) {
        expect(await mustGet(store, job.id)).toMatchObject({
          state: "running",
          leaseToken: job.leaseToken,
          finishedAt: null,
        });
      }
      // The api job alone finalizes: no hook runs for it.
      const apiRequest = requests.find((r) => r.jobId === api.id)!;
      expect(await store.finalize([apiRequest], DONE_AT)).toEqual([true]);
      expect((await mustGet(store, api.id)).state).toBe("succeeded");
      // A retry of the hooked job is not terminal: no hook, it applies.
      const taskRequest = requests.find((r) => r.jobId === task.id)!;
      expect(
        await store.finalize([{ ...taskRequest, outcome: { kind: "released" } }], DONE_AT),
      ).toEqual([true]);
    });

    it("a failing hook rolls a cancel back; an api job cancels", async () => {
      const store = ctx.store();
      probe.failing(store);
      const task = await enqueueOne(store, { origin: TASK });
      const api = await enqueueOne(store);
      await expect(store.cancel(task.id, DONE_AT)).rejects.toThrow();
      expect(await mustGet(store, task.id)).toEqual(task);
      expect((await store.cancel(api.id, DONE_AT)).kind).toBe("cancelled");
    });
  });
}
