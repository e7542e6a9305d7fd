/**
 * @module stores/sqlite/workflows/rows
 * The mapping between workflow rows (workflows, workflow_runs, task_instances, the jobs a task
 * points at) and the port's records. JSON columns (definitions, params, errors) are parsed and
 * written here and nowhere else in this directory, but for the cached run definitions of
 * run-heads.ts.
 */
import type { ObjectSource } from "../../../core/object-source.js";
import type { WorkflowDefinition } from "../../../core/workflows/definition.js";
import type { RunState, TaskState } from "../../../core/workflows/states.js";
import type { JobState } from "../../../core/jobs/states.js";
import type {
  RunType,
  StoredRun,
  StoredTaskInstance,
  StoredWorkflow,
  TaskJobView,
  TryOutcome,
} from "../../../ports/workflow-store.js";
import { parseJobError } from "../../job-row.js";

/** A `workflows` row. */
export interface WorkflowRow {
  name: string;
  definition: string;
  source: string;
  paused: 0 | 1;
  pause_note: string | null;
  latest_logical_date: number | null;
  next_run_after: number | null;
  created_at: number;
  updated_at: number;
}

/** A `workflow_runs` row. */
export interface RunRow {
  id: number;
  workflow: string;
  logical_date: number;
  interval_start: number;
  interval_end: number;
  run_type: string;
  state: string;
  params: string;
  definition: string;
  note: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  last_progress_at: number;
  needs_plan: 0 | 1;
  next_plan_at: number | null;
}

/** A `workflow_runs` row without its definition (see run-heads.ts). */
export type RunHeadRow = Omit<RunRow, "definition">;

/** A `task_instances` row. */
export interface TaskRow {
  run_id: number;
  task_id: string;
  state: string;
  try_number: number;
  max_tries: number;
  job_id: number | null;
  retry_due_at: number | null;
  queued_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  error: string | null;
  note: string | null;
  outcome: string | null;
  updated_at: number;
}

/** The columns of a task's job a decision sees (see `TaskJobView`). */
export interface TaskJobRow {
  id: number;
  state: string;
  started_at: number | null;
  finished_at: number | null;
  error: string | null;
  result: string | null;
  cancel_requested_at: number | null;
}

/** The stored workflow of a row. */
export function rowToWorkflow(row: WorkflowRow): StoredWorkflow {
  return {
    name: row.name,
    definition: JSON.parse(row.definition) as WorkflowDefinition,
    source: row.source as ObjectSource,
    paused: row.paused === 1,
    pauseNote: row.pause_note,
    latestLogicalDate: row.latest_logical_date,
    nextRunAfter: row.next_run_after,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The stored run of a row. */
export function rowToRun(row: RunRow): StoredRun {
  return rowToRunWith(row, JSON.parse(row.definition) as WorkflowDefinition);
}

/** The stored run of a row whose definition was parsed elsewhere (run-heads.ts). */
export function rowToRunWith(row: RunHeadRow, definition: WorkflowDefinition): StoredRun {
  return {
    id: String(row.id),
    workflow: row.workflow,
    logicalDate: row.logical_date,
    dataInterval: { start: row.interval_start, end: row.interval_end },
    runType: row.run_type as RunType,
    state: row.state as RunState,
    params: JSON.parse(row.params) as Record<string, unknown>,
    definition,
    note: row.note,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    lastProgressAt: row.last_progress_at,
    needsPlan: row.needs_plan === 1,
    nextPlanAt: row.next_plan_at,
  };
}

/** The stored task instance of a row. */
export function rowToTask(row: TaskRow): StoredTaskInstance {
  return {
    runId: String(row.run_id),
    taskId: row.task_id,
    state: row.state as TaskState,
    tryNumber: row.try_number,
    maxTries: row.max_tries,
    jobId: row.job_id === null ? null : String(row.job_id),
    retryDueAt: row.retry_due_at,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error === null ? null : parseJobError(row.run_id, row.error),
    note: row.note,
    outcome: row.outcome as TryOutcome | null,
    updatedAt: row.updated_at,
  };
}

/** The view of a task's job. */
export function rowToJobView(row: TaskJobRow): TaskJobView {
  return {
    id: String(row.id),
    state: row.state as JobState,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error === null ? null : parseJobError(row.id, row.error),
    resultJson: row.result,
    cancelRequestedAt: row.cancel_requested_at,
  };
}
