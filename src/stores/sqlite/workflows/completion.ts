/**
 * @module stores/sqlite/workflows/completion
 * Statement family: the `workflow` completion hook. The workflow store owns the `workflow`
 * origin kind and registers this hook with the connection's CompletionHooks when it is opened
 * (see `../completion-hooks.ts`: it runs inside the finalize or cancel transaction that
 * finished the job, under the write lock).
 *
 * For a finished job with origin `{ kind: "workflow", id: <run id>, key }`: the task instance of
 * that run whose `job_id` is the job gets `outcome` = the job's terminal state, and only then
 * the run gets `needs_plan` = 1 and `last_progress_at` = the finish instant (a run flagged
 * already keeps its instant unless it is PROGRESS_STEP_MS old: see flagRun). Nothing else is
 * written; a task that has moved on to another job, or a run that no longer exists, records
 * nothing.
 */
import type Database from "better-sqlite3";
import { parseTaskTryKey } from "../../../core/workflows/index.js";
import { parseJobId } from "../arguments.js";
import type { CompletionHooks } from "../completion-hooks.js";

/**
 * How stale a flagged run's `last_progress_at` may get (ms): it feeds only the stalled-run
 * reaper, whose cutoffs are minutes, and the planner writes its own instant on every advance.
 */
export const PROGRESS_STEP_MS = 1_000;

/** The hook's statements (exported for the query-plan test). */
export const WORKFLOW_COMPLETION_SQL = {
  // Contract: sets the outcome of the run's task whose current job is the finished one, found
  // by primary key (run_id, task_id): the task id is the job origin's key. Without it SQLite
  // walks every task of the run (primary key prefix run_id): quadratic in a big fan-out.
  setOutcome:
    "UPDATE task_instances SET outcome = ? WHERE run_id = ? AND task_id = ? AND job_id = ?",
  // Contract: the same for a key that names no task (never written by Kairos): by the run's
  // tasks (primary key prefix run_id), then job_id.
  setOutcomeByJob: "UPDATE task_instances SET outcome = ? WHERE run_id = ? AND job_id = ?",
  // Contract: flags the run for the planner and records the progress instant, unless it is
  // flagged already with a progress instant less than PROGRESS_STEP_MS older. SQLite rewrites
  // the whole row on an update, the run's definition included (megabytes for a big fan-out),
  // so a flagged run is rewritten at most once per step, not once per finished task.
  flagRun: `UPDATE workflow_runs SET needs_plan = 1, last_progress_at = @at
             WHERE id = @runId AND (needs_plan = 0 OR last_progress_at <= @at - ${PROGRESS_STEP_MS})`,
} as const;

/** Prepare the hook's statements and register it as the `workflow` hook of `hooks`. */
export function registerWorkflowCompletion(db: Database.Database, hooks: CompletionHooks): void {
  const setOutcome = db.prepare<[outcome: string, runId: number, taskId: string, jobId: number]>(
    WORKFLOW_COMPLETION_SQL.setOutcome,
  );
  const setOutcomeByJob = db.prepare<[outcome: string, runId: number, jobId: number]>(
    WORKFLOW_COMPLETION_SQL.setOutcomeByJob,
  );
  const flagRun = db.prepare<{ at: number; runId: number }>(WORKFLOW_COMPLETION_SQL.flagRun);

  hooks.register("workflow", (job) => {
    const runId = job.origin.id === null ? null : parseJobId(job.origin.id);
    const jobId = parseJobId(job.id);
    if (runId === null || jobId === null) return;
    const taskId = job.origin.key === null ? null : parseTaskTryKey(job.origin.key)?.taskId;
    const changed =
      taskId === null || taskId === undefined
        ? setOutcomeByJob.run(job.state, runId, jobId)
        : setOutcome.run(job.state, runId, taskId, jobId);
    if (changed.changes > 0) flagRun.run({ at: job.finishedAt, runId });
  });
}
