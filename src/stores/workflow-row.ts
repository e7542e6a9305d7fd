/**
 * @module stores/workflow-row
 * Driver-neutral mapping of the workflow tables' rows (workflows, workflow_runs,
 * task_instances, workflow_history, the job columns a run decision sees) to the port's records,
 * shared by both adapters, and the cache of parsed run definitions both keep.
 *
 * Ids are integers in the tables and decimal strings in the port; flags are 0/1 in SQLite and
 * booleans in PostgreSQL; definitions, params and errors are JSON text.
 */
import { StoreError } from "../core/errors.js";
import type { JobState } from "../core/jobs/states.js";
import type { ObjectSource } from "../core/object-source.js";
import type { TaskDefinition, WorkflowDefinition } from "../core/workflows/definition.js";
import type { RunState, TaskState } from "../core/workflows/states.js";
import type {
  RunType,
  StoredRun,
  StoredTaskInstance,
  StoredWorkflow,
  TaskJobView,
  TryOutcome,
  WorkflowHistoryEntry,
} from "../core/workflows/store-types.js";
import { parseJobError } from "./job-row.js";

/** A flag column: 0/1 in SQLite, a boolean in PostgreSQL. */
export type FlagColumn = boolean | 0 | 1;

/** A `workflows` row. */
export interface WorkflowRowOf<Flag extends FlagColumn> {
  name: string;
  definition: string;
  source: string;
  paused: Flag;
  pause_note: string | null;
  latest_logical_date: number | null;
  next_run_after: number | null;
  created_at: number;
  updated_at: number;
}

/** A `workflow_runs` row without its definition (the run's "head"). */
export interface RunHeadRowOf<Flag extends FlagColumn> {
  id: number;
  workflow: string;
  logical_date: number;
  interval_start: number;
  interval_end: number;
  run_type: string;
  state: string;
  params: string;
  note: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  last_progress_at: number;
  needs_plan: Flag;
  next_plan_at: number | null;
}

/** A whole `workflow_runs` row. */
export type RunRowOf<Flag extends FlagColumn> = RunHeadRowOf<Flag> & { definition: string };

/** A `task_instances` row. */
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

/** The columns of a task's job a decision sees (see `TaskJobView`). */
export interface TaskJobRow {
  id: number;
  state: string;
  started_at: number | null;
  finished_at: number | null;
  error: string | null;
  result: string | null;
  cancel_requested_at: number | null;
}

/** A `workflow_history` row. */
export interface WorkflowHistoryRow {
  workflow: string;
  at: number;
  kind: string;
  logical_date: number | null;
  run_id: number | null;
  reason: string | null;
}

/** The stored workflow of a row. */
export function rowToWorkflow(row: WorkflowRowOf<FlagColumn>): StoredWorkflow {
  return {
    name: row.name,
    definition: parseDefinition(row.definition, `workflow "${row.name}" definition`),
    source: row.source as ObjectSource,
    paused: row.paused === true || row.paused === 1,
    pauseNote: row.pause_note,
    latestLogicalDate: row.latest_logical_date,
    nextRunAfter: row.next_run_after,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The stored run of a whole row. */
export function rowToRun(row: RunRowOf<FlagColumn>): StoredRun {
  return rowToRunWith(row, parseDefinition(row.definition, `run ${row.id} definition`));
}

/** The stored run of a head row whose definition was parsed elsewhere (the cache). */
export function rowToRunWith(
  row: RunHeadRowOf<FlagColumn>,
  definition: WorkflowDefinition,
): StoredRun {
  return {
    id: String(row.id),
    workflow: row.workflow,
    logicalDate: row.logical_date,
    dataInterval: { start: row.interval_start, end: row.interval_end },
    runType: row.run_type as RunType,
    state: row.state as RunState,
    params: parseJson(row.params, `run ${row.id} params`) as Record<string, unknown>,
    definition,
    note: row.note,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    lastProgressAt: row.last_progress_at,
    needsPlan: row.needs_plan === true || row.needs_plan === 1,
    nextPlanAt: row.next_plan_at,
  };
}

/** The stored task instance of a row. */
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

/** The view of a task's job. */
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

/** The history entry of a row. */
export function rowToWorkflowHistory(row: WorkflowHistoryRow): WorkflowHistoryEntry {
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

/** Parsed definitions a cache keeps by default (the runs being planned at once). */
export const CACHED_DEFINITIONS = 16;

/** A parsed, deeply frozen run definition and its tasks by id. */
export interface CachedDefinition {
  readonly definition: WorkflowDefinition;
  readonly tasks: ReadonlyMap<string, TaskDefinition>;
}

interface Entry extends CachedDefinition {
  readonly stamp: string;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** What identifies a run beyond its id (a reused id never gets an old definition). */
type RunStamp = Pick<RunHeadRowOf<FlagColumn>, "id" | "workflow" | "logical_date" | "created_at">;

function stampOf(row: RunStamp): string {
  return `${row.workflow}\u0000${row.logical_date}\u0000${row.created_at}`;
}

/**
 * A bounded (least recently used first out) cache of parsed run definitions. A run's
 * definition never changes after the run is created and can be megabytes, while the planner
 * and every task job's `ctx.run` read the run over and over. An entry is keyed by the run's id
 * and checked against its (workflow, logical date, created_at). Entries are deeply frozen.
 */
export class RunDefinitionCache {
  readonly #entries = new Map<string, Entry>();
  readonly #capacity: number;
  /** How many definitions were parsed (misses); for tests and diagnostics. */
  parsed = 0;

  /** `capacity`: the most definitions kept (at least 1). */
  constructor(capacity: number = CACHED_DEFINITIONS) {
    this.#capacity = Math.max(1, capacity);
  }

  /** The cached definition of the run of `row`, or undefined (then call `put`). */
  get(row: RunStamp): CachedDefinition | undefined {
    const key = String(row.id);
    const hit = this.#entries.get(key);
    if (hit === undefined || hit.stamp !== stampOf(row)) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit;
  }

  /** Parse `text` (the run's stored definition), freeze it, keep it; returns it. */
  put(row: RunStamp, text: string): CachedDefinition {
    const definition = deepFreeze(parseDefinition(text, `run ${row.id} definition`));
    const tasks = new Map(definition.tasks.map((t) => [t.id, t] as const));
    const entry: Entry = { stamp: stampOf(row), definition, tasks };
    this.parsed++;
    const key = String(row.id);
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#capacity) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return entry;
  }
}
