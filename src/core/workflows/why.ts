/**
 * @module core/workflows/why
 * "Why isn't it running?" for one task of a run, from the planner's own view, as a structured
 * answer the runtime turns into words (and adds what only it knows: the workflow paused, the
 * leader missing, a job's concurrency key or `maxPending`).
 *
 * The answer describes the task after the planner's current transitions are applied, i.e. what
 * holds it once this plan is written: its trigger rule and the upstreams it still waits for,
 * the `maxActiveTasks` cap, or its retry delay; or that it is already dispatched, running,
 * finished, or about to be scheduled/ended by this plan.
 */
import { NotFoundError } from "../errors.js";
import { planRunDetailed, upstreamCounts, type PlanInput, type Transition } from "./planner.js";
import { isFinishedTask, type TaskState } from "./states.js";
import { upstreamsOf, type Topology } from "./topology.js";
import type { TriggerRule, UpstreamCounts } from "./trigger-rules.js";

/** One direct upstream and its state. */
export interface UpstreamState {
  readonly taskId: string;
  readonly state: TaskState;
}

/** A structured answer to "why isn't this task running?". */
export type WhyAnswer =
  /** This plan moves the task (scheduled, queued, skipped or upstream_failed): `transitions`. */
  | { readonly kind: "planned"; readonly transitions: readonly Transition[] }
  /** Already dispatched (`queued`: its job waits for a worker) or `running`. */
  | { readonly kind: "active"; readonly state: "queued" | "running" }
  /** Finished for this run. */
  | { readonly kind: "finished"; readonly state: TaskState }
  /** Waiting for its retry delay: due at `dueAt`, `remainingMs` from `now`. */
  | { readonly kind: "retry_delay"; readonly dueAt: number; readonly remainingMs: number }
  /** Rule met but held `scheduled`: `active` tasks hold all `maxActiveTasks` slots. */
  | { readonly kind: "max_active_tasks"; readonly active: number; readonly maxActiveTasks: number }
  /**
   * Its trigger rule is not met yet: `waitingFor` lists the unfinished direct upstreams. When
   * every upstream is finished but the rule still waits (a `removed` upstream), `waitingFor` is
   * empty and the task can never run (`never: true`).
   */
  | {
      readonly kind: "trigger_rule";
      readonly rule: TriggerRule;
      readonly upstream: UpstreamCounts;
      readonly waitingFor: readonly UpstreamState[];
      readonly never: boolean;
    };

/**
 * Explains why task `taskId` of the run is not running. O(tasks + edges). Throws NotFoundError
 * for a task id the topology does not have.
 */
export function explainTask(topology: Topology, input: PlanInput, taskId: string): WhyAnswer {
  const i = topology.indexOf.get(taskId);
  if (i === undefined) {
    throw new NotFoundError(
      `task "${taskId}" is not in this run's workflow; known tasks: ${topology.ids.slice(0, 20).join(", ")}`,
    );
  }
  const plan = planRunDetailed(topology, input);
  const mine = plan.transitions.filter((t) => t.taskId === taskId);
  const state = plan.effective[i] ?? "none";
  if (state === "scheduled") {
    return { kind: "max_active_tasks", active: plan.active, maxActiveTasks: plan.maxActiveTasks };
  }
  if (mine.length > 0) return { kind: "planned", transitions: mine };
  if (state === "queued" || state === "running") return { kind: "active", state };
  if (isFinishedTask(state)) return { kind: "finished", state };
  if (state === "up_for_retry") {
    const dueAt = input.retryDueAt?.get(taskId) ?? Number.NEGATIVE_INFINITY;
    const now = input.now ?? Number.POSITIVE_INFINITY;
    return { kind: "retry_delay", dueAt, remainingMs: Math.max(0, dueAt - now) };
  }
  const waitingFor: UpstreamState[] = [];
  for (const j of upstreamsOf(topology, i)) {
    const upState = plan.effective[j] ?? "none";
    if (!isFinishedTask(upState))
      waitingFor.push({ taskId: topology.ids[j] ?? "", state: upState });
  }
  return {
    kind: "trigger_rule",
    rule: topology.rules[i] ?? "all_success",
    upstream: upstreamCounts(topology, plan.effective, i),
    waitingFor,
    never: waitingFor.length === 0,
  };
}
