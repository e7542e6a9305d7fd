/**
 * @module stores/conformance/workflow-store-lifecycle
 * Conformance of the store's lifecycle: migrate is idempotent and keeps the data; after the
 * stores are closed every method throws ShuttingDownError.
 */
import { describe, expect, it } from "vitest";
import { ShuttingDownError } from "../../core/errors.js";
import type { WorkflowStore } from "../../ports/workflow-store.js";
import {
  T0,
  createRun,
  definition,
  newRun,
  putWorkflow,
  type WorkflowSuiteContext,
} from "./workflow-store-fixtures.js";

export function defineLifecycleTests(ctx: WorkflowSuiteContext): void {
  describe("lifecycle", () => {
    it("migrates idempotently, keeping the data", async () => {
      const store = ctx.workflows();
      const workflow = await putWorkflow(store);
      const run = await createRun(store, definition(), T0);
      await store.migrate();
      await ctx.jobs().migrate();
      expect(await store.getWorkflow("etl")).toEqual(workflow);
      expect(await store.findRun("etl", T0)).toEqual(run);
    });

    it("throws ShuttingDownError from every method after close", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      await ctx.close();
      const def = definition();
      const calls: Record<keyof WorkflowStore, () => Promise<unknown>> = {
        migrate: () => store.migrate(),
        putWorkflow: () => store.putWorkflow(def, "api", null, T0),
        getWorkflow: () => store.getWorkflow("etl"),
        listWorkflows: () => store.listWorkflows(),
        deleteWorkflow: () => store.deleteWorkflow("etl"),
        setWorkflowPaused: () => store.setWorkflowPaused("etl", true, null, T0),
        dueWorkflows: () => store.dueWorkflows(T0, 10),
        nextRunAfter: () => store.nextRunAfter(),
        createScheduledRuns: () =>
          store.createScheduledRuns({
            workflow: "etl",
            expectedLatestLogicalDate: null,
            runs: [],
            skipped: [],
            latestLogicalDate: null,
            nextRunAfter: null,
            now: T0,
          }),
        createRun: () => store.createRun(newRun(def, T0), T0),
        startQueuedRuns: () => store.startQueuedRuns("etl", T0),
        workflowsWithQueuedRuns: () => store.workflowsWithQueuedRuns(10),
        getRun: () => store.getRun("1"),
        findRun: () => store.findRun("etl", T0),
        listRuns: () => store.listRuns(),
        workflowHistory: () => store.workflowHistory("etl"),
        updateRun: () => store.updateRun("1", () => null, T0),
        runsToPlan: () => store.runsToPlan(T0, 10),
        nextPlanAt: () => store.nextPlanAt(),
        taskContext: () => store.taskContext("1"),
        taskTries: () => store.taskTries("1", "extract"),
        stalledRuns: () => store.stalledRuns(T0, 10),
        queuedTasksBefore: () => store.queuedTasksBefore(T0, 10),
        liveRunCounts: async () => store.liveRunCounts!(),
      };
      for (const [name, call] of Object.entries(calls)) {
        const error = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, `${name} after close`).toBeInstanceOf(ShuttingDownError);
      }
    });
  });
}
