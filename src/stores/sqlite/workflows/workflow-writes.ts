/**
 * @module stores/sqlite/workflows/workflow-writes
 * Statement family: writing workflow rows — put (create or replace the definition, keeping the
 * runtime state), delete (runs, task instances and history by cascade), pause/resume. The
 * functions run inside the caller's transaction (the store's, or a reconcile plan's), so a
 * plan's `put_workflow`/`delete_workflow` share its all-or-nothing transaction.
 */
import type Database from "better-sqlite3";
import { ConflictError } from "../../../core/errors.js";
import type { ObjectSource } from "../../../core/object-source.js";
import type { WorkflowDefinition } from "../../../core/workflows/definition.js";
import type { StoredWorkflow } from "../../../ports/workflow-store.js";
import { prepareWorkflowHistory } from "./history.js";
import { rowToWorkflow, type WorkflowRow } from "./rows.js";

/** The prepared workflow writes (call inside a write transaction). */
export interface WorkflowWrites {
  /** Create or replace; ConflictError when a workflow of the other source has the name. */
  put(
    definition: WorkflowDefinition,
    source: ObjectSource,
    nextRunAfter: number | null,
    now: number,
  ): StoredWorkflow;
  /** Delete with its runs, tasks and history; false when unknown. */
  remove(name: string): boolean;
  /** Pause or resume, recorded in history; null when unknown. */
  setPaused(name: string, paused: boolean, note: string | null, now: number): StoredWorkflow | null;
}

/** Prepare the workflow write statements once. */
export function prepareWorkflowWrites(db: Database.Database): WorkflowWrites {
  const history = prepareWorkflowHistory(db);
  // Contract: a workflow row by name, read under the caller's write lock.
  const byName = db.prepare<[string], WorkflowRow>("SELECT * FROM workflows WHERE name = ?");
  // Contract: inserts a new workflow, unpaused, with no cursor.
  const insert = db.prepare<{
    name: string;
    def: string;
    source: string;
    next: number | null;
    now: number;
  }>(
    `INSERT INTO workflows (name, definition, source, next_run_after, created_at, updated_at)
     VALUES (@name, @def, @source, @next, @now, @now)`,
  );
  // Contract: replaces the definition and next_run_after; runtime state kept.
  const replace = db.prepare<{ name: string; def: string; next: number | null; now: number }>(
    `UPDATE workflows SET definition = @def, next_run_after = @next, updated_at = @now
      WHERE name = @name`,
  );
  // Contract: deletes a workflow; its runs, their task instances and its history cascade.
  const remove = db.prepare<[string]>("DELETE FROM workflows WHERE name = ?");
  // Contract: sets paused and its note (null on resume).
  const setPaused = db.prepare<{ name: string; paused: 0 | 1; note: string | null; now: number }>(
    `UPDATE workflows SET paused = @paused, pause_note = @note, updated_at = @now WHERE name = @name`,
  );

  const mustRead = (name: string): StoredWorkflow => rowToWorkflow(byName.get(name)!);

  return {
    put(definition, source, nextRunAfter, now) {
      const name = definition.name;
      const existing = byName.get(name);
      const params = { name, def: JSON.stringify(definition), next: nextRunAfter, now };
      if (existing === undefined) {
        insert.run({ ...params, source });
      } else {
        if (existing.source !== source) {
          throw new ConflictError(
            `workflow "${name}" already exists with source ${existing.source}, so a ` +
              `${source} definition cannot replace it; delete it first or choose another name`,
            name,
          );
        }
        replace.run(params);
      }
      return mustRead(name);
    },
    remove(name) {
      return remove.run(name).changes > 0;
    },
    setPaused(name, paused, note, now) {
      const changed = setPaused.run({
        name,
        paused: paused ? 1 : 0,
        note: paused ? note : null,
        now,
      });
      if (changed.changes === 0) return null;
      history.append({
        workflow: name,
        at: now,
        kind: paused ? "paused" : "resumed",
        logicalDate: null,
        runId: null,
        reason: note,
      });
      return mustRead(name);
    },
  };
}
