/**
 * @module stores/postgres/workflows/workflow-row
 * The column lists and row mappers of the workflow tables (migration 8): workflows,
 * workflow_runs, task_instances, workflow_history, and the job columns a run decision sees.
 * Ids are BIGINT in PostgreSQL (parsed to numbers by the pool) and decimal strings in the port;
 * the definition, params and error columns hold JSON text.
 */
import { StoreError } from "../../../core/errors.js";
import type { JobState } from "../../../core/jobs/states.js";
import type { WorkflowDefinition } from "../../../core/workflows/definition.js";
import type { RunState, TaskState } from "../../../core/workflows/states.js";
import type {
  RunType,
  StoredRun,
  StoredTaskInstance,
  StoredWorkflow,
  TaskJobView,
  TryOutcome,
  WorkflowHistoryEntry,
} from "../../../core/workflows/store-types.js";
import type { ObjectSource } from "../../../core/object-source.js";
import { parseJobError } from "../../job-row.js";

/** The columns of `workflows`, in `WorkflowRow` order. */
export const WORKFLOW_COLUMNS =
  "name, definition, source, paused, pause_note, latest_logical_date, next_run_after, " +
  "created_at, updated_at";

/** One `workflows` row. */
export interface WorkflowRow {
  name: string;
  definition: string;
  source: string;
  paused: boolean;
  pause_note: string | null;
  latest_logical_date: number | null;
  next_run_after: number | null;
  created_at: number;
  updated_at: number;
}

/** The row as the port's StoredWorkflow. */
export function rowToWorkflow(row: WorkflowRow): StoredWorkflow {
  return {
    name: row.name,
    definition: parseDefinition(row.definition, `workflow "${row.name}" definition`),
    source: row.source as ObjectSource,
    paused: row.paused,
    pauseNote: row.pause_note,
    latestLogicalDate: row.latest_logical_date,
    nextRunAfter: row.next_run_after,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The columns of `workflow_runs`, in `RunRow` order; qualified by `alias` when given. */
export function runColumns(alias?: string): string {
  const p = alias === undefined ? "" : `${alias}.`;
  return [
    "id",
    "workflow",
    "logical_date",
    "interval_start",
    "interval_end",
    "run_type",
    "state",
    "params",
    "definition",
    "note",
    "created_at",
    "started_at",
    "finished_at",
    "updated_at",
    "last_progress_at",
    "needs_plan",
    "next_plan_at",
  ]
    .map((c) => p + c)
    .join(", ");
}

/** One `workflow_runs` row. */
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
  needs_plan: boolean;
  next_plan_at: number | null;
}

/** One `workflow_runs` row without its definition (see run-heads.ts). */
export type RunHeadRow = Omit<RunRow, "definition">;

/** The row as the port's StoredRun. */
export function rowToRun(row: RunRow): StoredRun {
  return rowToRunWith(row, parseDefinition(row.definition, `run ${row.id} definition`));
}

/** A head row and its (already parsed) definition as the port's StoredRun. */
export function rowToRunWith(row: RunHeadRow, definition: WorkflowDefinition): StoredRun {
  const what = `run ${row.id}`;
  return {
    id: String(row.id),
    workflow: row.workflow,
    logicalDate: row.logical_date,
    dataInterval: { start: row.interval_start, end: row.interval_end },
    runType: row.run_type as RunType,
    state: row.state as RunState,
    params: parseJson(row.params, `${what} params`) as Record<string, unknown>,
    definition,
    note: row.note,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    lastProgressAt: row.last_progress_at,
    needsPlan: row.needs_plan,
    nextPlanAt: row.next_plan_at,
  };
}

/** The columns of `task_instances`, in `TaskRow` order. */
export const TASK_COLUMNS =
  "run_id, task_id, state, try_number, max_tries, job_id, retry_due_at, queued_at, " +
  "started_at, finished_at, error, note, outcome, updated_at";

/** One `task_instances` row. */
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

/** The row as the port's StoredTaskInstance. */
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

/** The job columns of a `TaskJobView`. */
export const TASK_JOB_COLUMNS =
  "id, state, started_at, finished_at, error, result, cancel_requested_at";

/** The job columns a run decision reads. */
export interface TaskJobRow {
  id: number;
  state: string;
  started_at: number | null;
  finished_at: number | null;
  error: string | null;
  result: string | null;
  cancel_requested_at: number | null;
}

/** The row as the port's TaskJobView. */
export function rowToTaskJob(row: TaskJobRow): TaskJobView {
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

/** One `workflow_history` row. */
export interface HistoryRow {
  workflow: string;
  at: number;
  kind: string;
  logical_date: number | null;
  run_id: number | null;
  reason: string | null;
}

/** The row as the port's WorkflowHistoryEntry. */
export function rowToHistory(row: HistoryRow): WorkflowHistoryEntry {
  return {
    workflow: row.workflow,
    at: row.at,
    kind: row.kind as WorkflowHistoryEntry["kind"],
    logicalDate: row.logical_date,
    runId: row.run_id === null ? null : String(row.run_id),
    reason: row.reason,
  };
}

/**
 * A stored definition. JSON has no `undefined`: a task without a declared payload comes back
 * without the key, so it is put back (`payload: undefined`, as `normalizeWorkflow` makes it).
 */
export function parseDefinition(text: string, what: string): WorkflowDefinition {
  const definition = parseJson(text, what) as WorkflowDefinition;
  return {
    ...definition,
    tasks: definition.tasks.map((task) => ({ ...task, payload: task.payload })),
  };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new StoreError(`${what} in the database is not JSON`, { cause });
  }
}
