/**
 * @module stores/postgres/workflows/task-context
 * Statement family: what a task's handler gets as `ctx.run` — the run of the task whose
 * current job is `jobId`, and the results of its direct upstream tasks' last jobs (parsed
 * JSON; null when that job did not succeed or has no result). Two reads (the task and its run
 * by the job id through task_instances_job_idx, then the upstream tasks' jobs). The run's
 * definition is not read: it comes from the store's cache (see run-heads.ts), and the task is
 * found in it by id, not by a scan of the task list.
 */
import { StoreError } from "../../../core/errors.js";
import type { TaskContextRecord } from "../../../ports/workflow-store.js";
import { parseId } from "../arguments.js";
import { exec, type Queryable } from "../database.js";
import { definitionOf, type RunDefinitionCache, runHeadColumns } from "./run-heads.js";
import { rowToRunWith, type RunHeadRow } from "./workflow-row.js";

const RUN_HEAD_COLUMNS = runHeadColumns("r");

/** The context of the task whose current job is `jobId`, or null. */
export async function taskContext(
  q: Queryable,
  s: string,
  cache: RunDefinitionCache,
  jobId: string,
): Promise<TaskContextRecord | null> {
  const id = parseId(jobId);
  if (id === null) return null;
  // Contract: input a job id; the task holding it as its current job, with its run (but the
  // run's definition).
  const { rows } = await exec<RunHeadRow & { task_id: string }>(
    q,
    `SELECT t.task_id, ${RUN_HEAD_COLUMNS}
       FROM ${s}.task_instances AS t JOIN ${s}.workflow_runs AS r ON r.id = t.run_id
      WHERE t.job_id = $1`,
    [id],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const { task_id: taskId, ...head } = row;
  const cached = await definitionOf(q, s, cache, head);
  if (cached === null) return null;
  const run = rowToRunWith(head, cached.definition);
  const task = cached.tasks.get(taskId);
  const upstream = task?.dependsOn ?? [];
  const upstreamResults: Record<string, unknown> = {};
  for (const taskId of upstream) upstreamResults[taskId] = null;
  if (upstream.length > 0) {
    // Contract: inputs run id, upstream task ids; each one's current job's state and result.
    const results = await exec<{ task_id: string; state: string | null; result: string | null }>(
      q,
      `SELECT t.task_id, j.state, j.result
         FROM ${s}.task_instances AS t LEFT JOIN ${s}.jobs AS j ON j.id = t.job_id
        WHERE t.run_id = $1 AND t.task_id = ANY($2::text[])`,
      [run.id, upstream],
    );
    for (const r of results.rows) {
      if (r.state === "succeeded" && r.result !== null) {
        upstreamResults[r.task_id] = parseResult(r.result, jobId);
      }
    }
  }
  return { run, taskId, upstreamResults };
}

function parseResult(text: string, jobId: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new StoreError(`an upstream result of job ${jobId}'s task is not JSON`, { cause });
  }
}
