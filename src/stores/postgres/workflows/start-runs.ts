/**
 * @module stores/postgres/workflows/start-runs
 * Statement family: starting queued runs under the workflow's `maxActiveRuns`.
 *
 * One transaction locks the workflow row (`FOR UPDATE`): two processes starting runs of one
 * workflow serialize there, so the count of `running` runs the second reads includes the
 * first's starts, and maxActiveRuns holds across processes. A paused or unknown workflow
 * starts nothing. The oldest queued runs (by logical date) become `running` with
 * started_at = last_progress_at = now and needs_plan set (the planner queues their roots).
 */
import type { WorkflowDefinition } from "../../../core/workflows/definition.js";
import type { StoredRun } from "../../../core/workflows/store-types.js";
import { clampLimit } from "../arguments.js";
import { exec, type PgDatabase, type Queryable } from "../database.js";
import { rowToRun, runColumns, type RunRow } from "./workflow-row.js";

const RUN_COLUMNS = runColumns();

/** Start the oldest queued runs of `workflow` while fewer than maxActiveRuns run. */
export function startQueuedRuns(
  db: PgDatabase,
  workflow: string,
  now: number,
): Promise<StoredRun[]> {
  const { s } = db;
  return db.transaction(async (client): Promise<StoredRun[]> => {
    // Contract: input a name; its definition and pause flag, the row locked until the end of
    // the transaction.
    const { rows } = await exec<{ definition: string; paused: boolean }>(
      client,
      `SELECT definition, paused FROM ${s}.workflows WHERE name = $1 FOR UPDATE`,
      [workflow],
    );
    const row = rows[0];
    if (row === undefined || row.paused) return [];
    // Contract: input a name; how many of its runs hold a maxActiveRuns slot (running, or
    // stopped after they started: a stopped run resumes in its slot). A statement of its own, after
    // the lock: its snapshot includes the starts of the transaction we waited for (a subquery
    // of the locking SELECT would read the snapshot taken before the wait).
    const counted = await exec<{ n: number }>(
      client,
      `SELECT count(*) AS n FROM ${s}.workflow_runs
        WHERE workflow = $1 AND (state = 'running' OR (state = 'stopped' AND started_at IS NOT NULL))`,
      [workflow],
    );
    const { maxActiveRuns } = JSON.parse(row.definition) as WorkflowDefinition;
    const free = maxActiveRuns - (counted.rows[0]?.n ?? 0);
    if (free <= 0) return [];
    // Contract: inputs workflow, now, how many; the oldest queued runs become running.
    const started = await exec<RunRow>(
      client,
      `UPDATE ${s}.workflow_runs
          SET state = 'running', started_at = $2, last_progress_at = $2, needs_plan = true,
              updated_at = $2
        WHERE id IN (SELECT id FROM ${s}.workflow_runs
                      WHERE workflow = $1 AND state = 'queued'
                      ORDER BY logical_date LIMIT $3)
       RETURNING ${RUN_COLUMNS}`,
      [workflow, now, free],
    );
    return started.rows.map(rowToRun).sort((a, b) => a.logicalDate - b.logicalDate);
  });
}

/** Names of unpaused workflows that have queued runs, by name, at most `limit`. */
export async function workflowsWithQueuedRuns(
  q: Queryable,
  s: string,
  limit: number,
): Promise<string[]> {
  // Contract: input limit; names (workflow_runs_queued_idx probes per workflow).
  const { rows } = await exec<{ name: string }>(
    q,
    `SELECT w.name FROM ${s}.workflows AS w
      WHERE NOT w.paused
        AND EXISTS (SELECT 1 FROM ${s}.workflow_runs AS r
                     WHERE r.workflow = w.name AND r.state = 'queued')
      ORDER BY w.name LIMIT $1`,
    [clampLimit(limit, 0, 10_000)],
  );
  return rows.map((r) => r.name);
}
