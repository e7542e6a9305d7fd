/**
 * @module stores/sqlite/schedules/apply-plan
 * Statement family: applying a reconcile plan. The whole plan runs in one `BEGIN IMMEDIATE`
 * transaction, in order; the first change that fails (ConflictError, NotFoundError,
 * ValidationError, a SQLite error) throws and rolls every earlier change of the plan back.
 *
 *   create_schedule  insert with the given cursor and fresh runtime state; ConflictError when
 *                    the name exists
 *   update_schedule  rewrite only the fields given (the others as stored), plus the cursor when
 *                    given; id, created_at, history and the rest of the runtime state are kept.
 *                    Its pre-fired jobs are cancelled first (`prefire-cancel.ts`, recorded
 *                    `prefire_cancelled`/`updated`, cursor moved back to their slot, so the
 *                    slot fires again under the new definition; a cursor given wins). When it
 *                    cancelled any and changes `jitterMs` without a cursor, the slot's due
 *                    time is re-derived with the new jitter (`rejittered`); with nothing
 *                    cancelled the cursor is kept (the new jitter applies from the next slot).
 *                    A change of `enabled` is recorded in history (`paused`/`resumed`, reason
 *                    `reconcile`). NotFoundError when the name is missing
 *   delete_schedule  delete with its history (cascade); its jobs are kept, except its
 *                    pre-fired ones (not yet due), which are cancelled. NotFoundError when
 *                    the name is missing
 * The pre-fired jobs the plan cancelled are returned, for the caller to announce.
 *   upsert_function / delete_function  see functions.ts (delete: NotFoundError when missing)
 *   put_workflow     create (source config) or replace a workflow keeping its runtime state
 *                    (../workflows/workflow-writes.ts); ConflictError over an api workflow
 *   delete_workflow  delete a workflow with its runs and history; NotFoundError when missing
 */
import type Database from "better-sqlite3";
import { ConflictError, NotFoundError, ValidationError } from "../../../core/errors.js";
import type {
  ApplyPlanOutcome,
  CancelledPrefire,
  PlanChange,
  ScheduleDeclaration,
  ScheduleRuntimeInit,
} from "../../../ports/schedule-store.js";
import { prepareWorkflowWrites } from "../workflows/workflow-writes.js";
import { prepareFunctions } from "./functions.js";
import { type NewHistoryEntry, prepareHistory } from "./history.js";
import { rejittered } from "../../schedule-prefire.js";
import { prepareCancelPrefired } from "./prefire-cancel.js";
import {
  checkCursor,
  type DeclarationParams,
  declarationToParams,
  rowToDeclaration,
  type ScheduleRow,
} from "./schedule-row.js";

/** The declared fields an update may change (the port omits name and source). */
const UPDATABLE = [
  "fn",
  "timing",
  "payloadJson",
  "enabled",
  "pauseNote",
  "overlap",
  "bufferLimit",
  "catchup",
  "catchupWindowMs",
  "jitterMs",
] as const satisfies readonly (keyof ScheduleDeclaration)[];

/** Prepare the plan statements once; the returned function applies a plan atomically. */
export function prepareApplyPlan(
  db: Database.Database,
): (changes: readonly PlanChange[], now: number) => ApplyPlanOutcome {
  const functions = prepareFunctions(db);
  const history = prepareHistory(db);
  const workflows = prepareWorkflowWrites(db);
  const cancelPrefired = prepareCancelPrefired(db);
  const { byName, byId, insert, updateDeclared, updateCursor, remove } = prepareStatements(db);

  const mustFind = (name: string, op: string): ScheduleRow => {
    const row = byName.get(name);
    if (row === undefined) {
      throw new NotFoundError(
        `schedule "${name}" does not exist, so ${op} cannot apply; nothing of the plan was applied`,
      );
    }
    return row;
  };

  const applyOne = (change: PlanChange, now: number, cancelled: CancelledPrefire[]): void => {
    switch (change.op) {
      case "create_schedule": {
        const params = declarationToParams(change.schedule);
        const existing = byName.get(params.name);
        if (existing !== undefined) throw nameTaken(params.name, existing.id);
        insert.run({ ...params, ...checkCursor(change.initial, "initial"), now });
        return;
      }
      case "update_schedule": {
        const row = mustFind(change.name, "update_schedule");
        const merged: ScheduleDeclaration = {
          ...rowToDeclaration(row),
          ...givenFields(change.fields),
        };
        const params = declarationToParams(merged);
        updateDeclared.run({ ...params, id: row.id, now });
        const cancelledHere = cancelPrefired(row.id, now, "updated");
        cancelled.push(...cancelledHere);
        if (change.cursor !== undefined) {
          updateCursor.run({ ...checkCursor(change.cursor, "cursor"), id: row.id, now });
        } else if (cancelledHere.length > 0 && params.jitterMs !== row.jitter_ms) {
          // The re-fired slot follows the new jitter (see the module header).
          const slot = byId.get(row.id)?.next_slot_at ?? null;
          const cursor = rejittered({ ...merged, id: String(row.id) }, slot);
          updateCursor.run({ ...cursor, id: row.id, now });
        }
        if (params.enabled !== row.enabled) history.append(row.id, [enabledEntry(params, now)]);
        return;
      }
      case "delete_schedule":
        cancelled.push(...cancelPrefired(mustFind(change.name, "delete_schedule").id, now, null));
        remove.run(change.name);
        return;
      case "upsert_function":
        functions.upsert(change.fn, now);
        return;
      case "delete_function":
        functions.remove(change.name);
        return;
      case "put_workflow":
        workflows.put(change.definition, "config", change.nextRunAfter, now);
        return;
      case "delete_workflow":
        if (!workflows.remove(change.name)) {
          throw new NotFoundError(
            `workflow "${change.name}" does not exist, so delete_workflow cannot apply; ` +
              `nothing of the plan was applied`,
          );
        }
        return;
      default: {
        const never: never = change;
        throw new ValidationError(`unknown plan change ${JSON.stringify(never)}`);
      }
    }
  };

  const apply = db.transaction((changes: readonly PlanChange[], now: number) => {
    const cancelled: CancelledPrefire[] = [];
    for (const change of changes) applyOne(change, now, cancelled);
    return cancelled;
  });

  return (changes, now) => ({ cancelled: changes.length > 0 ? apply.immediate(changes, now) : [] });
}

/** The schedule statements of a plan, prepared once (functions and history have their own). */
function prepareStatements(db: Database.Database) {
  // Contract: input a name; the row, read under the plan's write lock.
  const byName = db.prepare<[string], ScheduleRow>("SELECT * FROM schedules WHERE name = ?");

  // Contract: input an id; the schedule's cursor slot, read under the plan's write lock.
  const byId = db.prepare<[number], { next_slot_at: number | null }>(
    "SELECT next_slot_at FROM schedules WHERE id = ?",
  );

  // Contract: inserts a schedule with its declared fields, the initial cursor and empty runtime
  // state (no last fire, run_count 0, no buffered slots). The UNIQUE name index backs the
  // lookup above, which runs first under the same lock.
  const insert = db.prepare<DeclarationParams & ScheduleRuntimeInit & { now: number }>(
    `INSERT INTO schedules (name, fn, kind, cron, timezone, every_ms, at, payload, enabled,
                            pause_note, overlap, buffer_limit, catchup, catchup_window_ms,
                            jitter_ms, source, created_at, updated_at, next_slot_at, next_due_at)
     VALUES (@name, @fn, @kind, @cron, @timezone, @everyMs, @at, @payload, @enabled,
             @pauseNote, @overlap, @bufferLimit, @catchup, @catchupWindowMs,
             @jitterMs, @source, @now, @now, @nextSlotAt, @nextDueAt)`,
  );

  // Contract: rewrites the declared columns of one schedule (except name and source) and
  // updated_at; no runtime column is touched.
  const updateDeclared = db.prepare<DeclarationParams & { id: number; now: number }>(
    `UPDATE schedules
        SET fn = @fn, kind = @kind, cron = @cron, timezone = @timezone, every_ms = @everyMs,
            at = @at, payload = @payload, enabled = @enabled, pause_note = @pauseNote,
            overlap = @overlap, buffer_limit = @bufferLimit, catchup = @catchup,
            catchup_window_ms = @catchupWindowMs, jitter_ms = @jitterMs, updated_at = @now
      WHERE id = @id`,
  );

  // Contract: sets the cursor of one schedule (a re-timed schedule starts from it).
  const updateCursor = db.prepare<ScheduleRuntimeInit & { id: number; now: number }>(
    `UPDATE schedules SET next_slot_at = @nextSlotAt, next_due_at = @nextDueAt, updated_at = @now
      WHERE id = @id`,
  );

  // Contract: input a name; deletes the schedule and (cascade) its history.
  const remove = db.prepare<[string]>("DELETE FROM schedules WHERE name = ?");

  return { byName, byId, insert, updateDeclared, updateCursor, remove };
}

/** ConflictError carries the id of the object holding the name (here a schedule). */
function nameTaken(name: string, id: number): ConflictError {
  return new ConflictError(
    `schedule "${name}" already exists (id ${id}); update it instead ` +
      `of creating it, or choose another name; nothing of the plan was applied`,
    String(id),
  );
}

/** The history entry of a reconcile that changed `enabled` to `params.enabled`. */
function enabledEntry(params: DeclarationParams, now: number): NewHistoryEntry {
  return {
    slotAt: null,
    at: now,
    kind: params.enabled === 1 ? "resumed" : "paused",
    reason: "reconcile",
    jobId: null,
    message: params.enabled === 1 ? null : params.pauseNote,
  };
}

/** The updatable fields present in `fields` (an `undefined` value counts as absent). */
function givenFields(fields: Partial<ScheduleDeclaration>): Partial<ScheduleDeclaration> {
  const given: Record<string, unknown> = {};
  for (const key of UPDATABLE) {
    if (fields[key] !== undefined) given[key] = fields[key];
  }
  return given;
}
