/**
 * @module stores/conformance/workflow-store-workflows
 * Conformance of the workflow rows: putWorkflow (keeps runtime state, refuses the other
 * source), get/list, pause/resume with history, deleteWorkflow with its runs and history,
 * dueWorkflows and nextRunAfter.
 */
import { describe, expect, it } from "vitest";
import { ConflictError } from "../../core/errors.js";
import {
  HOUR,
  T0,
  createRun,
  definition,
  newRun,
  putWorkflow,
  type WorkflowSuiteContext,
} from "./workflow-store-fixtures.js";

export function defineWorkflowTests(ctx: WorkflowSuiteContext): void {
  describe("workflows", () => {
    it("creates a workflow unpaused with no cursor, and reads it back", async () => {
      const store = ctx.workflows();
      const def = definition();
      const stored = await store.putWorkflow(def, "api", T0 + HOUR, T0);
      expect(stored).toEqual({
        name: "etl",
        definition: def,
        source: "api",
        paused: false,
        pauseNote: null,
        latestLogicalDate: null,
        nextRunAfter: T0 + HOUR,
        createdAt: T0,
        updatedAt: T0,
      });
      expect(await store.getWorkflow("etl")).toEqual(stored);
      expect(await store.getWorkflow("nope")).toBeNull();
      expect(await store.listWorkflows()).toEqual([stored]);
      expect(await store.listWorkflows({ source: "config" })).toEqual([]);
    });

    it("replaces the definition but keeps paused and the cursor", async () => {
      const store = ctx.workflows();
      const def = definition();
      await store.putWorkflow(def, "api", T0, T0);
      await store.createScheduledRuns({
        workflow: "etl",
        expectedLatestLogicalDate: null,
        runs: [{ ...newRun(def, T0), runType: "scheduled" }],
        skipped: [],
        latestLogicalDate: T0,
        nextRunAfter: T0 + 2 * HOUR,
        now: T0 + HOUR,
      });
      await store.setWorkflowPaused("etl", true, "maintenance", T0 + HOUR);
      const changed = definition({ maxActiveRuns: 3 });
      const stored = await store.putWorkflow(changed, "api", T0 + 5 * HOUR, T0 + 2 * HOUR);
      // toEqual: a definition's undefined fields (a task without payload) need not survive.
      expect(stored.definition).toEqual(changed);
      expect(stored).toMatchObject({
        paused: true,
        pauseNote: "maintenance",
        latestLogicalDate: T0,
        nextRunAfter: T0 + 5 * HOUR,
        createdAt: T0,
        updatedAt: T0 + 2 * HOUR,
      });
    });

    it("refuses to put a workflow whose name a workflow of the other source holds", async () => {
      const store = ctx.workflows();
      await store.putWorkflow(definition(), "config", null, T0);
      const error = await store
        .putWorkflow(definition({ maxActiveRuns: 1 }), "api", null, T0 + 1)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((await store.getWorkflow("etl"))?.definition.maxActiveRuns).toBe(16);
    });

    it("pauses and resumes, recording both in history; null for an unknown workflow", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const paused = await store.setWorkflowPaused("etl", true, "db down", T0 + 1);
      expect(paused).toMatchObject({ paused: true, pauseNote: "db down", updatedAt: T0 + 1 });
      const resumed = await store.setWorkflowPaused("etl", false, null, T0 + 2);
      expect(resumed).toMatchObject({ paused: false, pauseNote: null });
      expect(await store.setWorkflowPaused("nope", true, null, T0)).toBeNull();
      expect((await store.workflowHistory("etl")).map((e) => [e.kind, e.at, e.reason])).toEqual([
        ["resumed", T0 + 2, null],
        ["paused", T0 + 1, "db down"],
      ]);
    });

    it("deletes a workflow with its runs, tasks and history; false when unknown", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const run = await createRun(store, definition(), T0);
      await store.setWorkflowPaused("etl", true, null, T0 + 1);
      expect(await store.deleteWorkflow("etl")).toBe(true);
      expect(await store.getWorkflow("etl")).toBeNull();
      expect(await store.getRun(run.id)).toBeNull();
      expect(await store.listRuns({ workflow: "etl" })).toEqual([]);
      expect(await store.workflowHistory("etl")).toEqual([]);
      expect(await store.deleteWorkflow("etl")).toBe(false);
      // The name can be used again, with no runs.
      await putWorkflow(store);
      expect((await store.createRun(newRun(definition(), T0), T0 + 2)).kind).toBe("created");
    });

    it("lists due workflows (unpaused, nextRunAfter <= now) earliest first and the next look", async () => {
      const store = ctx.workflows();
      await store.putWorkflow(definition({ name: "a" }), "api", T0 + 3, T0);
      await store.putWorkflow(definition({ name: "b" }), "api", T0 + 1, T0);
      await store.putWorkflow(definition({ name: "c" }), "api", T0 + 2, T0);
      await store.putWorkflow(definition({ name: "d" }), "api", null, T0);
      await store.putWorkflow(definition({ name: "e" }), "api", T0 + 10, T0);
      await store.setWorkflowPaused("c", true, null, T0);
      expect((await store.dueWorkflows(T0 + 5, 10)).map((w) => w.name)).toEqual(["b", "a"]);
      expect((await store.dueWorkflows(T0 + 5, 1)).map((w) => w.name)).toEqual(["b"]);
      expect(await store.dueWorkflows(T0, 10)).toEqual([]);
      expect(await store.nextRunAfter()).toBe(T0 + 1);
      await store.setWorkflowPaused("b", true, null, T0);
      await store.setWorkflowPaused("a", true, null, T0);
      expect(await store.nextRunAfter()).toBe(T0 + 10);
      await store.setWorkflowPaused("e", true, null, T0);
      expect(await store.nextRunAfter()).toBeNull();
    });
  });
}
