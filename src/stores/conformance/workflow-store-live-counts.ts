/**
 * @module stores/conformance/workflow-store-live-counts
 * Conformance of `WorkflowStore.liveRunCounts` (metrics): queued and running runs per workflow.
 */
import { describe, expect, it } from "vitest";
import {
  HOUR,
  T0,
  createRun,
  definition,
  putWorkflow,
  runningRun,
  type WorkflowSuiteContext,
} from "./workflow-store-fixtures.js";

export function defineLiveRunCountTests(ctx: WorkflowSuiteContext): void {
  describe("liveRunCounts", () => {
    it("counts queued and running runs per workflow, sorted by workflow then state", async () => {
      const store = ctx.workflows();
      expect(await store.liveRunCounts!()).toEqual([]);
      await putWorkflow(store);
      await putWorkflow(store, { name: "ml" });
      await createRun(store, definition({ name: "ml" }), T0);
      await runningRun(store, definition(), T0);
      await createRun(store, definition(), T0 + HOUR);
      await createRun(store, definition(), T0 + 2 * HOUR);
      expect(await store.liveRunCounts!()).toEqual([
        { workflow: "etl", state: "queued", count: 2 },
        { workflow: "etl", state: "running", count: 1 },
        { workflow: "ml", state: "queued", count: 1 },
      ]);
    });
  });
}
