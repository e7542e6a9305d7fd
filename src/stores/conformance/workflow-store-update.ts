/**
 * @module stores/conformance/workflow-store-update
 * Conformance of `updateRun`, the one transactional primitive: the snapshot `decide` sees, the
 * RunChange applied in order (cancelJobs, tasks, jobs, run), the task's jobId set for an
 * inserted job, no second job for an origin, outcome cleared on written tasks, needsPlan
 * cleared only when planned, all-or-nothing when `decide` throws, `unchanged`, `not_found`.
 */
import { describe, expect, it } from "vitest";
import type { RunSnapshot } from "../../ports/workflow-store.js";
import {
  T0,
  claimEtl,
  definition,
  mustGetRun,
  putWorkflow,
  queueTask,
  queuedWrite,
  runningRun,
  taskOf,
  tryJob,
  type WorkflowSuiteContext,
} from "./workflow-store-fixtures.js";

export function defineUpdateRunTests(ctx: WorkflowSuiteContext): void {
  describe("updateRun", () => {
    it("gives decide the run, every task and the tasks' jobs", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      const job = await queueTask(ctx, run.id, "extract", T0 + 1);
      let seen: RunSnapshot | null = null;
      const outcome = await store.updateRun(
        run.id,
        (snap) => {
          seen = snap;
          return null;
        },
        T0 + 2,
      );
      expect(outcome.kind).toBe("unchanged");
      const snap = seen as unknown as RunSnapshot;
      expect(snap.run.id).toBe(run.id);
      expect(snap.tasks.map((t) => t.taskId).sort()).toEqual(["extract", "load", "transform"]);
      expect([...snap.jobs.keys()]).toEqual([job.id]);
      expect(snap.jobs.get(job.id)).toEqual({
        id: job.id,
        state: job.state,
        startedAt: null,
        finishedAt: null,
        error: null,
        resultJson: null,
        cancelRequestedAt: null,
      });
    });

    it("writes the tasks, inserts their jobs (setting jobId) and updates the run", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      const outcome = await store.updateRun(
        run.id,
        (snap) => {
          const extract = snap.tasks.find((t) => t.taskId === "extract")!;
          return {
            tasks: [{ ...queuedWrite(extract, T0 + 5), note: "go" }],
            jobs: [{ taskId: "extract", job: tryJob(run.id, "extract", 1) }],
            run: { note: "started", nextPlanAt: T0 + 100, lastProgressAt: T0 + 5 },
            planned: true,
          };
        },
        T0 + 5,
      );
      expect(outcome.kind).toBe("applied");
      if (outcome.kind !== "applied") return;
      expect(outcome.run).toMatchObject({
        state: "running",
        note: "started",
        nextPlanAt: T0 + 100,
        lastProgressAt: T0 + 5,
        needsPlan: false,
        updatedAt: T0 + 5,
      });
      const detail = await mustGetRun(store, run.id);
      const extract = taskOf(detail, "extract");
      expect(extract).toMatchObject({
        state: "queued",
        tryNumber: 1,
        queuedAt: T0 + 5,
        note: "go",
        updatedAt: T0 + 5,
      });
      expect(extract.jobId).not.toBeNull();
      const job = await ctx.jobs().get(extract.jobId!);
      expect(job?.origin).toEqual({ kind: "workflow", id: run.id, key: "extract#1" });
      expect(detail.jobs.get(extract.jobId!)?.state).toBe(job?.state);
      expect(taskOf(detail, "load").updatedAt).toBe(T0);
    });

    it("does not insert a second job for an origin; the task points at the existing job", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      const job = await queueTask(ctx, run.id, "extract", T0 + 1);
      await store.updateRun(
        run.id,
        (snap) => ({
          tasks: [
            queuedWrite(
              snap.tasks.find((t) => t.taskId === "extract")!,
              T0 + 2,
              1,
            ),
          ],
          jobs: [{ taskId: "extract", job: tryJob(run.id, "extract", 1, { fn: "other" }) }],
          planned: true,
        }),
        T0 + 2,
      );
      const all = await ctx.jobs().list({});
      expect(all.map((j) => j.id)).toEqual([job.id]);
      expect(taskOf(await mustGetRun(store, run.id), "extract").jobId).toBe(job.id);
    });

    it("cancels jobs first: a pending job ends cancelled, a running one gets a cancel request", async () => {
      const store = ctx.workflows();
      const jobs = ctx.jobs();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      const running = await queueTask(ctx, run.id, "extract", T0 + 1);
      await claimEtl(jobs, T0 + 2, running.id);
      const pending = await queueTask(ctx, run.id, "transform", T0 + 3);
      await store.updateRun(
        run.id,
        (snap) => ({
          cancelJobs: [pending.id, running.id],
          // Written after the cancel: its outcome (set by the hook of the cancel) is cleared.
          tasks: [
            {
              ...queuedWrite(
                snap.tasks.find((t) => t.taskId === "transform")!,
                T0 + 4,
                1,
              ),
              state: "removed",
              jobId: pending.id,
            },
          ],
          planned: true,
        }),
        T0 + 4,
      );
      expect((await jobs.get(pending.id))?.state).toBe("cancelled");
      const stillRunning = await jobs.get(running.id);
      expect(stillRunning?.state).toBe("running");
      expect(stillRunning?.cancelRequestedAt).toBe(T0 + 4);
      const detail = await mustGetRun(store, run.id);
      expect(taskOf(detail, "transform")).toMatchObject({ state: "removed", outcome: null });
      expect(detail.needsPlan).toBe(false);
    });

    it("clears the outcome of a written task and needsPlan when planned", async () => {
      const store = ctx.workflows();
      const jobs = ctx.jobs();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      const job = await queueTask(ctx, run.id, "extract", T0 + 1);
      expect((await jobs.cancel(job.id, T0 + 2)).kind).toBe("cancelled");
      const before = await mustGetRun(store, run.id);
      expect(taskOf(before, "extract").outcome).toBe("cancelled");
      expect(before.needsPlan).toBe(true);
      await store.updateRun(
        run.id,
        (snap) => ({
          tasks: [
            {
              ...queuedWrite(
                snap.tasks.find((t) => t.taskId === "extract")!,
                T0 + 3,
                1,
              ),
              state: "failed",
              jobId: job.id,
            },
          ],
          planned: true,
        }),
        T0 + 3,
      );
      const after = await mustGetRun(store, run.id);
      expect(taskOf(after, "extract")).toMatchObject({
        state: "failed",
        outcome: null,
        jobId: job.id,
      });
      expect(after.needsPlan).toBe(false);
    });

    it("leaves needsPlan set when the change is not planned", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      expect(run.needsPlan).toBe(true);
      const outcome = await store.updateRun(
        run.id,
        () => ({ run: { note: "x" }, planned: false }),
        T0 + 1,
      );
      expect(outcome.kind === "applied" && outcome.run.needsPlan).toBe(true);
      expect((await store.getRun(run.id))?.needsPlan).toBe(true);
    });

    it("writes nothing when decide throws, and rethrows its error", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      const before = await mustGetRun(store, run.id);
      const boom = new Error("decide failed");
      await expect(
        store.updateRun(
          run.id,
          () => {
            throw boom;
          },
          T0 + 1,
        ),
      ).rejects.toThrow("decide failed");
      expect(await mustGetRun(store, run.id)).toEqual(before);
      expect(await ctx.jobs().list({})).toEqual([]);
    });

    it("writes nothing when decide returns null, and not_found for an unknown run", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      const outcome = await store.updateRun(run.id, () => null, T0 + 1);
      expect(outcome).toEqual({ kind: "unchanged", run });
      let called = false;
      expect(
        await store.updateRun(
          "999999",
          () => {
            called = true;
            return null;
          },
          T0,
        ),
      ).toEqual({ kind: "not_found" });
      expect(called).toBe(false);
    });

    it("serializes concurrent updates: the second decide sees the first's writes", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      const seen: (string | null)[] = [];
      const bump = () =>
        store.updateRun(
          run.id,
          (snap) => {
            seen.push(snap.run.note);
            return { run: { note: `${snap.run.note ?? ""}x` }, planned: false };
          },
          T0 + 1,
        );
      await Promise.all([bump(), bump()]);
      expect(seen).toEqual([null, "x"]);
      expect((await store.getRun(run.id))?.note).toBe("xx");
    });
  });
}
