/**
 * @module stores/postgres/workflows/put-workflow
 * Statement family: writing workflow rows — put (create or replace the definition), delete,
 * pause/resume. Each is one statement (pause/resume: one data-modifying CTE that also records
 * the history entry), so each is atomic without an explicit transaction; the put and delete
 * functions take a Queryable so a reconcile plan runs them in its own transaction.
 *
 *   put     INSERT ... ON CONFLICT (name) DO UPDATE of the definition, next_run_after and
 *           updated_at only, and only when the stored source is the given one; runtime state
 *           (paused, note, cursor), created_at, runs and history are kept. No row back: the
 *           name is held by a workflow of the other source (ConflictError).
 *   delete  DELETE by name; runs, task instances and history go with it (ON DELETE CASCADE).
 *           Jobs of its runs are kept.
 */
import { ConflictError } from "../../../core/errors.js";
import type { ObjectSource } from "../../../core/object-source.js";
import type { WorkflowDefinition } from "../../../core/workflows/definition.js";
import type { StoredWorkflow } from "../../../core/workflows/store-types.js";
import { exec, type Queryable } from "../database.js";
import { rowToWorkflow, WORKFLOW_COLUMNS, type WorkflowRow } from "./workflow-row.js";

/** Create or replace a workflow's definition (see the module header). */
export async function putWorkflow(
  q: Queryable,
  s: string,
  definition: WorkflowDefinition,
  source: ObjectSource,
  nextRunAfter: number | null,
  now: number,
): Promise<StoredWorkflow> {
  // Contract: inputs name, definition JSON, source, next look, now; inserts an unpaused
  // workflow with no cursor, or rewrites the definition and next look of the one of the same
  // source (ON CONFLICT waits for a concurrent insert of the name). No row: other source.
  const { rows } = await exec<WorkflowRow>(
    q,
    `INSERT INTO ${s}.workflows (name, definition, source, next_run_after, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (name) DO UPDATE
        SET definition = EXCLUDED.definition, next_run_after = EXCLUDED.next_run_after,
            updated_at = EXCLUDED.updated_at
      WHERE ${s}.workflows.source = EXCLUDED.source
     RETURNING ${WORKFLOW_COLUMNS}`,
    [definition.name, JSON.stringify(definition), source, nextRunAfter, now],
  );
  const row = rows[0];
  if (row !== undefined) return rowToWorkflow(row);
  const other = source === "api" ? "config" : "api";
  throw new ConflictError(
    `workflow "${definition.name}" already exists with source "${other}"; ` +
      (other === "config"
        ? `it is managed by kairos.yaml (apply): change it there, or choose another name`
        : `it was created through the API/library: delete it there first, or choose another name`),
    "",
  );
}

/** Delete a workflow with its runs, task instances and history; false when unknown. */
export async function deleteWorkflow(q: Queryable, s: string, name: string): Promise<boolean> {
  // Contract: input a name; deletes the workflow and (cascade) its runs, tasks and history.
  const { rowCount } = await exec(q, `DELETE FROM ${s}.workflows WHERE name = $1`, [name]);
  return rowCount === 1;
}

/** Pause or resume, recording it in history; null when unknown. One statement. */
export async function setWorkflowPaused(
  q: Queryable,
  s: string,
  name: string,
  paused: boolean,
  note: string | null,
  now: number,
): Promise<StoredWorkflow | null> {
  // Contract: inputs name, paused, note, now; sets paused and its note and appends a
  // `paused`/`resumed` entry (reason = the note) for the row updated, in one statement.
  const { rows } = await exec<WorkflowRow>(
    q,
    `WITH w AS (
       UPDATE ${s}.workflows SET paused = $2, pause_note = $3, updated_at = $4
        WHERE name = $1
       RETURNING ${WORKFLOW_COLUMNS}
     ), h AS (
       INSERT INTO ${s}.workflow_history (workflow, at, kind, logical_date, run_id, reason)
       SELECT name, $4, CASE WHEN $2::boolean THEN 'paused' ELSE 'resumed' END, NULL, NULL, $3
         FROM w
     )
     SELECT ${WORKFLOW_COLUMNS} FROM w`,
    [name, paused, note, now],
  );
  const row = rows[0];
  return row === undefined ? null : rowToWorkflow(row);
}
