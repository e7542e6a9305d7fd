/**
 * @module stores/conformance/job-store-finalize-batch
 * Conformance of a large `JobStore.finalize` batch of successes: each request is decided as if
 * the batch were applied one request at a time, in order (an adapter may write many requests
 * with one statement; SQLite does for runs of api successes, stores/sqlite/finalize-batch):
 * every result comes back byte for byte, every attempt is recorded once, a request under a
 * wrong token or a second one for a job is refused, and a job that is not an api job although
 * the request says so still runs its completion hook.
 */
import { describe, expect, it } from "vitest";
import type { FinalizeRequest, StoredJob } from "../../ports/job-store.js";
import type { CompletionHookProbe } from "./job-store-origin.js";
import { T0, claim, enqueueMany, mustGet, type SuiteContext } from "./job-store-fixtures.js";

/**
 * Results whose text a store must keep exactly: quotes, escapes, non-ASCII, a surrogate pair,
 * raw control characters, JSON's escapes of a NUL and of a lone surrogate. (A raw NUL or lone
 * surrogate is not storable text in either store and is not a handler's JSON.)
 */
const RESULTS: readonly string[] = [
  "null",
  '{"a":"quote \\" and backslash \\\\"}',
  '"caf\u00e9 \u2603"',
  '"emoji \ud83d\ude80"',
  '"escaped \\ud800 lone surrogate and \\u0000 NUL"',
  '"tab\tand\nnewline"',
  '[1,2.5,true,{"k":[]}]',
  '"x"',
];

const DONE_AT = T0 + 250;

function success(job: StoredJob, resultJson: string, token = job.leaseToken!): FinalizeRequest {
  return {
    jobId: job.id,
    leaseToken: token,
    outcome: { kind: "succeeded", resultJson },
    originKind: "api",
  };
}

export function defineFinalizeBatchTests(ctx: SuiteContext, probe: CompletionHookProbe): void {
  describe("finalize, a large batch of successes", () => {
    it("stores each job's own result exactly and records each attempt once", async () => {
      const store = ctx.store();
      await enqueueMany(store, RESULTS.length * 2);
      const running = await claim(store, { limit: RESULTS.length * 2, workerId: "w9" });
      const results = running.map((_, i) => RESULTS[i % RESULTS.length]!);
      const applied = await store.finalize(
        running.map((job, i) => success(job, results[i]!)),
        DONE_AT,
      );
      expect(applied).toEqual(running.map(() => true));
      for (const [i, job] of running.entries()) {
        expect(await mustGet(store, job.id)).toMatchObject({
          state: "succeeded",
          resultJson: results[i],
          finishedAt: DONE_AT,
          leaseToken: null,
          leaseOwner: null,
        });
        expect(await store.getAttempts(job.id)).toEqual([
          {
            attempt: 1,
            workerId: "w9",
            startedAt: T0,
            finishedAt: DONE_AT,
            outcome: "succeeded",
            error: null,
            durationMs: 250,
          },
        ]);
      }
    });

    it("decides each request as one at a time would: wrong token, repeat, wrong origin hint", async () => {
      const store = ctx.store();
      const calls = probe.recording(store);
      const origin = { kind: "workflow", id: "run-9", key: "task-z" } as const;
      await enqueueMany(store, 15, (n) => (n === 3 ? { origin } : {}));
      const jobs = [...(await claim(store, { limit: 15 }))].sort(
        (x, y) => Number(x.id) - Number(y.id),
      );
      const [a, b, c, task, d, e, f, g, h, i, j, k, l, s1, s2] = jobs as [
        StoredJob,
        StoredJob,
        StoredJob,
        StoredJob,
        StoredJob,
        StoredJob,
        StoredJob,
        StoredJob,
        StoredJob,
        StoredJob,
        StoredJob,
        StoredJob,
        StoredJob,
        StoredJob,
        StoredJob,
      ];
      // [job, result, applied, token (default: the job's), no origin hint]: the groups of
      // api successes are separated by requests without the hint, so an adapter that writes
      // such groups together meets a wrong origin hint, a stale token, a clean group and
      // repeats of jobs already finished in this batch.
      const plan: [StoredJob, string, boolean, string?, true?][] = [
        [a, "1", true],
        [c, "3", true],
        [d, "4", true],
        [task, "7", true],
        [e, "5", true],
        [s1, "14", true, undefined, true],
        [b, "2", false, `${b.leaseToken!}-stale`],
        [f, "6", true],
        [g, "8", true],
        [h, "9", true],
        [s2, "15", true, undefined, true],
        [i, "10", true],
        [j, "11", true],
        [k, "12", true],
        [l, "13", true],
        [i, "100", false],
        [c, "300", false],
        [b, "22", true],
      ];
      const requests = plan.map(([job, result, , token, noHint]) => {
        const request = success(job, result, token);
        return noHint ? { ...request, originKind: undefined } : request;
      });
      const applied = await store.finalize(requests, DONE_AT);
      expect(applied).toEqual(plan.map(([, , ok]) => ok));
      for (const [job, resultJson, ok] of plan) {
        if (!ok) continue;
        expect(await mustGet(store, job.id)).toMatchObject({ state: "succeeded", resultJson });
        expect((await store.getAttempts(job.id)).map((r) => r.outcome)).toEqual(["succeeded"]);
      }
      expect(await calls()).toEqual([
        { jobId: task.id, state: "succeeded", origin, finishedAt: DONE_AT },
      ]);
    });
  });
}
