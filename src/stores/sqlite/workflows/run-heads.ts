/**
 * @module stores/sqlite/workflows/run-heads
 * Statement family: reading one run by id without reading and parsing its definition again.
 * A run's definition is frozen when the run is created (no statement updates it) and can be
 * large (a 10,000-task fan-out is megabytes of JSON), while the planner and every task job's
 * `ctx.run` read the run over and over. So the run's other columns are read, and the
 * definition comes from a per-connection cache of parsed, deeply frozen definitions, read and
 * parsed only on a miss. A cache entry is keyed by the run's id and checked against its
 * (workflow, logical date, created_at), so a run deleted and another created later with the
 * same rowid is never handed the old definition.
 */
import type Database from "better-sqlite3";
import type { WorkflowDefinition } from "../../../core/workflows/definition.js";
import type { StoredRun } from "../../../ports/workflow-store.js";
import { type RunHeadRow, rowToRunWith } from "./rows.js";

/** Parsed definitions kept per connection (the runs being planned at once). */
const CACHED_DEFINITIONS = 16;

interface Entry {
  readonly stamp: string;
  readonly definition: WorkflowDefinition;
}

const caches = new WeakMap<Database.Database, Map<number, Entry>>();

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Prepare the reads once; the returned function reads run `id` (null when there is none). */
export function prepareRunHeads(db: Database.Database): (id: number) => StoredRun | null {
  let cache = caches.get(db);
  if (cache === undefined) {
    cache = new Map();
    caches.set(db, cache);
  }
  const entries = cache;
  // Contract: every column of one run but its definition (primary key).
  const head = db.prepare<[number], RunHeadRow>(
    `SELECT id, workflow, logical_date, interval_start, interval_end, run_type, state, params,
            note, created_at, started_at, finished_at, updated_at, last_progress_at,
            needs_plan, next_plan_at
       FROM workflow_runs WHERE id = ?`,
  );
  // Contract: one run's definition (primary key).
  const definitionOf = db
    .prepare<[number], string>("SELECT definition FROM workflow_runs WHERE id = ?")
    .pluck();

  const definition = (row: RunHeadRow): WorkflowDefinition | null => {
    const stamp = `${row.workflow}\u0000${row.logical_date}\u0000${row.created_at}`;
    const hit = entries.get(row.id);
    if (hit !== undefined && hit.stamp === stamp) return hit.definition;
    const text = definitionOf.get(row.id);
    if (text === undefined) return null;
    const parsed = deepFreeze(JSON.parse(text) as WorkflowDefinition);
    entries.delete(row.id);
    entries.set(row.id, { stamp, definition: parsed });
    if (entries.size > CACHED_DEFINITIONS) entries.delete(entries.keys().next().value!);
    return parsed;
  };

  return (id) => {
    const row = head.get(id);
    if (row === undefined) return null;
    const parsed = definition(row);
    return parsed === null ? null : rowToRunWith(row, parsed);
  };
}
