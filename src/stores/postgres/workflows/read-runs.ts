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
  const tasks = await readTasks(q, s, run.id);
  const jobs = await readJobs(q, s, tasks);
  return { ...run, tasks, jobs };
}

/** Every task instance of a run, in definition order. */
export async function readTasks(
  q: Queryable,
  s: string,
  runId: string,
): Promise<StoredTaskInstance[]> {
  // Contract: input a run id; its task rows (primary key prefix), definition order.
  const { rows } = await exec<TaskRow>(
    q,
    `SELECT ${TASK_COLUMNS} FROM ${s}.task_instances WHERE run_id = $1 ORDER BY position`,
    [runId],
  );
  return rows.map(rowToTask);
}

/** The jobs of the tasks whose `jobId` is set, by id. */
export async function readJobs(
  q: Queryable,
  s: string,
  tasks: readonly StoredTaskInstance[],
): Promise<Map<string, TaskJobView>> {
  const ids = tasks.flatMap((t) => (t.jobId === null ? [] : [t.jobId]));
  const jobs = new Map<string, TaskJobView>();
  if (ids.length === 0) return jobs;
  // Contract: input job ids; their decision columns (primary key).
  const { rows } = await exec<TaskJobRow>(
    q,
    `SELECT ${TASK_JOB_COLUMNS} FROM ${s}.jobs WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  for (const row of rows) jobs.set(String(row.id), rowToTaskJob(row));
  return jobs;
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
