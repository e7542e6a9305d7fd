/**
 * @module core/workflows/run-topology
 * Shared helpers of the run decisions: a run's topology compiled once per definition object
 * (`topologyOf`, memoized in a WeakMap), task definitions by id, the planner's input read from a
 * snapshot, and a task instance as the row a RunChange writes.
 */
import { NotFoundError } from "../errors.js";
import type { TaskDefinition, WorkflowDefinition } from "./definition.js";
import type { PlanInput } from "./planner.js";
import type { TaskState } from "./states.js";
import type { StoredTaskInstance, TaskInstanceWrite } from "./store-types.js";
import { compileTopology, type Topology } from "./topology.js";

interface Compiled {
  readonly topology: Topology;
  readonly tasks: ReadonlyMap<string, TaskDefinition>;
}

const memo = new WeakMap<WorkflowDefinition, Compiled>();

function compiled(definition: WorkflowDefinition): Compiled {
  let hit = memo.get(definition);
  if (hit === undefined) {
    const topology = compileTopology(
      definition.tasks.map((t) => ({
        id: t.id,
        upstream: t.dependsOn,
        triggerRule: t.triggerRule,
      })),
    );
    hit = { topology, tasks: new Map(definition.tasks.map((t) => [t.id, t])) };
    memo.set(definition, hit);
  }
  return hit;
}

/** The compiled topology of a run's definition; compiled once per definition object. */
export function topologyOf(definition: WorkflowDefinition): Topology {
  return compiled(definition).topology;
}

/** The definition of task `taskId`; NotFoundError naming the workflow when it has none. */
export function taskDefinitionOf(definition: WorkflowDefinition, taskId: string): TaskDefinition {
  const task = compiled(definition).tasks.get(taskId);
  if (task === undefined) {
    throw new NotFoundError(`workflow "${definition.name}" has no task "${taskId}"`);
  }
  return task;
}

/** A task instance as the row a RunChange writes (keys, outcome and updatedAt dropped). */
export function toWrite(task: StoredTaskInstance | TaskInstanceWrite): TaskInstanceWrite {
  return {
    taskId: task.taskId,
    state: task.state,
    tryNumber: task.tryNumber,
    maxTries: task.maxTries,
    jobId: task.jobId,
    retryDueAt: task.retryDueAt,
    queuedAt: task.queuedAt,
    startedAt: task.startedAt,
    finishedAt: task.finishedAt,
    error: task.error,
    note: task.note,
  };
}

/** The planner's input for these task rows. */
export function planInputOf(
  tasks: Iterable<TaskInstanceWrite>,
  now: number,
  maxActiveTasks?: number,
): PlanInput {
  const states = new Map<string, TaskState>();
  const retryDueAt = new Map<string, number>();
  for (const t of tasks) {
    states.set(t.taskId, t.state);
    if (t.state === "up_for_retry" && t.retryDueAt !== null) retryDueAt.set(t.taskId, t.retryDueAt);
  }
  return maxActiveTasks === undefined
    ? { states, retryDueAt, now }
    : { states, retryDueAt, now, maxActiveTasks };
}

/** The task rows of a run, keyed by id, with the set of those a decision rewrote. */
export class TaskRows {
  readonly rows = new Map<string, TaskInstanceWrite>();
  readonly written = new Set<string>();
  constructor(tasks: readonly StoredTaskInstance[]) {
    for (const t of tasks) {
      this.rows.set(t.taskId, toWrite(t));
      if (t.outcome !== null) this.written.add(t.taskId);
    }
  }
  /** The current row of `taskId` (NotFoundError when the run has no such task). */
  get(taskId: string): TaskInstanceWrite {
    const row = this.rows.get(taskId);
    if (row === undefined) throw new NotFoundError(`this run has no task "${taskId}"`);
    return row;
  }
  /** Replace a row and mark it written. */
  set(row: TaskInstanceWrite): void {
    this.rows.set(row.taskId, row);
    this.written.add(row.taskId);
  }
  /** The written rows, in the run's task order. */
  writes(): TaskInstanceWrite[] {
    return [...this.rows.values()].filter((r) => this.written.has(r.taskId));
  }
}
