/**
 * @module stores/sqlite/workflows/start-runs
 * Statement family: starting queued runs. One `BEGIN IMMEDIATE` transaction (the SQLite form
 * of locking the workflow row): reads the workflow (nothing for a paused or unknown one),
 * counts its `running` runs, and moves the oldest `queued` runs by logical date to `running`
 * while fewer than the workflow's `maxActiveRuns` run (`started_at` = `last_progress_at` =
 * now, `needs_plan` set).
 */
import type Database from "better-sqlite3";
import type { WorkflowDefinition } from "../../../core/workflows/definition.js";
import type { StoredRun } from "../../../ports/workflow-store.js";
import { type RunRow, rowToRun } from "./rows.js";

/** Prepare the statements once; the returned function starts runs of one workflow atomically. */
export function prepareStartRuns(
  db: Database.Database,
): (workflow: string, now: number) => StoredRun[] {
  // Contract: the workflow's pause and definition, under the write lock.
  const workflowOf = db.prepare<[string], { paused: 0 | 1; definition: string }>(
    "SELECT paused, definition FROM workflows WHERE name = ?",
  );
  // Contract: how many runs of the workflow hold a maxActiveRuns slot: running, or stopped after
  // they started (a stopped run resumes in its slot) (workflow_runs_workflow_state_idx).
  const countRunning = db.prepare<[string], { n: number }>(
    `SELECT COUNT(*) AS n FROM workflow_runs
      WHERE workflow = ? AND (state = 'running' OR (state = 'stopped' AND started_at IS NOT NULL))`,
  );
  // Contract: starts the oldest `limit` queued runs of the workflow, returning them.
  const start = db.prepare<{ now: number; workflow: string; limit: number }, RunRow>(
    `UPDATE workflow_runs
        SET state = 'running', started_at = @now, last_progress_at = @now, needs_plan = 1,
            updated_at = @now
      WHERE id IN (SELECT id FROM workflow_runs WHERE workflow = @workflow AND state = 'queued'
                    ORDER BY logical_date LIMIT @limit)
      RETURNING *`,
  );

  const startRuns = db.transaction((workflow: string, now: number): StoredRun[] => {
    const wf = workflowOf.get(workflow);
    if (wf === undefined || wf.paused === 1) return [];
    const def = JSON.parse(wf.definition) as WorkflowDefinition;
    const free = def.maxActiveRuns - (countRunning.get(workflow)?.n ?? 0);
    if (free <= 0) return [];
    return start
      .all({ now, workflow, limit: free })
      .map(rowToRun)
      .sort((a, b) => a.logicalDate - b.logicalDate);
  });

  return (workflow, now) => startRuns.immediate(workflow, now);
}
