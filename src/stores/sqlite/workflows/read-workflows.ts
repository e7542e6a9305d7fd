/**
 * @module stores/sqlite/workflows/read-workflows
 * Statement family: reading workflows — by name, list (by source), due ones and the next look
 * (unpaused only, `workflows_due_idx`), and names of unpaused workflows with queued runs.
 */
import type Database from "better-sqlite3";
import type { ObjectSource } from "../../../core/object-source.js";
import type { StoredWorkflow } from "../../../ports/workflow-store.js";
import { clampLimit } from "../arguments.js";
import { rowToWorkflow, type WorkflowRow } from "./rows.js";

/** Prepare the workflow reads once. */
export function prepareWorkflowReads(db: Database.Database) {
  // Contract: one workflow by its primary key.
  const byName = db.prepare<[string], WorkflowRow>("SELECT * FROM workflows WHERE name = ?");
  // Contract: every workflow, or those of one source, by name.
  const list = db.prepare<{ source: string | null }, WorkflowRow>(
    "SELECT * FROM workflows WHERE @source IS NULL OR source = @source ORDER BY name",
  );
  // Contract: unpaused workflows due at `now`, earliest first (workflows_due_idx).
  const due = db.prepare<[number, number], WorkflowRow>(
    `SELECT * FROM workflows WHERE paused = 0 AND next_run_after IS NOT NULL AND next_run_after <= ?
      ORDER BY next_run_after, name LIMIT ?`,
  );
  // Contract: the earliest next look of unpaused workflows (workflows_due_idx).
  const next = db.prepare<[], { at: number | null }>(
    `SELECT MIN(next_run_after) AS at FROM workflows
      WHERE paused = 0 AND next_run_after IS NOT NULL`,
  );
  // Contract: unpaused workflows having a queued run (workflow_runs_workflow_state_idx probe).
  const withQueued = db.prepare<[number], { name: string }>(
    `SELECT w.name FROM workflows w
      WHERE w.paused = 0
        AND EXISTS (SELECT 1 FROM workflow_runs r WHERE r.workflow = w.name AND r.state = 'queued')
      ORDER BY w.name LIMIT ?`,
  );

  return {
    get(name: string): StoredWorkflow | null {
      const row = byName.get(name);
      return row === undefined ? null : rowToWorkflow(row);
    },
    list(source?: ObjectSource): StoredWorkflow[] {
      return list.all({ source: source ?? null }).map(rowToWorkflow);
    },
    due(now: number, limit: number): StoredWorkflow[] {
      return due.all(now, clampLimit(limit, 100, 10_000)).map(rowToWorkflow);
    },
    nextRunAfter(): number | null {
      return next.get()?.at ?? null;
    },
    withQueuedRuns(limit: number): string[] {
      return withQueued.all(clampLimit(limit, 100, 10_000)).map((r) => r.name);
    },
  };
}
