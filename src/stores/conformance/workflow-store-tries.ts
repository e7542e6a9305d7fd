/**
 * @module stores/conformance/workflow-store-tries
 * Conformance of `taskTries`: every try of one task of one run, in try order (numeric, not the
 * order the jobs were made, not text order), and nothing else — not the run's other tasks, not
 * a task whose id merely shares a prefix or matches it as a LIKE pattern (`_`), not the same
 * task of another run, not a key that is not `<task>#<n>`. Null for an unknown task or run.
 */
import { describe, expect, it } from "vitest";
import type { JobOrigin } from "../../core/jobs/origin.js";
import {
  T0,
  type WorkflowSuiteContext,
  createRun,
  definition,
  putWorkflow,
  tryJob,
} from "./workflow-store-fixtures.js";

const TASKS = [
  { id: "load_1", fn: "etl" },
  { id: "loadx1", fn: "etl" },
  { id: "load_10", fn: "etl" },
];

export function defineTaskTryTests(ctx: WorkflowSuiteContext): void {
  describe("taskTries", () => {
    it("lists every try of one task, in try order, and only those", async () => {
      const store = ctx.workflows();
      await putWorkflow(store, { tasks: TASKS });
      const def = definition({ tasks: TASKS });
      const run = await createRun(store, def, T0);
      const other = await createRun(store, def, T0 + 1);
      const odd = (key: string): JobOrigin => ({ kind: "workflow", id: run.id, key });
      const made = await ctx
        .jobs()
        .enqueue(
          [
            tryJob(run.id, "load_1", 10),
            tryJob(run.id, "loadx1", 1),
            tryJob(run.id, "load_1", 2),
            tryJob(run.id, "load_10", 1),
            tryJob(other.id, "load_1", 3),
            { ...tryJob(run.id, "load_1", 1), origin: odd("load_1#x") },
            tryJob(run.id, "load_1", 1),
          ],
          T0,
        );
      const ids = made.map((o) => o.job.id);

      const tries = await store.taskTries(run.id, "load_1");
      expect(tries?.map((t) => [t.tryNumber, t.job.id])).toEqual([
        [1, ids[6]],
        [2, ids[2]],
        [10, ids[0]],
      ]);
      expect(tries?.[0]?.job).toEqual(await ctx.jobs().get(ids[6]!));
      expect((await store.taskTries(run.id, "loadx1"))?.map((t) => t.job.id)).toEqual([ids[1]]);
      expect((await store.taskTries(other.id, "load_1"))?.map((t) => t.job.id)).toEqual([ids[4]]);
    });

    it("is empty for a task never tried and null for an unknown task or run", async () => {
      const store = ctx.workflows();
      await putWorkflow(store, { tasks: TASKS });
      const run = await createRun(store, definition({ tasks: TASKS }), T0);
      expect(await store.taskTries(run.id, "load_1")).toEqual([]);
      expect(await store.taskTries(run.id, "nope")).toBeNull();
      expect(await store.taskTries(run.id, "load_")).toBeNull();
      expect(await store.taskTries("999999", "load_1")).toBeNull();
      expect(await store.taskTries("not-an-id", "load_1")).toBeNull();
    });
  });
}
