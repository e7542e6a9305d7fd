/**
 * @module stores/conformance/workflow-store-queries
 * Conformance of the planner's and reapers' queries and the read API: runsToPlan, nextPlanAt,
 * taskContext, stalledRuns, queuedTasksBefore, listRuns (filters, paging by `before`).
 */
import { describe, expect, it } from "vitest";
import { API_ORIGIN } from "../../core/jobs/origin.js";
import {
  HOUR,
  T0,
  claimEtl,
  createRun,
  definition,
  putWorkflow,
  queueTask,
  runningRun,
  succeedJob,
  tryJob,
  type WorkflowSuiteContext,
} from "./workflow-store-fixtures.js";

export function defineQueryTests(ctx: WorkflowSuiteContext): void {
  describe("queries", () => {
    it("lists running runs to plan: needsPlan set or nextPlanAt due", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const def = definition();
      const flagged = await runningRun(store, def, T0);
      const timed = await runningRun(store, def, T0 + HOUR);
      const quiet = await runningRun(store, def, T0 + 2 * HOUR);
      const queued = await createRun(store, def, T0 + 3 * HOUR);
      await store.updateRun(
        timed.id,
        () => ({ run: { nextPlanAt: T0 + 50 }, planned: true }),
        T0 + 1,
      );
      await store.updateRun(
        quiet.id,
        () => ({ run: { nextPlanAt: T0 + 500 }, planned: true }),
        T0 + 1,
      );
      expect((await store.runsToPlan(T0 + 10, 10)).sort()).toEqual([flagged.id]);
      expect((await store.runsToPlan(T0 + 50, 10)).sort()).toEqual([flagged.id, timed.id].sort());
      expect(await store.runsToPlan(T0 + 50, 1)).toHaveLength(1);
      expect(await store.nextPlanAt()).toBe(T0 + 50);
      // A finished run is never planned, whatever its flags say.
      await store.updateRun(
        flagged.id,
        () => ({ run: { state: "failed", finishedAt: T0 + 2 }, planned: false }),
        T0 + 2,
      );
      expect(await store.runsToPlan(T0 + 10, 10)).toEqual([]);
      expect((await store.runsToPlan(T0 + 500, 10)).includes(queued.id)).toBe(false);
      await store.updateRun(timed.id, () => ({ run: { nextPlanAt: null }, planned: true }), T0 + 3);
      expect(await store.nextPlanAt()).toBe(T0 + 500);
    });

    it("gives a task's context: its run and its direct upstreams' results", async () => {
      const store = ctx.workflows();
      const jobs = ctx.jobs();
      await putWorkflow(store, {
        tasks: [
          { id: "a", fn: "etl" },
          { id: "b", fn: "etl" },
          { id: "c", fn: "etl", dependsOn: ["a", "b"] },
          { id: "d", fn: "etl", dependsOn: ["c"] },
        ],
      });
      const def = (await store.getWorkflow("etl"))!.definition;
      const run = await runningRun(store, def, T0);
      const a = await queueTask(ctx, run.id, "a", T0 + 1);
      await succeedJob(jobs, a.id, T0 + 2, '{"rows":3}');
      const c = await queueTask(ctx, run.id, "c", T0 + 3);
      const context = await store.taskContext(c.id);
      expect(context).not.toBeNull();
      expect(context!.taskId).toBe("c");
      expect(context!.run.id).toBe(run.id);
      expect(context!.upstreamResults).toEqual({ a: { rows: 3 }, b: null });
      expect(await store.taskContext(a.id)).toMatchObject({ taskId: "a", upstreamResults: {} });
      const [api] = await jobs.enqueue([{ ...tryJob(run.id, "c", 9), origin: API_ORIGIN }], T0);
      expect(await store.taskContext(api!.job.id)).toBeNull();
      expect(await store.taskContext("999999")).toBeNull();
    });

    it("lists stalled running runs (lastProgressAt before the cutoff)", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const def = definition();
      const old = await runningRun(store, def, T0, T0);
      const fresh = await runningRun(store, def, T0 + HOUR, T0 + 100);
      await store.updateRun(
        fresh.id,
        () => ({ run: { lastProgressAt: T0 + 100 }, planned: true }),
        T0 + 100,
      );
      await createRun(store, def, T0 + 2 * HOUR, T0);
      expect(await store.stalledRuns(T0 + 50, 10)).toEqual([old.id]);
      expect((await store.stalledRuns(T0 + 101, 10)).sort()).toEqual([old.id, fresh.id].sort());
      expect(await store.stalledRuns(T0 + 101, 1)).toHaveLength(1);
    });

    it("lists tasks queued before the cutoff whose job never started", async () => {
      const store = ctx.workflows();
      const jobs = ctx.jobs();
      await putWorkflow(store);
      const run = await runningRun(store, definition(), T0);
      const started = await queueTask(ctx, run.id, "extract", T0 + 1);
      await claimEtl(jobs, T0 + 1, started.id);
      const waiting = await queueTask(ctx, run.id, "transform", T0 + 2);
      await queueTask(ctx, run.id, "load", T0 + 100);
      expect(await store.queuedTasksBefore(T0 + 50, 10)).toEqual([
        { runId: run.id, taskId: "transform", jobId: waiting.id, queuedAt: T0 + 2 },
      ]);
      expect(await store.queuedTasksBefore(T0 + 2, 10)).toEqual([]);
    });

    it("lists runs newest logical date first, filtered by workflow and state, paged by before", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      await putWorkflow(store, { name: "other" });
      const def = definition();
      const r0 = await createRun(store, def, T0);
      const r1 = await createRun(store, def, T0 + HOUR);
      const r2 = await createRun(store, def, T0 + 2 * HOUR);
      const o = await createRun(store, definition({ name: "other" }), T0 + 5 * HOUR);
      const started = await store.startQueuedRuns("etl", T0 + 1);
      expect(started).toHaveLength(3);
      const ids = (runs: readonly { id: string }[]) => runs.map((r) => r.id);
      expect(ids(await store.listRuns())).toEqual([o.id, r2.id, r1.id, r0.id]);
      expect(ids(await store.listRuns({ workflow: "etl" }))).toEqual([r2.id, r1.id, r0.id]);
      expect(ids(await store.listRuns({ state: "queued" }))).toEqual([o.id]);
      expect(ids(await store.listRuns({ workflow: "etl", limit: 2 }))).toEqual([r2.id, r1.id]);
      expect(ids(await store.listRuns({ workflow: "etl", limit: 2, before: T0 + HOUR }))).toEqual([
        r0.id,
      ]);
    });
  });
}
