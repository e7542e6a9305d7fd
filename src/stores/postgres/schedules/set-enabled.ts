/**
 * @module stores/postgres/schedules/set-enabled
 * Statement family: pausing and resuming a schedule. ONE statement (a resume is atomic in
 * autocommit)
 * sets `enabled` (and `pause_note`: the note when pausing, cleared when resuming), the cursor
 * when the caller gives one, and appends a `paused`/`resumed` history entry carrying the note.
 * Every call is recorded, also one that repeats the current state (it may change the note).
 *
 * A pause first cancels the schedule's pre-fired jobs (`prefire-cancel.ts`) under the
 * schedule row's lock, in the same transaction, so a slot written ahead does not run while
 * paused and the cursor is back on it (a resume before the slot fires it, as before
 * pre-firing). The caller runs a pause in a transaction (`setEnabledIn`).
 *
 * The store does not compute cursors: a resume that must not fire the slots missed while paused
 * passes the recomputed cursor.
 */
import type {
  ScheduleRuntimeInit,
  SetEnabledOutcome,
  StoredSchedule,
} from "../../../ports/schedule-store.js";
import { pgText } from "../arguments.js";
import { exec, type PgDatabase, type Queryable } from "../database.js";
import { cancelPrefired } from "./prefire-cancel.js";
import {
  checkCursor,
  instant,
  rowToSchedule,
  SCHEDULE_COLUMNS,
  type ScheduleRow,
} from "./schedule-row.js";

/** Pause or resume the schedule named `name`; the updated schedule, or null if unknown. */
export async function setEnabled(
  q: Queryable,
  s: string,
  name: string,
  enabled: boolean,
  note: string | null,
  now: number,
  cursor?: ScheduleRuntimeInit,
): Promise<StoredSchedule | null> {
  const on = enabled === true;
  const message = note == null ? null : pgText(String(note));
  const checked = cursor === undefined ? null : checkCursor(cursor, "cursor");
  // Contract: inputs name, enabled, the pause note to store, now, whether a cursor is given,
  // the cursor, the history kind and message. Updates the schedule (row lock until the
  // statement ends) and appends one history entry for it, in one statement; returns the
  // updated row, or nothing (and writes nothing) when no schedule has the name.
  const { rows } = await exec<ScheduleRow>(
    q,
    `WITH updated AS (
       UPDATE ${s}.schedules
          SET enabled = $2, pause_note = $3, updated_at = $4,
              next_slot_at = CASE WHEN $5::boolean THEN $6::bigint ELSE next_slot_at END,
              next_due_at  = CASE WHEN $5::boolean THEN $7::bigint ELSE next_due_at END
        WHERE name = $1
        RETURNING ${SCHEDULE_COLUMNS}
     ), entry AS (
       INSERT INTO ${s}.schedule_history (schedule_id, slot_at, at, kind, reason, job_id, message)
       SELECT id, NULL, $4, $8, NULL, NULL, $9::text FROM updated
     )
     SELECT ${SCHEDULE_COLUMNS} FROM updated`,
    [
      name,
      on,
      on ? null : message,
      instant(now, "now"),
      checked !== null,
      checked?.nextSlotAt ?? null,
      checked?.nextDueAt ?? null,
      on ? "resumed" : "paused",
      message,
    ],
  );
  return rows[0] === undefined ? null : rowToSchedule(rows[0]);
}

/**
 * Pause or resume as `setEnabled`, atomically: a resume is its one statement; a pause runs in
 * one transaction that locks the schedule row, cancels its pre-fired jobs, then pauses it.
 * Returns the schedule with the cancelled jobs, or null when no schedule has the name.
 */
export async function setEnabledIn(
  db: PgDatabase,
  name: string,
  enabled: boolean,
  note: string | null,
  now: number,
  cursor?: ScheduleRuntimeInit,
): Promise<SetEnabledOutcome | null> {
  if (enabled === true) {
    const schedule = await setEnabled(db.pool, db.s, name, enabled, note, now, cursor);
    return schedule === null ? null : { schedule, cancelled: [] };
  }
  const at = instant(now, "now");
  return db.transaction(async (client) => {
    // Contract: input a name; the schedule's id, its row locked until the transaction ends.
    const { rows } = await exec<{ id: number }>(
      client,
      `SELECT id FROM ${db.s}.schedules WHERE name = $1 FOR UPDATE`,
      [name],
    );
    const found = rows[0];
    if (found === undefined) return null;
    const cancelled = await cancelPrefired(client, db.s, found.id, at, "paused");
    const schedule = await setEnabled(client, db.s, name, enabled, note, at, cursor);
    return schedule === null ? null : { schedule, cancelled };
  });
}
