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
import type { StoredRun } from "../../../ports/workflow-store.js";
import { type CachedDefinition, RunDefinitionCache } from "../../workflow-row.js";
import { exec, type Queryable } from "../database.js";
import { rowToRunWith, runHeadColumns, type RunHeadRow } from "./workflow-row.js";

export {
  CACHED_DEFINITIONS,
  type CachedDefinition,
  RunDefinitionCache,
} from "../../workflow-row.js";
export { runHeadColumns };

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
