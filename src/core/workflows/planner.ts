/**
 * @module core/workflows/planner
 * The pure run planner: from a run's compiled topology and its task states, the transitions
 * to apply now, each with its reason, in a deterministic order. One call is O(tasks + edges).
 *
 * 1. Trigger rules. Tasks are visited in topological order. A `none` task, or an
 *    `up_for_retry` task whose retry is due (`now >= retryDueAt`), is decided by its trigger
 *    rule over its direct upstreams (trigger-rules.ts): met -> `scheduled`; never met ->
 *    `skipped` or `upstream_failed`. Decisions made earlier in the same call count for the
 *    tasks after them, so a skip or failure propagates down the whole graph in one call (as
 *    Airflow's scheduler loop does until nothing changes).
 * 2. Dispatch. `scheduled` tasks (old and new, in topological order) move to `queued` while
 *    `queued + running < maxActiveTasks`; the others stay `scheduled` and are returned as held.
 *
 * A task may appear twice in `transitions` (none -> scheduled, then scheduled -> queued); apply
 * them in order. Differences from Airflow: an `up_for_retry` task goes straight to
 * `scheduled` once due (Airflow also re-checks its upstreams; ours were met before it ran and
 * a clear resets it to `none` instead), and there is no pool or priority weight: ties break by
 * topological then declaration order.
 */
import { ValidationError } from "../errors.js";
import { isActiveTask, type TaskState } from "./states.js";
import { upstreamsOf, type Topology } from "./topology.js";
import {
  countUpstream,
  decideTriggerRule,
  emptyCounts,
  type TriggerRule,
  type UpstreamCounts,
} from "./trigger-rules.js";

/** The run's current state as the planner needs it. */
export interface PlanInput {
  /** Task id -> state; a task missing here is `none`. */
  readonly states: ReadonlyMap<string, TaskState>;
  /** Task id -> epoch ms its retry is due, for `up_for_retry` tasks; missing = due now. */
  readonly retryDueAt?: ReadonlyMap<string, number>;
  /** The injected clock's now, epoch ms; needed only to decide retries. Default: +Infinity. */
  readonly now?: number;
  /** Cap on tasks `queued` + `running` in this run. Default: unlimited. Must be >= 1. */
  readonly maxActiveTasks?: number;
}

/** Why a transition was planned; structured so the runtime can word it (and record it). */
export type TransitionReason =
  | {
      readonly kind: "trigger_rule_met";
      readonly rule: TriggerRule;
      readonly upstream: UpstreamCounts;
    }
  | {
      readonly kind: "trigger_rule_unmeetable";
      readonly rule: TriggerRule;
      readonly upstream: UpstreamCounts;
    }
  /** `dueAt` is null when the input gave no due time (the retry counts as due). */
  | { readonly kind: "retry_due"; readonly dueAt: number | null }
  | { readonly kind: "dispatched"; readonly active: number; readonly maxActiveTasks: number };

/** One planned state change of one task. */
export interface Transition {
  readonly taskId: string;
  readonly from: TaskState;
  readonly to: TaskState;
  readonly reason: TransitionReason;
}

/** What the planner decided for one run. */
export interface RunPlan {
  /** In application order: trigger-rule decisions in topological order, then dispatches. */
  readonly transitions: readonly Transition[];
  /** Tasks left `scheduled` because `maxActiveTasks` is reached, in dispatch order. */
  readonly heldByCap: readonly string[];
  /** The earliest `retryDueAt` of a not-yet-due `up_for_retry` task, or null: when to plan next. */
  readonly nextRetryAt: number | null;
}

/** The planner's full view, shared with run-state.ts and why.ts (not part of the public API). */
export interface PlanDetail extends RunPlan {
  /** State per task index after applying `transitions`. */
  readonly effective: readonly TaskState[];
  /** Number of queued + running tasks after applying `transitions`. */
  readonly active: number;
  readonly maxActiveTasks: number;
}

/** Plans one run: the transitions to apply now, their reasons, and the tasks held by the cap. */
export function planRun(topology: Topology, input: PlanInput): RunPlan {
  const { transitions, heldByCap, nextRetryAt } = planRunDetailed(topology, input);
  return { transitions, heldByCap, nextRetryAt };
}

/** `planRun` plus the effective states; for the finalizer and the "why" helper. */
export function planRunDetailed(topology: Topology, input: PlanInput): PlanDetail {
  const maxActiveTasks = input.maxActiveTasks ?? Number.POSITIVE_INFINITY;
  if (!(maxActiveTasks >= 1)) {
    throw new ValidationError(`maxActiveTasks must be >= 1, got ${String(maxActiveTasks)}`);
  }
  const now = input.now ?? Number.POSITIVE_INFINITY;
  const effective = topology.ids.map((id) => input.states.get(id) ?? "none");
  const transitions: Transition[] = [];
  let nextRetryAt: number | null = null;
  for (const i of topology.order) {
    const from = effective[i] ?? "none";
    let retry: RetryDue | null = null;
    if (from === "up_for_retry") {
      const dueAt = input.retryDueAt?.get(topology.ids[i] ?? "") ?? null;
      if (dueAt !== null && dueAt > now) {
        nextRetryAt = nextRetryAt === null ? dueAt : Math.min(nextRetryAt, dueAt);
        continue;
      }
      retry = { dueAt };
    } else if (from !== "none") continue;
    const next = decideTask(topology, effective, i, from, retry);
    if (next === null) continue;
    effective[i] = next.to;
    transitions.push(next);
  }
  return { ...dispatch(topology, effective, transitions, maxActiveTasks), nextRetryAt };
}

interface RetryDue {
  readonly dueAt: number | null;
}

/** The counts of task i's direct upstreams in `effective`. */
export function upstreamCounts(
  topology: Topology,
  effective: readonly TaskState[],
  i: number,
): UpstreamCounts {
  const ups = upstreamsOf(topology, i);
  const counts = emptyCounts(ups.length);
  for (const j of ups) countUpstream(counts, effective[j] ?? "none");
  return counts;
}

function decideTask(
  topology: Topology,
  effective: readonly TaskState[],
  i: number,
  from: TaskState,
  retry: RetryDue | null,
): Transition | null {
  const taskId = topology.ids[i] ?? "";
  if (retry !== null) {
    return { taskId, from, to: "scheduled", reason: { kind: "retry_due", dueAt: retry.dueAt } };
  }
  const rule = topology.rules[i] ?? "all_success";
  const upstream = upstreamCounts(topology, effective, i);
  const decision = decideTriggerRule(rule, upstream);
  if (decision === "wait") return null;
  if (decision === "run") {
    return { taskId, from, to: "scheduled", reason: { kind: "trigger_rule_met", rule, upstream } };
  }
  return {
    taskId,
    from,
    to: decision,
    reason: { kind: "trigger_rule_unmeetable", rule, upstream },
  };
}

function dispatch(
  topology: Topology,
  effective: TaskState[],
  transitions: Transition[],
  maxActiveTasks: number,
): Omit<PlanDetail, "nextRetryAt"> {
  let active = 0;
  for (const state of effective) if (isActiveTask(state)) active++;
  const heldByCap: string[] = [];
  for (const i of topology.order) {
    if (effective[i] !== "scheduled") continue;
    const taskId = topology.ids[i] ?? "";
    if (active >= maxActiveTasks) {
      heldByCap.push(taskId);
      continue;
    }
    transitions.push({
      taskId,
      from: "scheduled",
      to: "queued",
      reason: { kind: "dispatched", active, maxActiveTasks },
    });
    effective[i] = "queued";
    active++;
  }
  return { transitions, heldByCap, effective, active, maxActiveTasks };
}
