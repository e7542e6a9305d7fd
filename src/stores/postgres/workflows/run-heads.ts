/**
 * @module stores/postgres/workflows/run-heads
 * Reading one run without reading and parsing its definition again. A run's definition is
 * frozen when the run is created (no statement updates it) and can be large (a 10,000-task
 * fan-out is megabytes of JSON), while the planner (`updateRun`), `getRun` and every task
 * job's `ctx.run` (`taskContext`) read the run over and over. So those read the run's other
 * columns (its "head"), and the definition comes from a per-store cache of parsed, deeply
 * frozen definitions, read and parsed only on a miss.
 *
 * A cache entry is keyed by the run's id and checked against its (workflow, logical date,
 * created_at), so a run deleted and another created with a reused id is never handed the old
 * definition. Each entry also holds the definition's tasks by id (O(1) lookup).
 */
import type { TaskDefinition, WorkflowDefinition } from "../../../core/workflows/definition.js";
import type { StoredRun } from "../../../ports/workflow-store.js";
import { exec, type Queryable } from "../database.js";
import { parseDefinition, rowToRunWith, type RunHeadRow } from "./workflow-row.js";

/** Parsed definitions a store keeps by default (the runs being planned at once). */
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

function stampOf(row: RunHeadRow): string {
  return `${row.workflow}\u0000${row.logical_date}\u0000${row.created_at}`;
}

/**
 * A bounded (least recently used first out) cache of parsed run definitions for one store
 * instance. Entries are deeply frozen; callers must not (and cannot) mutate them.
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
  get(row: RunHeadRow): CachedDefinition | undefined {
    const key = String(row.id);
    const hit = this.#entries.get(key);
    if (hit === undefined || hit.stamp !== stampOf(row)) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit;
  }

  /** Parse `text` (the run's stored definition), freeze it, keep it; returns it. */
  put(row: RunHeadRow, text: string): CachedDefinition {
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

/** The columns of `workflow_runs` but `definition`, in `RunHeadRow` order; qualified by `alias`. */
export function runHeadColumns(alias?: string): string {
  const p = alias === undefined ? "" : `${alias}.`;
  return [
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
  ]
    .map((c) => p + c)
    .join(", ");
}

/**
 * The definition of the run of `row`: cached, or read (one statement, primary key) and
 * parsed; null when the run no longer exists.
 */
export async function definitionOf(
  q: Queryable,
  s: string,
  cache: RunDefinitionCache,
  row: RunHeadRow,
): Promise<CachedDefinition | null> {
  const hit = cache.get(row);
  if (hit !== undefined) return hit;
  // Contract: input a run id; its definition (primary key).
  const { rows } = await exec<{ definition: string }>(
    q,
    `SELECT definition FROM ${s}.workflow_runs WHERE id = $1`,
    [row.id],
  );
  return rows[0] === undefined ? null : cache.put(row, rows[0].definition);
}

/** The run of a head row, its definition from `cache` (or read); null when it is gone. */
export async function runFromHead(
  q: Queryable,
  s: string,
  cache: RunDefinitionCache,
  row: RunHeadRow,
): Promise<StoredRun | null> {
  const cached = await definitionOf(q, s, cache, row);
  return cached === null ? null : rowToRunWith(row, cached.definition);
}
