/**
 * @module stores/postgres/workflows/read-runs
 * Statement family: reading runs, their task instances and the tasks' jobs; the planner's and
 * the reapers' queries. Single statements (getRun: three, each a consistent read of its rows;
 * `updateRun` calls the task and job reads under the run's lock).
 */
import type {
  RunDetail,
  StoredRun,
  StoredTaskInstance,
  TaskJobView,
} from "../../../core/workflows/store-types.js";
import type { QueuedTaskRef, RunFilter } from "../../../ports/workflow-store.js";
import { clampLimit, parseId } from "../arguments.js";
import { exec, type Queryable } from "../database.js";
import {
  rowToRun,
  rowToTask,
  rowToTaskJob,
  runColumns,
  type RunHeadRow,
  type RunRow,
  TASK_COLUMNS,
  TASK_JOB_COLUMNS,
  type TaskJobRow,
  type TaskRow,
} from "./workflow-row.js";
import { type RunDefinitionCache, runFromHead, runHeadColumns } from "./run-heads.js";

const RUN_COLUMNS = runColumns();
const RUN_HEAD_COLUMNS = runHeadColumns();
const MAX_LIMIT = 10_000;

/** The run `id` (not locked), or null; its definition from `cache` (see run-heads.ts). */
export async function runById(
  q: Queryable,
  s: string,
  cache: RunDefinitionCache,
  id: string,
): Promise<StoredRun | null> {
  const runId = parseId(id);
  if (runId === null) return null;
  // Contract: input a run id; its row but the definition.
  const { rows } = await exec<RunHeadRow>(
    q,
    `SELECT ${RUN_HEAD_COLUMNS} FROM ${s}.workflow_runs WHERE id = $1`,
    [runId],
  );
  return rows[0] === undefined ? null : runFromHead(q, s, cache, rows[0]);
}

/** A run with its tasks and their jobs, or null. */
export async function getRun(
  q: Queryable,
  s: string,
  cache: RunDefinitionCache,
  id: string,
): Promise<RunDetail | null> {
  const run = await runById(q, s, cache, id);
  if (run === null) return null;
  return { ...run, ...(await readTasksWithJobs(q, s, run.id)) };
}

/** The job columns of TASK_JOB_COLUMNS, read through the alias `j` as `j_<column>`. */
const JOINED_JOB_COLUMNS = TASK_JOB_COLUMNS.split(", ")
  .map((c) => `j.${c} AS j_${c}`)
  .join(", ");

type JoinedRow = TaskRow & { [K in keyof TaskJobRow as `j_${K}`]: TaskJobRow[K] | null };

/**
 * Every task instance of a run, in definition order, and the current jobs of those whose
 * `jobId` is set, by id: one statement (the tasks by primary key prefix, each job by its
 * primary key), not a second one sending every job id back.
 */
export async function readTasksWithJobs(
  q: Queryable,
  s: string,
  runId: string,
): Promise<{ tasks: StoredTaskInstance[]; jobs: Map<string, TaskJobView> }> {
  // Contract: input a run id; its task rows in definition order, each with its current job's
  // decision columns (NULLs when it has none).
  const { rows } = await exec<JoinedRow>(
    q,
    `SELECT ${TASK_COLUMNS.split(", ")
      .map((c) => `t.${c}`)
      .join(", ")}, ${JOINED_JOB_COLUMNS}
       FROM ${s}.task_instances AS t LEFT JOIN ${s}.jobs AS j ON j.id = t.job_id
      WHERE t.run_id = $1 ORDER BY t.position`,
    [runId],
  );
  const tasks: StoredTaskInstance[] = [];
  const jobs = new Map<string, TaskJobView>();
  for (const row of rows) {
    tasks.push(rowToTask(row));
    if (row.j_id === null || row.j_state === null) continue;
    const job = rowToTaskJob({
      id: row.j_id,
      state: row.j_state,
      started_at: row.j_started_at,
      finished_at: row.j_finished_at,
      error: row.j_error,
      result: row.j_result,
      cancel_requested_at: row.j_cancel_requested_at,
    });
    jobs.set(job.id, job);
  }
  return { tasks, jobs };
}

/** The run of (workflow, logicalDate), or null (the unique identity index). */
export async function findRun(
  q: Queryable,
  s: string,
  workflow: string,
  logicalDate: number,
): Promise<StoredRun | null> {
  // Contract: inputs workflow, logical date; the run holding them.
  const { rows } = await exec<RunRow>(
    q,
    `SELECT ${RUN_COLUMNS} FROM ${s}.workflow_runs WHERE workflow = $1 AND logical_date = $2`,
    [workflow, logicalDate],
  );
  return rows[0] === undefined ? null : rowToRun(rows[0]);
}

/** Runs, newest logical date first (id breaks ties), filtered and paged (see RunFilter). */
export async function listRuns(
  q: Queryable,
  s: string,
  filter: RunFilter = {},
): Promise<StoredRun[]> {
  // Contract: inputs workflow, state, before (each null: no filter), limit.
  const { rows } = await exec<RunRow>(
    q,
    `SELECT ${RUN_COLUMNS} FROM ${s}.workflow_runs
      WHERE ($1::text IS NULL OR workflow = $1) AND ($2::text IS NULL OR state = $2)
        AND ($3::bigint IS NULL OR logical_date < $3)
      ORDER BY logical_date DESC, id DESC LIMIT $4`,
    [
      filter.workflow ?? null,
      filter.state ?? null,
      filter.before ?? null,
      clampLimit(filter.limit, 100, MAX_LIMIT),
    ],
  );
  return rows.map(rowToRun);
}

/** Ids of running runs that need a plan or whose plan is due, oldest progress first. */
export async function runsToPlan(
  q: Queryable,
  s: string,
  now: number,
  limit: number,
): Promise<string[]> {
  // Contract: inputs now, limit; ids (workflow_runs_plan_idx, workflow_runs_next_plan_idx).
  const { rows } = await exec<{ id: number }>(
    q,
    `SELECT id FROM ${s}.workflow_runs
      WHERE state = 'running' AND (needs_plan OR (next_plan_at IS NOT NULL AND next_plan_at <= $1))
      ORDER BY last_progress_at, id LIMIT $2`,
    [now, clampLimit(limit, 0, MAX_LIMIT)],
  );
  return rows.map((r) => String(r.id));
}

/** The earliest `next_plan_at` of a running run, or null. */
export async function nextPlanAt(q: Queryable, s: string): Promise<number | null> {
  // Contract: no input; the minimum over workflow_runs_next_plan_idx.
  const { rows } = await exec<{ at: number | null }>(
    q,
    `SELECT min(next_plan_at) AS at FROM ${s}.workflow_runs
      WHERE state = 'running' AND next_plan_at IS NOT NULL`,
    [],
  );
  return rows[0]?.at ?? null;
}

/** Ids of running runs without progress since `before`, oldest first. */
export async function stalledRuns(
  q: Queryable,
  s: string,
  before: number,
  limit: number,
): Promise<string[]> {
  // Contract: inputs before, limit; ids (workflow_runs_progress_idx).
  const { rows } = await exec<{ id: number }>(
    q,
    `SELECT id FROM ${s}.workflow_runs
      WHERE state = 'running' AND last_progress_at < $1
      ORDER BY last_progress_at, id LIMIT $2`,
    [before, clampLimit(limit, 0, MAX_LIMIT)],
  );
  return rows.map((r) => String(r.id));
}

/** Tasks queued before `before` whose job never started, oldest first. */
export async function queuedTasksBefore(
  q: Queryable,
  s: string,
  before: number,
  limit: number,
): Promise<QueuedTaskRef[]> {
  // Contract: inputs before, limit; queued tasks (task_instances_queued_idx) joined to their
  // jobs (primary key) that are still waiting and never started.
  const { rows } = await exec<{
    run_id: number;
    task_id: string;
    job_id: number;
    queued_at: number;
  }>(
    q,
    `SELECT t.run_id, t.task_id, t.job_id, t.queued_at
       FROM ${s}.task_instances AS t JOIN ${s}.jobs AS j ON j.id = t.job_id
      WHERE t.state = 'queued' AND t.queued_at < $1
        AND j.state IN ('scheduled', 'queued') AND j.started_at IS NULL
      ORDER BY t.queued_at, t.run_id, t.task_id LIMIT $2`,
    [before, clampLimit(limit, 0, MAX_LIMIT)],
  );
  return rows.map((r) => ({
    runId: String(r.run_id),
    taskId: r.task_id,
    jobId: String(r.job_id),
    queuedAt: r.queued_at,
  }));
}
