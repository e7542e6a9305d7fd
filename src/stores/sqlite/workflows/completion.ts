/**
 * @module stores/sqlite/workflows/completion
 * Statement family: the `workflow` completion hook. The workflow store owns the `workflow`
 * origin kind and registers this hook with the connection's CompletionHooks when it is opened
 * (see `../completion-hooks.ts`: it runs inside the finalize or cancel transaction that
 * finished the job, under the write lock).
 *
 * For a finished job with origin `{ kind: "workflow", id: <run id>, key }`: the task instance of
 * that run whose `job_id` is the job gets `outcome` = the job's terminal state, and only then
 * the run gets `needs_plan` = 1 and `last_progress_at` = the finish instant. Nothing else is
 * written; a task that has moved on to another job, or a run that no longer exists, records
 * nothing.
 */
import type Database from "better-sqlite3";
import { parseJobId } from "../arguments.js";
import type { CompletionHooks } from "../completion-hooks.js";

/** Prepare the hook's statements and register it as the `workflow` hook of `hooks`. */
export function registerWorkflowCompletion(db: Database.Database, hooks: CompletionHooks): void {
  // Contract: sets the outcome of the run's task whose current job is the finished one
  // (primary key prefix run_id, then job_id).
  const setOutcome = db.prepare<[outcome: string, runId: number, jobId: number]>(
    "UPDATE task_instances SET outcome = ? WHERE run_id = ? AND job_id = ?",
  );
  // Contract: flags the run for the planner and records the progress instant.
  const flagRun = db.prepare<[at: number, runId: number]>(
    "UPDATE workflow_runs SET needs_plan = 1, last_progress_at = ? WHERE id = ?",
  );

  hooks.register("workflow", (job) => {
    const runId = job.origin.id === null ? null : parseJobId(job.origin.id);
    const jobId = parseJobId(job.id);
    if (runId === null || jobId === null) return;
    if (setOutcome.run(job.state, runId, jobId).changes > 0) flagRun.run(job.finishedAt, runId);
  });
}
