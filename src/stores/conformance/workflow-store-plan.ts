/**
 * @module stores/conformance/workflow-store-plan
 * Conformance of the workflow changes of a reconcile plan (`ScheduleStore.applyPlan`):
 * `put_workflow` creates or replaces a `config` workflow keeping its runtime state,
 * `delete_workflow` deletes it with its runs, and both share the plan's all-or-nothing
 * transaction with the schedule changes.
 */
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "../../core/errors.js";
import {
  HOUR,
  T0,
  createRun,
  definition,
  type WorkflowSuiteContext,
} from "./workflow-store-fixtures.js";

export function definePlanTests(ctx: WorkflowSuiteContext): void {
  describe("reconcile plan", () => {
    it("puts a config workflow, then replaces its definition keeping its runtime state", async () => {
      const plans = ctx.schedules();
      const store = ctx.workflows();
      await plans.applyPlan(
        [{ op: "put_workflow", definition: definition(), nextRunAfter: T0 + HOUR }],
        T0,
      );
      expect(await store.getWorkflow("etl")).toMatchObject({
        source: "config",
        paused: false,
        nextRunAfter: T0 + HOUR,
        createdAt: T0,
      });
      await store.setWorkflowPaused("etl", true, "hold", T0 + 1);
      const changed = definition({ maxActiveTasks: 2 });
      await plans.applyPlan(
        [{ op: "put_workflow", definition: changed, nextRunAfter: T0 + 3 * HOUR }],
        T0 + 2,
      );
      const replaced = await store.getWorkflow("etl");
      expect(replaced?.definition).toEqual(changed);
      expect(replaced).toMatchObject({
        source: "config",
        paused: true,
        pauseNote: "hold",
        nextRunAfter: T0 + 3 * HOUR,
        createdAt: T0,
        updatedAt: T0 + 2,
      });
    });

    it("deletes a config workflow with its runs", async () => {
      const plans = ctx.schedules();
      const store = ctx.workflows();
      await plans.applyPlan(
        [{ op: "put_workflow", definition: definition(), nextRunAfter: null }],
        T0,
      );
      const run = await createRun(store, definition(), T0);
      await plans.applyPlan([{ op: "delete_workflow", name: "etl" }], T0 + 1);
      expect(await store.getWorkflow("etl")).toBeNull();
      expect(await store.getRun(run.id)).toBeNull();
    });

    it("rolls the workflow changes back with the plan when a later change fails", async () => {
      const plans = ctx.schedules();
      const store = ctx.workflows();
      await plans.applyPlan(
        [{ op: "put_workflow", definition: definition({ name: "keep" }), nextRunAfter: null }],
        T0,
      );
      const error = await plans
        .applyPlan(
          [
            { op: "put_workflow", definition: definition({ name: "new" }), nextRunAfter: null },
            {
              op: "put_workflow",
              definition: definition({ name: "keep", maxActiveRuns: 1 }),
              nextRunAfter: T0,
            },
            { op: "delete_workflow", name: "keep" },
            { op: "delete_schedule", name: "no-such-schedule" },
          ],
          T0 + 1,
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((await store.listWorkflows()).map((w) => w.name)).toEqual(["keep"]);
      expect((await store.getWorkflow("keep"))?.definition.maxActiveRuns).toBe(16);
    });

    it("refuses to put over an api workflow and to delete an unknown one, applying nothing", async () => {
      const plans = ctx.schedules();
      const store = ctx.workflows();
      await store.putWorkflow(definition({ name: "mine" }), "api", null, T0);
      const conflict = await plans
        .applyPlan(
          [
            { op: "put_workflow", definition: definition({ name: "new" }), nextRunAfter: null },
            { op: "put_workflow", definition: definition({ name: "mine" }), nextRunAfter: null },
          ],
          T0 + 1,
        )
        .catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(ConflictError);
      const missing = await plans
        .applyPlan(
          [
            { op: "put_workflow", definition: definition({ name: "new" }), nextRunAfter: null },
            { op: "delete_workflow", name: "ghost" },
          ],
          T0 + 1,
        )
        .catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(NotFoundError);
      expect((await store.listWorkflows()).map((w) => [w.name, w.source])).toEqual([
        ["mine", "api"],
      ]);
    });
  });
}
