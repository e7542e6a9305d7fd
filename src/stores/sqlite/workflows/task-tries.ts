/**
 * @module stores/sqlite/workflows/task-tries
 * Statement family: every try of one workflow task (`taskTries`). Two single SELECTs, both
 * index probes: the task instance by primary key (does the run have the task?), then the jobs
 * of the origin range `(workflow, run, [<task>#, <task>$))` of the partial unique
 * `jobs_origin_key_idx`. A key range, not LIKE: task ids may hold `_`, a LIKE wildcard, and
 * BINARY order makes the range exactly the keys starting `<task>#`.
 */
import type Database from "better-sqlite3";
import type { TaskTryJob } from "../../../ports/workflow-store.js";
import { triesInOrder, tryKeyRange } from "../../task-tries.js";
import { parseJobId } from "../arguments.js";
import { JOB_COLUMNS, type JobTuple, tupleToJob } from "../job-row.js";

/** The SQL of the tries read (exported for the query-plan test). */
export const TRIES_SQL = `SELECT ${JOB_COLUMNS} FROM jobs INDEXED BY jobs_origin_key_idx
  WHERE origin_kind = 'workflow' AND origin_id = @run AND origin_key IS NOT NULL
    AND origin_key >= @from AND origin_key < @to`;

/** Prepare the tries read once. */
export function prepareTaskTries(db: Database.Database) {
  // Contract: inputs run rowid, task id; 1 when the run has the task (primary key probe).
  const hasTask = db
    .prepare<[number, string], number>(
      "SELECT 1 FROM task_instances WHERE run_id = ? AND task_id = ?",
    )
    .pluck();
  // Contract: inputs run id (text, as in origins), key range; the jobs holding those keys.
  const tries = db.prepare<{ run: string; from: string; to: string }, JobTuple>(TRIES_SQL).raw();

  return (runId: string, taskId: string): TaskTryJob[] | null => {
    const rowid = parseJobId(runId);
    if (rowid === null || hasTask.get(rowid, taskId) === undefined) return null;
    const rows = tries.all({ run: String(rowid), ...tryKeyRange(taskId) });
    return triesInOrder(taskId, rows.map(tupleToJob));
  };
}
