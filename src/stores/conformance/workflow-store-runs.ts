/**
 * @module stores/conformance/workflow-store-runs
 * Conformance of run creation and start: createRun (task instances created `none`, maxTries =
 * retries + 1, one run per (workflow, logicalDate) even for concurrent calls), findRun, getRun,
 * and startQueuedRuns honouring maxActiveRuns and pause.
 */
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../core/errors.js";
import {
  HOUR,
  T0,
  createRun,
  definition,
  mustGetRun,
  newRun,
  putWorkflow,
  type WorkflowSuiteContext,
} from "./workflow-store-fixtures.js";

export function defineRunTests(ctx: WorkflowSuiteContext): void {
  describe("runs", () => {
    it("creates a queued run with its task instances in state none, maxTries = retries + 1", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const def = definition();
      const outcome = await store.createRun(
        newRun(def, T0, { params: { day: "mon" }, note: "by hand" }),
        T0 + 5,
      );
      expect(outcome.kind).toBe("created");
      const run = outcome.run;
      expect(run).toEqual({
        id: run.id,
        workflow: "etl",
        logicalDate: T0,
        dataInterval: { start: T0, end: T0 + HOUR },
        runType: "manual",
        state: "queued",
        params: { day: "mon" },
        definition: def,
        note: "by hand",
        createdAt: T0 + 5,
        startedAt: null,
        finishedAt: null,
        updatedAt: T0 + 5,
        lastProgressAt: T0 + 5,
        needsPlan: false,
        nextPlanAt: null,
      });
      expect(run.id).toMatch(/^\d+$/);
      const detail = await mustGetRun(store, run.id);
      expect(detail.jobs.size).toBe(0);
      const tasks = [...detail.tasks].sort((a, b) => a.taskId.localeCompare(b.taskId));
      expect(tasks.map((t) => [t.taskId, t.state, t.tryNumber, t.maxTries])).toEqual([
        ["extract", "none", 0, 1],
        ["load", "none", 0, 3],
        ["transform", "none", 0, 1],
      ]);
      expect(tasks[0]).toEqual({
        runId: run.id,
        taskId: "extract",
        state: "none",
        tryNumber: 0,
        maxTries: 1,
        jobId: null,
        retryDueAt: null,
        queuedAt: null,
        startedAt: null,
        finishedAt: null,
        error: null,
        note: null,
        outcome: null,
        updatedAt: T0 + 5,
      });
      expect(await store.findRun("etl", T0)).toEqual(run);
      expect(await store.findRun("etl", T0 + 1)).toBeNull();
      expect(await store.getRun("999999")).toBeNull();
      expect(
        (await store.workflowHistory("etl")).map((e) => [e.kind, e.logicalDate, e.runId, e.reason]),
      ).toEqual([["run_created", T0, run.id, "manual"]]);
    });

    it("never creates a second run for a logical date; the second call returns the first run", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const first = await createRun(store, definition(), T0);
      const again = await store.createRun(
        newRun(definition(), T0, { runType: "backfill" }),
        T0 + 1,
      );
      expect(again).toEqual({ kind: "duplicate", run: first });
      expect(await store.listRuns()).toEqual([first]);
    });

    it("creates one run of two concurrent createRun calls for the same logical date", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const outcomes = await Promise.all([
        store.createRun(newRun(definition(), T0), T0),
        store.createRun(newRun(definition(), T0), T0),
      ]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(["created", "duplicate"]);
      expect(outcomes[0].run.id).toBe(outcomes[1].run.id);
      expect(await store.listRuns()).toHaveLength(1);
      expect((await mustGetRun(store, outcomes[0].run.id)).tasks).toHaveLength(3);
    });

    it("refuses a run of an unknown workflow", async () => {
      const error = await ctx
        .workflows()
        .createRun(newRun(definition({ name: "ghost" }), T0), T0)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
    });

    it("starts the oldest queued runs first, up to maxActiveRuns", async () => {
      const store = ctx.workflows();
      await putWorkflow(store, { maxActiveRuns: 2 });
      const def = definition({ maxActiveRuns: 2 });
      const late = await createRun(store, def, T0 + 2 * HOUR);
      const early = await createRun(store, def, T0);
      const middle = await createRun(store, def, T0 + HOUR);
      const started = await store.startQueuedRuns("etl", T0 + 10);
      expect(started.map((r) => r.id)).toEqual([early.id, middle.id]);
      expect(started[0]).toMatchObject({
        state: "running",
        startedAt: T0 + 10,
        needsPlan: true,
        updatedAt: T0 + 10,
      });
      expect(await store.startQueuedRuns("etl", T0 + 11)).toEqual([]);
      expect((await store.findRun("etl", late.logicalDate))?.state).toBe("queued");
      // One finishes: the next queued run starts.
      await store.updateRun(
        early.id,
        () => ({ run: { state: "success", finishedAt: T0 + 12 }, planned: true }),
        T0 + 12,
      );
      expect((await store.startQueuedRuns("etl", T0 + 13)).map((r) => r.id)).toEqual([late.id]);
    });

    it("starts nothing for a paused workflow and lists only unpaused workflows with queued runs", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      await putWorkflow(store, { name: "other" });
      await putWorkflow(store, { name: "idle" });
      await createRun(store, definition(), T0);
      await createRun(store, definition({ name: "other" }), T0);
      expect((await store.workflowsWithQueuedRuns(10)).sort()).toEqual(["etl", "other"]);
      expect(await store.workflowsWithQueuedRuns(1)).toHaveLength(1);
      await store.setWorkflowPaused("etl", true, null, T0);
      expect(await store.workflowsWithQueuedRuns(10)).toEqual(["other"]);
      expect(await store.startQueuedRuns("etl", T0 + 1)).toEqual([]);
      expect((await store.findRun("etl", T0))?.state).toBe("queued");
      expect(await store.startQueuedRuns("nope", T0 + 1)).toEqual([]);
    });
  });
}
