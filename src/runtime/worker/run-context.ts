/**
 * @module runtime/worker/run-context
 * `ctx.run` for the handler of a workflow task's job: read (once, when the job starts) from
 * the workflow store through the loader the engine hands the pool, and added to the context
 * the handler gets. A job whose task has moved on (its run cleared meanwhile) runs without it.
 */
import type { JobHandler, TaskRunContext } from "../../ports/executor.js";
import type { ClaimedJob } from "../../ports/job-store.js";

/** Reads the run context of a task's job, or null when the job is no task's current job. */
export type RunContextLoader = (job: ClaimedJob) => Promise<TaskRunContext | null>;

/** `handler` with `ctx.run` loaded before it is called. */
export function withRunContext(
  handler: JobHandler,
  job: ClaimedJob,
  load: RunContextLoader,
): JobHandler {
  return async (payload, ctx) => {
    const run = await load(job);
    return handler(payload, run === null ? ctx : { ...ctx, run });
  };
}
