/**
 * @module stores/postgres/workflows/completion
 * Statement family: the `workflow` completion hook — what a run records when one of its task
 * tries' jobs reaches a terminal state. The workflow store owns the `workflow` origin kind and
 * registers this hook with the schema's PgCompletionHooks when it is opened; the job store runs
 * its two stages inside the statement that finished the jobs (`finalize`, `cancel`; see
 * `../completion-hooks.ts`).
 *
 * For the finished jobs with origin `{ kind: "workflow", id: <run id>, key }`:
 * - `outcome` = the job's terminal state on the task instance of that run whose `job_id` is the
 *   job (none when the task has moved on to another job). A job is the current job of at most
 *   one task, so no task row is updated twice;
 * - for the runs where such a task was found (only those: a job the task has moved on from
 *   changes nothing), `needs_plan` is set and `last_progress_at` = the finish instant — aggregated per
 *   run (the latest finish of the batch), because a batch may finish several tasks of one run
 *   and a statement must not update a row twice.
 * Nothing else. An origin id that is not a run id names no run (the guarded cast never fails).
 *
 * Locks: the statement locks the job rows first, then (these stages) task and run rows.
 * `updateRun` takes them in the same order (it locks the run's active jobs before the run
 * row; see update-run.ts), so the two never wait on each other in a cycle.
 */
import type { PgCompletionHooks } from "../completion-hooks.js";

/** The finished job's run id (NULL when its origin id is not a run id). */
const RUN_ID = "(CASE WHEN f.origin_id ~ '^[0-9]{1,18}$' THEN f.origin_id::bigint END)";

/** Register the `workflow` hook with `hooks`. */
export function registerWorkflowCompletion(hooks: PgCompletionHooks): void {
  hooks.register("workflow", {
    stages: (s, input) => [
      // Contract: the outcome of the task whose current job finished.
      `UPDATE ${s}.task_instances AS t SET outcome = f.state
         FROM ${input} AS f
        WHERE t.run_id = ${RUN_ID} AND t.job_id = f.id`,
      // Contract: each run with a finished current job of a task needs a plan; progress = its
      // latest finish. (The join reads job_id as of the statement's snapshot: the stage above
      // does not change it.)
      `UPDATE ${s}.workflow_runs AS r SET needs_plan = true, last_progress_at = f.finished_at
         FROM (SELECT t.run_id, max(f.finished_at) AS finished_at
                 FROM ${input} AS f
                 JOIN ${s}.task_instances AS t ON t.run_id = ${RUN_ID} AND t.job_id = f.id
                GROUP BY t.run_id) AS f
        WHERE r.id = f.run_id`,
    ],
  });
}
