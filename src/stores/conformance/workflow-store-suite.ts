/**
 * @module stores/conformance/workflow-store-suite
 * The one contract suite every WorkflowStore adapter runs, with the JobStore and ScheduleStore
 * of the same database (a task try is a job; a job's end is recorded on its task; a reconcile
 * plan puts and deletes workflows). Ports only: no SQL, no adapter internals, no sleeping.
 *
 * Usage, from an adapter's test file:
 *
 *   defineWorkflowStoreConformance("sqlite memory", async () => {
 *     const s = await openSqliteStores({ path: ":memory:" });
 *     return { jobs: s.jobs, schedules: s.schedules, workflows: s.workflows, close: s.close };
 *   });
 *
 * `open` is called once per test and must return isolated, empty stores over one database.
 * The suite calls `migrate()` on all three before the test and `close()` after it.
 *
 * Assumptions the suite makes beyond the letter of the port, all implied by it:
 * - A workflow is created unpaused, with no cursor. `createRun` of an unknown workflow is a
 *   NotFoundError. Runs are created `queued`, `needsPlan` false, `lastProgressAt` = now.
 * - History: a created run is `run_created` (reason = its run type, with logicalDate and
 *   runId), a skipped interval `interval_skipped` (reason = the skip reason), a pause/resume
 *   `paused`/`resumed` (reason = the note). `createRun` records `run_created` too.
 * - A job whose origin exists already is not inserted by `updateRun`; the task's `jobId` is
 *   set to the existing job's id.
 * - `delete_workflow` of an unknown name is a NotFoundError (the plan rolls back), as
 *   `delete_schedule`; `put_workflow` over an `api` workflow is a ConflictError.
 */
import { afterEach, beforeEach, describe } from "vitest";
import { defineCompletionHookTests } from "./workflow-store-completion.js";
import type { OpenedWorkflowStores, WorkflowSuiteContext } from "./workflow-store-fixtures.js";
import { defineLifecycleTests } from "./workflow-store-lifecycle.js";
import { defineLiveRunCountTests } from "./workflow-store-live-counts.js";
import { definePlanTests } from "./workflow-store-plan.js";
import { defineQueryTests } from "./workflow-store-queries.js";
import { defineRunTests } from "./workflow-store-runs.js";
import { defineScheduledRunTests } from "./workflow-store-scheduled.js";
import { defineTaskTryTests } from "./workflow-store-tries.js";
import { defineUpdateRunTests } from "./workflow-store-update.js";
import { defineWorkflowTests } from "./workflow-store-workflows.js";

/** Declare the WorkflowStore conformance tests for one adapter. */
export function defineWorkflowStoreConformance(
  adapterName: string,
  open: () => Promise<OpenedWorkflowStores>,
): void {
  describe(`WorkflowStore conformance: ${adapterName}`, () => {
    let current: OpenedWorkflowStores | null = null;
    let closed = false;

    const opened = (): OpenedWorkflowStores => {
      if (current === null) throw new Error("no store is open: call ctx.workflows() inside a test");
      return current;
    };
    const ctx: WorkflowSuiteContext = {
      workflows: () => opened().workflows,
      jobs: () => opened().jobs,
      schedules: () => opened().schedules,
      async close() {
        if (current !== null && !closed) {
          closed = true;
          await current.close();
        }
      },
    };

    beforeEach(async () => {
      closed = false;
      current = await open();
      await current.jobs.migrate();
      await current.schedules.migrate();
      await current.workflows.migrate();
    });

    afterEach(async () => {
      await ctx.close();
      current = null;
    });

    defineWorkflowTests(ctx);
    defineRunTests(ctx);
    defineScheduledRunTests(ctx);
    defineUpdateRunTests(ctx);
    defineCompletionHookTests(ctx);
    defineQueryTests(ctx);
    definePlanTests(ctx);
    defineLifecycleTests(ctx);
    defineLiveRunCountTests(ctx);
    defineTaskTryTests(ctx);
  });
}
