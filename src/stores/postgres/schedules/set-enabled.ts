/**
 * @module stores/postgres/schedules/set-enabled
 * Statement family: pausing and resuming a schedule. ONE statement (so atomic in autocommit)
 * sets `enabled` (and `pause_note`: the note when pausing, cleared when resuming), the cursor
 * when the caller gives one, and appends a `paused`/`resumed` history entry carrying the note.
 * Every call is recorded, also one that repeats the current state (it may change the note).
 *
 * The store does not compute cursors: a resume that must not fire the slots missed while paused
 * passes the recomputed cursor.
 */
import type { ScheduleRuntimeInit, StoredSchedule } from "../../../ports/schedule-store.js";
import { pgText } from "../arguments.js";
import { exec, type Queryable } from "../database.js";
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
