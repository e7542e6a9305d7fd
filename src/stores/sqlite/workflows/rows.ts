/**
 * @module stores/sqlite/workflows/rows
 * The mapping between workflow rows (workflows, workflow_runs, task_instances, the jobs a task
 * points at) and the port's records. The mappers are driver-neutral and shared with PostgreSQL
 * (stores/workflow-row.ts); here are SQLite's row types (flags are 0/1).
 */
import type { RunHeadRowOf, RunRowOf, WorkflowRowOf } from "../../workflow-row.js";

export {
  rowToRun,
  rowToRunWith,
  rowToTask,
  rowToTaskJob as rowToJobView,
  rowToWorkflow,
  type TaskJobRow,
  type TaskRow,
} from "../../workflow-row.js";

/** A `workflows` row. */
export type WorkflowRow = WorkflowRowOf<0 | 1>;
/** A `workflow_runs` row. */
export type RunRow = RunRowOf<0 | 1>;
/** A `workflow_runs` row without its definition (see run-heads.ts). */
export type RunHeadRow = RunHeadRowOf<0 | 1>;
