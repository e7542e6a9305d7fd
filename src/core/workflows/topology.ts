/**
 * @module core/workflows/topology
 * A run's task graph compiled once into arrays the planner walks in linear time: task ids in
 * declaration order, each task's trigger rule, its direct upstreams (compressed rows of
 * indexes), a topological order (Kahn's algorithm, ties kept in declaration order, so every
 * replica walks the same order) and the leaves (tasks nothing depends on).
 *
 * Compiling checks what the planner relies on and throws a ValidationError naming the task:
 * duplicate ids, unknown upstream ids, a task depending on itself, and cycles (the message
 * names one cycle). A repeated upstream id counts once, as in Airflow (upstreams are a set).
 */
import { ValidationError } from "../errors.js";
import { DEFAULT_TRIGGER_RULE, isTriggerRule, type TriggerRule } from "./trigger-rules.js";

/** One task as the planner sees it: its id, its direct upstreams, its trigger rule. */
export interface PlannerTask {
  readonly id: string;
  /** Ids of the tasks this one depends on directly (Airflow's `upstream_task_ids`). */
  readonly upstream?: readonly string[];
  /** Defaults to `all_success`. */
  readonly triggerRule?: TriggerRule;
}

/** A compiled, validated run graph. Immutable; build it with `compileTopology`. */
export interface Topology {
  /** Task ids in declaration order; a task's index is its position here. */
  readonly ids: readonly string[];
  /** Task id -> index. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Trigger rule per task index. */
  readonly rules: readonly TriggerRule[];
  /** Upstreams of task i are `upstream[upstreamStart[i] .. upstreamStart[i + 1])`. */
  readonly upstreamStart: Int32Array;
  readonly upstream: Int32Array;
  /** Every task index once, upstreams before downstreams, ties in declaration order. */
  readonly order: Int32Array;
  /** Indexes of tasks no other task depends on, ascending. */
  readonly leaves: readonly number[];
}

/** The direct upstream indexes of task `i`. */
export function upstreamsOf(topology: Topology, i: number): Int32Array {
  return topology.upstream.subarray(topology.upstreamStart[i], topology.upstreamStart[i + 1]);
}

/**
 * Compiles and validates `tasks` in O(tasks + edges). Throws ValidationError for a duplicate
 * id, an unknown or self upstream, an unknown trigger rule, or a cycle (named in the message).
 */
export function compileTopology(tasks: readonly PlannerTask[]): Topology {
  const indexOf = indexTasks(tasks);
  const rules = tasks.map(ruleOf);
  const upstreamStart = new Int32Array(tasks.length + 1);
  const edges: number[] = [];
  const hasDownstream = new Uint8Array(tasks.length);
  tasks.forEach((task, i) => {
    const seen = new Set<number>();
    for (const up of task.upstream ?? []) {
      const j = indexOf.get(up);
      if (j === undefined) {
        throw new ValidationError(
          `task "${task.id}" depends on unknown task "${up}": declare "${up}" or remove it from its upstreams`,
        );
      }
      if (j === i)
        throw new ValidationError(
          `task "${task.id}" depends on itself: remove it from its upstreams`,
        );
      if (seen.has(j)) continue;
      seen.add(j);
      edges.push(j);
      hasDownstream[j] = 1;
    }
    upstreamStart[i + 1] = edges.length;
  });
  const upstream = Int32Array.from(edges);
  const order = topologicalOrder(tasks, upstreamStart, upstream);
  const leaves: number[] = [];
  for (let i = 0; i < tasks.length; i++) if (hasDownstream[i] === 0) leaves.push(i);
  return { ids: tasks.map((t) => t.id), indexOf, rules, upstreamStart, upstream, order, leaves };
}

function indexTasks(tasks: readonly PlannerTask[]): Map<string, number> {
  const indexOf = new Map<string, number>();
  tasks.forEach((task, i) => {
    if (indexOf.has(task.id)) {
      throw new ValidationError(
        `task id "${task.id}" is declared twice: task ids must be unique in a workflow`,
      );
    }
    indexOf.set(task.id, i);
  });
  return indexOf;
}

function ruleOf(task: PlannerTask): TriggerRule {
  const rule = task.triggerRule ?? DEFAULT_TRIGGER_RULE;
  if (!isTriggerRule(rule)) {
    throw new ValidationError(
      `task "${task.id}" has unknown trigger rule "${String(rule)}": use one of Airflow's rule names, e.g. "all_success"`,
    );
  }
  return rule;
}

/** Kahn's algorithm over downstream lists built from the upstream rows; throws on a cycle. */
function topologicalOrder(
  tasks: readonly PlannerTask[],
  upstreamStart: Int32Array,
  upstream: Int32Array,
): Int32Array {
  const n = tasks.length;
  const pending = new Int32Array(n);
  const downStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) pending[i] = (upstreamStart[i + 1] ?? 0) - (upstreamStart[i] ?? 0);
  for (const j of upstream) downStart[j + 1] = (downStart[j + 1] ?? 0) + 1;
  for (let i = 0; i < n; i++) downStart[i + 1] = (downStart[i + 1] ?? 0) + (downStart[i] ?? 0);
  const fill = downStart.slice(0, n);
  const down = new Int32Array(upstream.length);
  for (let i = 0; i < n; i++) {
    for (let e = upstreamStart[i] ?? 0; e < (upstreamStart[i + 1] ?? 0); e++) {
      const j = upstream[e] ?? 0;
      const slot = fill[j] ?? 0;
      down[slot] = i;
      fill[j] = slot + 1;
    }
  }
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) if (pending[i] === 0) order[tail++] = i;
  while (head < tail) {
    const i = order[head++] ?? 0;
    for (let e = downStart[i] ?? 0; e < (downStart[i + 1] ?? 0); e++) {
      const k = down[e] ?? 0;
      const left = (pending[k] ?? 0) - 1;
      pending[k] = left;
      if (left === 0) order[tail++] = k;
    }
  }
  if (tail < n) throw cycleError(tasks, pending, upstreamStart, upstream);
  return order;
}

/** Names one cycle among the tasks Kahn's algorithm could not order (pending > 0). */
function cycleError(
  tasks: readonly PlannerTask[],
  pending: Int32Array,
  upstreamStart: Int32Array,
  upstream: Int32Array,
): ValidationError {
  const start = pending.findIndex((p) => p > 0);
  const step = new Map<number, number>();
  let at = start;
  // Every unordered task has an unordered upstream, so this walk must revisit a task.
  while (!step.has(at)) {
    step.set(at, step.size);
    let next = -1;
    for (let e = upstreamStart[at] ?? 0; e < (upstreamStart[at + 1] ?? 0); e++) {
      const j = upstream[e] ?? 0;
      if ((pending[j] ?? 0) > 0) {
        next = j;
        break;
      }
    }
    at = next;
  }
  const walk = [...step.keys()].slice(step.get(at));
  const names = [...walk.reverse(), walk[0] ?? at].map((i) => tasks[i]?.id ?? "?");
  return new ValidationError(
    `the workflow's tasks form a cycle: ${names.join(" -> ")}; remove one of these dependencies`,
  );
}
