/**
 * @module core/workflows/run-state
 * Run finalization, decided from the task states as Airflow's `DagRun.update_state` decides:
 *
 * - `failed` (`leaf_failed`): no task is unfinished and some leaf is failed or upstream_failed.
 * - `success`: no task is unfinished and every leaf is success or skipped (removed leaves are
 *   ignored, as Airflow ignores removed task instances).
 * - `failed` (`deadlock`): unfinished tasks remain, none is scheduled, queued, running or
 *   up_for_retry, and the planner would change nothing: none can ever run. The stuck task ids
 *   (those still `none`) are returned so the runtime can write them in the run's note.
 * - `running`: otherwise.
 *
 * As in Airflow, a failed leaf does not end the run while other tasks are still unfinished: they
 * run to their end first (or the run ends as a deadlock when they never can).
 */
import { planRunDetailed, type PlanInput } from "./planner.js";
import { isFinishedTask, type TaskState } from "./states.js";
import type { Topology } from "./topology.js";

/** The run state the task states imply, with what a person needs to see why. */
export type RunOutcome =
  | { readonly state: "running" }
  | { readonly state: "success" }
  | {
      readonly state: "failed";
      readonly reason: "leaf_failed";
      readonly failedLeaves: readonly string[];
    }
  | { readonly state: "failed"; readonly reason: "deadlock"; readonly stuck: readonly string[] };

/** Decides the run's state from its topology and task states (missing tasks are `none`). */
export function decideRunState(
  topology: Topology,
  states: ReadonlyMap<string, TaskState>,
): RunOutcome {
  const current = topology.ids.map((id) => states.get(id) ?? "none");
  let unfinished = 0;
  let progressing = false;
  for (const state of current) {
    if (isFinishedTask(state)) continue;
    unfinished++;
    if (state !== "none") progressing = true;
  }
  if (unfinished === 0) return leafOutcome(topology, current);
  if (progressing) return { state: "running" };
  const input: PlanInput = { states };
  if (planRunDetailed(topology, input).transitions.length > 0) return { state: "running" };
  const stuck = topology.ids.filter((_, i) => current[i] === "none");
  return { state: "failed", reason: "deadlock", stuck };
}

function leafOutcome(topology: Topology, current: readonly TaskState[]): RunOutcome {
  const failedLeaves: string[] = [];
  for (const i of topology.leaves) {
    const state = current[i];
    if (state === "failed" || state === "upstream_failed") failedLeaves.push(topology.ids[i] ?? "");
  }
  if (failedLeaves.length > 0) return { state: "failed", reason: "leaf_failed", failedLeaves };
  return { state: "success" };
}
