/**
 * @module stores/sqlite/workflows/history
 * Statement family: a workflow's history (runs created, intervals skipped, pauses). Appends
 * run inside the caller's transaction; reads are newest first (by insertion order).
 */
import type Database from "better-sqlite3";
import type { WorkflowHistoryEntry } from "../../../ports/workflow-store.js";
import { clampLimit } from "../arguments.js";

interface HistoryRow {
  workflow: string;
  at: number;
  kind: WorkflowHistoryEntry["kind"];
  logical_date: number | null;
  run_id: number | null;
  reason: string | null;
}

/** An entry to append (the run id as the rowid, or null). */
export interface NewWorkflowHistory {
  readonly workflow: string;
  readonly at: number;
  readonly kind: WorkflowHistoryEntry["kind"];
  readonly logicalDate: number | null;
  readonly runId: number | null;
  readonly reason: string | null;
}

/** Prepare the history statements once. */
export function prepareWorkflowHistory(db: Database.Database) {
  // Contract: appends one entry; the caller holds the write lock.
  const insert = db.prepare<NewWorkflowHistory>(
    `INSERT INTO workflow_history (workflow, at, kind, logical_date, run_id, reason)
     VALUES (@workflow, @at, @kind, @logicalDate, @runId, @reason)`,
  );
  // Contract: a workflow's entries newest first, at most `limit`
  // (workflow_history_workflow_idx, read backwards).
  const list = db.prepare<[string, number], HistoryRow>(
    `SELECT workflow, at, kind, logical_date, run_id, reason FROM workflow_history
      WHERE workflow = ? ORDER BY id DESC LIMIT ?`,
  );
  return {
    append(entry: NewWorkflowHistory): void {
      insert.run(entry);
    },
    list(workflow: string, limit?: number): WorkflowHistoryEntry[] {
      return list.all(workflow, clampLimit(limit, 100, 10_000)).map((row) => ({
        workflow: row.workflow,
        at: row.at,
        kind: row.kind,
        logicalDate: row.logical_date,
        runId: row.run_id === null ? null : String(row.run_id),
        reason: row.reason,
      }));
    },
  };
}
