/**
 * @module dashboard/components/dag/states
 * Task-instance state colours, Airflow's as the familiar default (the same palette as the
 * terminal drawing in src/cli/dag-render.ts), shared by the DAG graph, the run grid and their
 * legend. Pure data: no DOM, no React.
 */

/** How one state is painted: a fill, a text colour that reads on it, and a legend label. */
export interface StateStyle {
  readonly fill: string;
  readonly text: string;
  readonly label: string;
}

/** The states in legend order: the server's list (Airflow's task states, plus `stopped`). */
export { TASK_STATES, type TaskState } from "../../../../src/core/workflows/states.js";
import type { TaskState } from "../../../../src/core/workflows/states.js";

const DARK_TEXT = "#1b1b1b";
const LIGHT_TEXT = "#ffffff";

/** Each state's style: Airflow's CSS colour names, `none` left unfilled. */
export const STATE_STYLES: Readonly<Record<TaskState, StateStyle>> = {
  none: { fill: "transparent", text: "currentColor", label: "no status" },
  scheduled: { fill: "tan", text: DARK_TEXT, label: "scheduled" },
  queued: { fill: "gray", text: LIGHT_TEXT, label: "queued" },
  running: { fill: "lime", text: DARK_TEXT, label: "running" },
  success: { fill: "green", text: LIGHT_TEXT, label: "success" },
  failed: { fill: "red", text: LIGHT_TEXT, label: "failed" },
  up_for_retry: { fill: "gold", text: DARK_TEXT, label: "up for retry" },
  upstream_failed: { fill: "orange", text: DARK_TEXT, label: "upstream failed" },
  skipped: { fill: "hotpink", text: DARK_TEXT, label: "skipped" },
  removed: { fill: "lightgrey", text: DARK_TEXT, label: "removed" },
  stopped: { fill: "mediumpurple", text: LIGHT_TEXT, label: "stopped" },
};

/** Whether a string is a known state. */
export function isTaskState(state: string): state is TaskState {
  return Object.hasOwn(STATE_STYLES, state);
}

/**
 * The state to paint for a raw value: unknown text and a missing state (a task with no
 * instance yet) are painted as `none`.
 */
export function paintedState(state: string | null | undefined): TaskState {
  return state != null && isTaskState(state) ? state : "none";
}

/** The style of a raw state value (see {@link paintedState}). */
export function stateStyle(state: string | null | undefined): StateStyle {
  return STATE_STYLES[paintedState(state)];
}
