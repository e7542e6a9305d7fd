/**
 * @module core/workflows/states
 * Workflow task-instance and run states, with Airflow's names, as pure tables.
 *
 *   none             created, waiting for its trigger rule          -> scheduled, skipped,
 *                                                                      upstream_failed, removed
 *   scheduled        trigger rule met, waiting for a dispatch slot  -> queued, none, removed
 *   queued           dispatched (its job exists), not yet claimed   -> running, scheduled,
 *                                                                      failed, removed
 *   running          a worker runs the try                          -> success, failed,
 *                                                                      up_for_retry, skipped
 *   up_for_retry     failed with tries left, due at end + delay     -> scheduled, none, failed,
 *                                                                      removed
 *   stopped          its try's job was stopped with its run         -> queued (the run started
 *                    (docs/control.md); not finished                   again), none, success,
 *                                                                      failed, skipped
 *   success, failed, skipped, upstream_failed, removed               finished; only a clear
 *                                                                      (-> none) reopens them
 *
 * Where Airflow moves `running -> up_for_retry` directly, so do we (DESIGN.md's
 * `failed -> up_for_retry` is the same decision made in one write). An `up_for_retry` task
 * whose delay has passed is re-evaluated like a `none` one and goes to `scheduled`, as
 * Airflow's scheduler does; `up_for_retry -> none` is the clear path.
 * Runs: `queued -> running -> success | failed`, and a clear reopens a finished run
 * (`success | failed -> running`). A stop request moves a queued or running run to `stopped`
 * (no task is planned while it is), a start request back to `running`; a cancel fails it.
 */

/** Every state a workflow task instance can be in (Airflow's names). */
export const TASK_STATES = [
  "none",
  "scheduled",
  "queued",
  "running",
  "success",
  "failed",
  "up_for_retry",
  "upstream_failed",
  "skipped",
  "removed",
  "stopped",
] as const;

/** A task instance's state. */
export type TaskState = (typeof TASK_STATES)[number];

/** Every state a workflow run can be in. */
export const RUN_STATES = ["queued", "running", "success", "failed", "stopped"] as const;

/** A workflow run's state. */
export type RunState = (typeof RUN_STATES)[number];

/** States in which a task has finished for this run (Airflow's `State.finished`). */
export const FINISHED_TASK_STATES: readonly TaskState[] = [
  "success",
  "failed",
  "skipped",
  "upstream_failed",
  "removed",
];

/** Finished states that make a leaf fail its run (Airflow's `State.failed_states`). */
export const FAILED_TASK_STATES: readonly TaskState[] = ["failed", "upstream_failed"];

const FINISHED = new Set<TaskState>(FINISHED_TASK_STATES);

const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  none: ["scheduled", "skipped", "upstream_failed", "removed"],
  scheduled: ["queued", "none", "removed"],
  queued: ["running", "scheduled", "failed", "removed", "stopped"],
  running: ["success", "failed", "up_for_retry", "skipped", "stopped"],
  up_for_retry: ["scheduled", "none", "failed", "removed"],
  success: ["none"],
  failed: ["none"],
  skipped: ["none"],
  upstream_failed: ["none"],
  removed: ["none"],
  stopped: ["queued", "none", "success", "failed", "skipped"],
};

const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  queued: ["running", "failed", "stopped"],
  running: ["success", "failed", "stopped"],
  success: ["running"],
  failed: ["running"],
  stopped: ["running", "queued", "failed"],
};

/** True when the task state machine allows `from -> to` in one step. */
export function canTransitionTask(from: TaskState, to: TaskState): boolean {
  return TASK_TRANSITIONS[from].includes(to);
}

/** True when the run state machine allows `from -> to` in one step. */
export function canTransitionRun(from: RunState, to: RunState): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** True when the task has finished for this run (success, failed, skipped, upstream_failed, removed). */
export function isFinishedTask(state: TaskState): boolean {
  return FINISHED.has(state);
}

/** True when the task holds a dispatch slot counted against `maxActiveTasks` (queued, running). */
export function isActiveTask(state: TaskState): boolean {
  return state === "queued" || state === "running";
}

/** True when `value` is one of the task states. */
export function isTaskState(value: unknown): value is TaskState {
  return typeof value === "string" && (TASK_STATES as readonly string[]).includes(value);
}

/** True when `value` is one of the run states. */
export function isRunState(value: unknown): value is RunState {
  return typeof value === "string" && (RUN_STATES as readonly string[]).includes(value);
}
