/**
 * @module stores/postgres/workflows/task-tries
 * Statement family: every try of one workflow task (`taskTries`). One statement: the task
 * instance by primary key (does the run have the task?) and, only then, the jobs of origin
 * `(workflow, run)` in `jobs_origin_key_idx` whose key starts `<task>#` (`starts_with`, exact in
 * any collation; `_` in a task id is no wildcard). The index's (kind, id) prefix bounds the scan
 * to the run's task jobs; the key test filters them.
 */
import type { TaskTryJob } from "../../../ports/workflow-store.js";
import { triesInOrder, tryKeyRange } from "../../task-tries.js";
import { parseId } from "../arguments.js";
import { exec, type Queryable } from "../database.js";
import { type JobRow, jobColumns, rowToJob } from "../job-row.js";

type TryRow = { has_task: boolean } & { [K in keyof JobRow]: JobRow[K] | null };

/** Every try of task `taskId` of run `runId`, in try order; null when the run has no such task. */
export async function taskTries(
  q: Queryable,
  s: string,
  runId: string,
  taskId: string,
): Promise<TaskTryJob[] | null> {
  const id = parseId(runId);
  if (id === null) return null;
  // Contract: inputs run id (bigint), run id as origin text, key prefix, task id; one row per
  // try job (job columns NULL when the task has none), none when the run has no such task.
  const { rows } = await exec<TryRow>(
    q,
    `SELECT true AS has_task, ${jobColumns("j")}
       FROM ${s}.task_instances AS t
       LEFT JOIN ${s}.jobs AS j
         ON j.origin_kind = 'workflow' AND j.origin_id = $2 AND j.origin_key IS NOT NULL
        AND starts_with(j.origin_key, $3)
      WHERE t.run_id = $1 AND t.task_id = $4`,
    [id, id, tryKeyRange(taskId).from, taskId],
  );
  if (rows.length === 0) return null;
  const jobs = rows.filter((r) => r.id !== null).map((r) => rowToJob(r as JobRow));
  return triesInOrder(taskId, jobs);
}
