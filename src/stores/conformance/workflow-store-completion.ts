/**
 * @module stores/conformance/workflow-store-completion
 * Conformance of the `workflow` completion hook: a task try's job reaching a terminal state
 * (JobStore.finalize, JobStore.cancel of a pending job) sets that task's `outcome` and the
 * run's needsPlan and lastProgressAt in the same transaction; nothing when the task has moved
 * on to another job; a job of a run that does not exist finishes normally.
 */
import { describe, expect, it } from "vitest";
import type { Finalization } from "../../ports/job-store.js";
import {
  T0,
  claimEtl,
  definition,
  mustGetRun,
  putWorkflow,
  queueTask,
  runningRun,
  taskOf,
  tryJob,
  type WorkflowSuiteContext,
} from "./workflow-store-fixtures.js";

const DONE_AT = T0 + 1000;

export function defineCompletionHookTests(ctx: WorkflowSuiteContext): void {
  describe("completion hook", () => {
    const terminal: readonly (Finalization & { kind: "succeeded" | "failed" | "timed_out" })[] = [
      { kind: "succeeded", resultJson: '{"rows":3}' },
      { kind: "failed", error: { name: "Error", message: "boom" } },
      { kind: "timed_out", error: { name: "timeout", message: "timed out", code: "JOB_TIMEOUT" } },
    ];
    for (const finalization of terminal) {
      it(`records a ${finalization.kind} job as the task's outcome and flags the run`, async () => {
        const store = ctx.workflows();
        const jobs = ctx.jobs();
        await putWorkflow(store);
        const run = await runningRun(store, definition(), T0);
        const job = await queueTask(ctx, run.id, "extract", T0 + 1);
        const before = await mustGetRun(store, run.id);
        expect(before.needsPlan).toBe(false);
        const claimed = await claimEtl(jobs, T0 + 2, job.id);
        expect(
          await jobs.finalize(
            [{ jobId: job.id, leaseToken: claimed.leaseToken, outcome: finalization }],
            DONE_AT,
          ),
        ).toEqual([true]);
        const after = await mustGetRun(store, run.id);
        expect(taskOf(after, "extract")).toMatchObject({
          outcome: finalization.kind,
          state: "queued",
        });
        expect(after.needsPlan).toBe(true);
        expect(after.lastProgressAt).toBe(DONE_AT);
        expect(taskOf(after, "load").outcome).toBeNull();
      });
    }

    it("records a pending job cancelled through the job store", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      const job = await queueTask(ctx, run.id, "extract", T0 + 1);
      expect((await ctx.jobs().cancel(job.id, DONE_AT)).kind).toBe("cancelled");
      const after = await mustGetRun(store, run.id);
      expect(taskOf(after, "extract").outcome).toBe("cancelled");
      expect(after.needsPlan).toBe(true);
      expect(after.lastProgressAt).toBe(DONE_AT);
    });

    it("records nothing for a retry of the job", async () => {
      const store = ctx.workflows();
      const jobs = ctx.jobs();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      // A job with two attempts: its first failure is a job-level retry, not terminal.
      await store.updateRun(
        run.id,
        () => ({
          jobs: [{ taskId: "extract", job: tryJob(run.id, "extract", 1, { maxAttempts: 2 }) }],
          planned: true,
        }),
        T0 + 1,
      );
      const jobId = taskOf(await mustGetRun(store, run.id), "extract").jobId!;
      const claimed = await claimEtl(jobs, T0 + 2, jobId);
      await jobs.finalize(
        [
          {
            jobId,
            leaseToken: claimed.leaseToken,
            outcome: { kind: "retrying", error: { name: "Error", message: "x" }, runAt: T0 + 3 },
          },
        ],
        T0 + 2,
      );
      const after = await mustGetRun(store, run.id);
      expect(taskOf(after, "extract").outcome).toBeNull();
      expect(after.needsPlan).toBe(false);
    });

    it("does nothing when the task's jobId is another job", async () => {
      const store = ctx.workflows();
      const jobs = ctx.jobs();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      const first = await queueTask(ctx, run.id, "extract", T0 + 1);
      const second = await queueTask(ctx, run.id, "extract", T0 + 2);
      expect(second.id).not.toBe(first.id);
      expect((await jobs.cancel(first.id, DONE_AT)).kind).toBe("cancelled");
      const after = await mustGetRun(store, run.id);
      expect(taskOf(after, "extract")).toMatchObject({ jobId: second.id, outcome: null });
      expect(after.needsPlan).toBe(false);
      expect(after.lastProgressAt).not.toBe(DONE_AT);
    });

    it("finishes a workflow job whose run does not exist", async () => {
      const jobs = ctx.jobs();
      const [outcome] = await jobs.enqueue([tryJob("424242", "extract", 1)], T0);
      expect((await jobs.cancel(outcome!.job.id, DONE_AT)).kind).toBe("cancelled");
      expect((await jobs.get(outcome!.job.id))?.state).toBe("cancelled");
    });
  });
}
