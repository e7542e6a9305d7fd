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
import { RunDefinitionCache } from "../../workflow-row.js";
import { type RunHeadRow, rowToRunWith } from "./rows.js";

const caches = new WeakMap<Database.Database, RunDefinitionCache>();

/** Prepare the reads once; the returned function reads run `id` (null when there is none). */
export function prepareRunHeads(db: Database.Database): (id: number) => StoredRun | null {
  let cache = caches.get(db);
  if (cache === undefined) {
    cache = new RunDefinitionCache();
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
    const hit = entries.get(row);
    if (hit !== undefined) return hit.definition;
    const text = definitionOf.get(row.id);
    return text === undefined ? null : entries.put(row, text).definition;
  };

  return (id) => {
    const row = head.get(id);
    if (row === undefined) return null;
    const parsed = definition(row);
    return parsed === null ? null : rowToRunWith(row, parsed);
  };
}
