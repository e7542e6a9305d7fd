/**
 * @module stores/postgres/workflows/workflow-row
 * The column lists and row mappers of the workflow tables (migration 8): workflows,
 * workflow_runs, task_instances, workflow_history, and the job columns a run decision sees.
 * Ids are BIGINT in PostgreSQL (parsed to numbers by the pool) and decimal strings in the port;
 * the definition, params and error columns hold JSON text.
 */
import { type RunHeadRowOf, type RunRowOf, type WorkflowRowOf } from "../../workflow-row.js";

export {
  parseDefinition,
  rowToRun,
  rowToRunWith,
  rowToTask,
  rowToTaskJob,
  rowToWorkflow,
  rowToWorkflowHistory as rowToHistory,
  type TaskJobRow,
  type TaskRow,
  type WorkflowHistoryRow as HistoryRow,
} from "../../workflow-row.js";

/** One `workflows` row (flags are booleans here). */
export type WorkflowRow = WorkflowRowOf<boolean>;
/** One `workflow_runs` row. */
export type RunRow = RunRowOf<boolean>;
/** A `workflow_runs` row without its definition. */
export type RunHeadRow = RunHeadRowOf<boolean>;

/** The columns of `workflows`, in `WorkflowRow` order. */
export const WORKFLOW_COLUMNS =
  "name, definition, source, paused, pause_note, latest_logical_date, next_run_after, " +
  "created_at, updated_at";

const RUN_HEAD_COLUMNS = [
  "id",
  "workflow",
  "logical_date",
  "interval_start",
  "interval_end",
  "run_type",
  "state",
  "params",
  "note",
  "created_at",
  "started_at",
  "finished_at",
  "updated_at",
  "last_progress_at",
  "needs_plan",
  "next_plan_at",
];

/** The columns of `workflow_runs` but `definition`, qualified by `alias` when given. */
export function runHeadColumns(alias?: string): string {
  const p = alias === undefined ? "" : `${alias}.`;
  return RUN_HEAD_COLUMNS.map((c) => p + c).join(", ");
}

/** Every column of `workflow_runs`, qualified by `alias` when given. */
export function runColumns(alias?: string): string {
  return `${runHeadColumns(alias)}, ${alias === undefined ? "" : `${alias}.`}definition`;
}

/** The columns of `task_instances`, in `TaskRow` order. */
export const TASK_COLUMNS =
  "run_id, task_id, state, try_number, max_tries, job_id, retry_due_at, queued_at, " +
  "started_at, finished_at, error, note, outcome, updated_at";

/** The job columns of a `TaskJobView`. */
export const TASK_JOB_COLUMNS =
  "id, state, started_at, finished_at, error, result, cancel_requested_at";
