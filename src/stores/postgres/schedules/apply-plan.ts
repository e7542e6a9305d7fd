/**
 * @module stores/postgres/schedules/apply-plan
 * Statement family: applying a reconcile plan. The whole plan runs in ONE transaction, in
 * order; the first change that fails (ConflictError, NotFoundError, ValidationError, a
 * PostgreSQL error) throws, and the ROLLBACK undoes every earlier change of the plan.
 *
 *   create_schedule  insert with the given cursor and fresh runtime state; ConflictError when
 *                    the name exists (also when a concurrent plan created it first)
 *   update_schedule  lock the row, rewrite only the fields given (the others as stored), plus
 *                    the cursor when given; id, created_at, history and the rest of the runtime
 *                    state are kept. A change of `enabled` is recorded in history
 *                    (`paused`/`resumed`, reason `reconcile`). Its pre-fired jobs are
 *                    cancelled first (`prefire-cancel.ts`, `prefire_cancelled`/`updated`,
 *                    cursor back on their slot; a cursor given wins; with some cancelled, a
 *                    change of `jitterMs` without a cursor re-derives the slot's due time with
 *                    the new jitter, `rejittered`, as SQLite). NotFoundError when missing
 *   delete_schedule  delete with its history (cascade); its jobs are kept, except its
 *                    pre-fired ones (not yet due), which are cancelled. NotFoundError when
 *                    missing
 *   upsert_function / delete_function  see functions.ts (delete: NotFoundError when missing)
 *   put_workflow / delete_workflow  see ../workflows/put-workflow.ts (put: a `config`
 *                    workflow, ConflictError over an `api` one; delete: NotFoundError when
 *                    missing)
 *
 * Concurrency (READ COMMITTED): an update locks its schedule row (`FOR UPDATE`) before reading
 * the declaration it merges into, so a concurrent fireSlot or setEnabled on the same schedule
 * waits for the plan (or the plan for it) and no write is lost; runtime columns are never
 * written by a plan except the cursor when the change carries one.
 */
import { ConflictError, NotFoundError, ValidationError } from "../../../core/errors.js";
import type {
  ApplyPlanOutcome,
  CancelledPrefire,
  PlanChange,
  ScheduleDeclaration,
  ScheduleRuntimeInit,
} from "../../../ports/schedule-store.js";
import { exec, type PgDatabase, type Queryable } from "../database.js";
import { deleteWorkflow, putWorkflow } from "../workflows/put-workflow.js";
import { deleteFunction, upsertFunction } from "./functions.js";
import { appendHistory } from "./history.js";
import { rejittered } from "../../schedule-prefire.js";
import { cancelPrefired } from "./prefire-cancel.js";
import {
  checkCursor,
  declarationToParams,
  declarationValues,
  rowToDeclaration,
  SCHEDULE_COLUMNS,
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

/** Apply a plan atomically (see the module header). An empty plan touches nothing. */
export async function applyPlan(
  db: PgDatabase,
  changes: readonly PlanChange[],
  now: number,
): Promise<ApplyPlanOutcome> {
  if (changes.length === 0) return { cancelled: [] };
  return db.transaction(async (client) => {
    const cancelled: CancelledPrefire[] = [];
    for (const change of changes) await applyOne(client, db.s, change, now, cancelled);
    return { cancelled };
  });
}

async function applyOne(
  q: Queryable,
  s: string,
  change: PlanChange,
  now: number,
  cancelled: CancelledPrefire[],
): Promise<void> {
  switch (change.op) {
    case "create_schedule":
      return createSchedule(q, s, change, now);
    case "update_schedule":
      cancelled.push(...(await updateSchedule(q, s, change, now)));
      return;
    case "delete_schedule": {
      // Contract: input a name; deletes the schedule and (cascade) its history; returns its id
      // (none: it did not exist).
      const { rows } = await exec<{ id: number }>(
        q,
        `DELETE FROM ${s}.schedules WHERE name = $1 RETURNING id`,
        [change.name],
      );
      const deleted = rows[0];
      if (deleted === undefined) throw notFound(change.name, "delete_schedule");
      // Its pre-fired jobs (not yet due) do not outlive it; its other jobs are kept.
      cancelled.push(...(await cancelPrefired(q, s, deleted.id, now, null)));
      return;
    }
    case "upsert_function":
      return upsertFunction(q, s, change.fn, now);
    case "delete_function":
      return deleteFunction(q, s, change.name);
    case "put_workflow":
      // Contract (put-workflow.ts): a config workflow; ConflictError over an api one.
      await putWorkflow(q, s, change.definition, "config", change.nextRunAfter, now);
      return;
    case "delete_workflow":
      // Contract (put-workflow.ts): deletes it with its runs, tasks and history.
      if (!(await deleteWorkflow(q, s, change.name))) {
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
}

async function createSchedule(
  q: Queryable,
  s: string,
  change: Extract<PlanChange, { op: "create_schedule" }>,
  now: number,
): Promise<void> {
  const params = declarationToParams(change.schedule);
  const initial = checkCursor(change.initial, "initial");
  // Contract: inputs the declared fields ($1..$16), now and the initial cursor; inserts the
  // schedule with empty runtime state (no last fire, run_count 0, no buffered slots) unless
  // the name is taken. ON CONFLICT waits for a concurrent insert of the same name and then
  // inserts nothing, so two plans creating one name never both succeed. No row: name taken.
  const inserted = await exec(
    q,
    `INSERT INTO ${s}.schedules (name, fn, kind, cron, timezone, every_ms, at, payload, enabled,
                                 pause_note, overlap, buffer_limit, catchup, catchup_window_ms,
                                 jitter_ms, source, created_at, updated_at, next_slot_at,
                                 next_due_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
             $17, $17, $18, $19)
     ON CONFLICT (name) DO NOTHING
     RETURNING id`,
    [...declarationValues(params), now, initial.nextSlotAt, initial.nextDueAt],
  );
  if (inserted.rowCount === 1) return;
  // Contract: input a name; the id of the schedule holding it (committed, seen by this
  // statement's snapshot).
  const { rows } = await exec<{ id: number }>(q, `SELECT id FROM ${s}.schedules WHERE name = $1`, [
    params.name,
  ]);
  const existingId = rows[0] === undefined ? "unknown" : String(rows[0].id);
  throw new ConflictError(
    `schedule "${params.name}" already exists (id ${existingId}); update it instead of ` +
      `creating it, or choose another name; nothing of the plan was applied`,
    existingId,
  );
}

async function updateSchedule(
  q: Queryable,
  s: string,
  change: Extract<PlanChange, { op: "update_schedule" }>,
  now: number,
): Promise<CancelledPrefire[]> {
  // Contract: input a name; the row, locked until the plan's transaction ends.
  const { rows } = await exec<ScheduleRow>(
    q,
    `SELECT ${SCHEDULE_COLUMNS} FROM ${s}.schedules WHERE name = $1 FOR UPDATE`,
    [change.name],
  );
  const row = rows[0];
  if (row === undefined) throw notFound(change.name, "update_schedule");
  const merged: ScheduleDeclaration = { ...rowToDeclaration(row), ...givenFields(change.fields) };
  const params = declarationToParams(merged);
  const cursor = change.cursor === undefined ? null : checkCursor(change.cursor, "cursor");
  // Its pre-fired jobs first: the slot fires again under the new definition (the cursor moves
  // back to it; a cursor given below wins).
  const cancelled = await cancelPrefired(q, s, row.id, now, "updated");
  const retime = cursor ?? (cancelled.length > 0 ? await rejitter(q, s, row, merged) : null);

  // Contract: inputs the declared fields except name and source ($1..$14), the id, now,
  // whether a cursor is given and the cursor; rewrites the declared columns and updated_at,
  // and the cursor only when given. No other runtime column is touched.
  await exec(
    q,
    `UPDATE ${s}.schedules
        SET fn = $1, kind = $2, cron = $3, timezone = $4, every_ms = $5, at = $6, payload = $7,
            enabled = $8, pause_note = $9, overlap = $10, buffer_limit = $11, catchup = $12,
            catchup_window_ms = $13, jitter_ms = $14, updated_at = $16,
            next_slot_at = CASE WHEN $17::boolean THEN $18::bigint ELSE next_slot_at END,
            next_due_at  = CASE WHEN $17::boolean THEN $19::bigint ELSE next_due_at END
      WHERE id = $15`,
    [
      ...declarationValues(params).slice(1, 15),
      row.id,
      now,
      retime !== null,
      retime?.nextSlotAt ?? null,
      retime?.nextDueAt ?? null,
    ],
  );
  if (params.enabled !== row.enabled) {
    await appendHistory(q, s, row.id, [
      {
        slotAt: null,
        at: now,
        kind: params.enabled ? "resumed" : "paused",
        reason: "reconcile",
        jobId: null,
        message: params.enabled ? null : params.pauseNote,
      },
    ]);
  }
  return cancelled;
}

/**
 * The cursor of an update that cancelled pre-fired jobs and changes `jitterMs` without giving
 * a cursor: the cursor's slot (read after the cancel moved it back) due with the new jitter;
 * null when the jitter does not change.
 */
async function rejitter(
  q: Queryable,
  s: string,
  row: ScheduleRow,
  merged: ScheduleDeclaration,
): Promise<ScheduleRuntimeInit | null> {
  if (merged.jitterMs === Number(row.jitter_ms)) return null;
  // Contract: input an id; the schedule's cursor slot (its row is locked by this plan).
  const { rows } = await exec<{ next_slot_at: string | null }>(
    q,
    `SELECT next_slot_at FROM ${s}.schedules WHERE id = $1`,
    [row.id],
  );
  const slot = rows[0]?.next_slot_at;
  return rejittered(
    { ...merged, id: String(row.id) },
    slot === null || slot === undefined ? null : Number(slot),
  );
}

function notFound(name: string, op: string): NotFoundError {
  return new NotFoundError(
    `schedule "${name}" does not exist, so ${op} cannot apply; nothing of the plan was applied`,
  );
}

/** The updatable fields present in `fields` (an `undefined` value counts as absent). */
function givenFields(fields: Partial<ScheduleDeclaration>): Partial<ScheduleDeclaration> {
  const given: Record<string, unknown> = {};
  for (const key of UPDATABLE) {
    if (fields[key] !== undefined) given[key] = fields[key];
  }
  return given;
}
