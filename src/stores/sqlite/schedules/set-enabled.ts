/**
 * @module stores/sqlite/schedules/set-enabled
 * Statement family: pausing and resuming a schedule. One `BEGIN IMMEDIATE` transaction sets
 * `enabled` (and `pause_note`: the note when pausing, cleared when resuming), the cursor when
 * the caller gives one, and appends a `paused`/`resumed` history entry carrying the note. Every
 * call is recorded, also one that repeats the current state (it may change the note).
 *
 * A pause first cancels the schedule's pre-fired jobs (`prefire-cancel.ts`) in the same
 * transaction, before its `paused` entry, so a slot written ahead does not run while paused and
 * the cursor is back on it (a resume before the slot fires it, as before pre-firing).
 *
 * The store does not compute cursors: a resume that must not fire the slots missed while paused
 * passes the recomputed cursor.
 */
import type Database from "better-sqlite3";
import type {
  CancelledPrefire,
  ScheduleRuntimeInit,
  SetEnabledOutcome,
} from "../../../ports/schedule-store.js";
import { prepareHistory } from "./history.js";
import { prepareCancelPrefired } from "./prefire-cancel.js";
import { checkCursor, instant, rowToSchedule, type ScheduleRow } from "./schedule-row.js";

interface SetEnabledParams {
  id: number;
  enabled: 0 | 1;
  note: string | null;
  cursor: 0 | 1;
  nextSlotAt: number | null;
  nextDueAt: number | null;
  now: number;
}

/**
 * Prepare the statements once; the returned function pauses or resumes atomically and returns
 * the schedule with the pre-fired jobs a pause cancelled.
 */
export function prepareSetEnabled(
  db: Database.Database,
): (
  name: string,
  enabled: boolean,
  note: string | null,
  now: number,
  cursor?: ScheduleRuntimeInit,
) => SetEnabledOutcome | null {
  const history = prepareHistory(db);
  const cancelPrefired = prepareCancelPrefired(db);

  // Contract: input a name; the schedule's id, read under the write lock.
  const idOf = db.prepare<[string], { id: number }>("SELECT id FROM schedules WHERE name = ?");

  // Contract: sets enabled, pause_note and updated_at of one schedule, and its cursor when
  // @cursor = 1; returns the updated row.
  const update = db.prepare<SetEnabledParams, ScheduleRow>(
    `UPDATE schedules
        SET enabled = @enabled, pause_note = @note, updated_at = @now,
            next_slot_at = CASE WHEN @cursor = 1 THEN @nextSlotAt ELSE next_slot_at END,
            next_due_at  = CASE WHEN @cursor = 1 THEN @nextDueAt ELSE next_due_at END
      WHERE id = @id
      RETURNING *`,
  );

  const run = db.transaction(
    (
      name: string,
      enabled: boolean,
      note: string | null,
      now: number,
      cursor: ScheduleRuntimeInit | undefined,
    ): SetEnabledOutcome | null => {
      const found = idOf.get(name);
      if (found === undefined) return null;
      // A pause cancels the pre-fired jobs first (it may move the cursor back); then the
      // entry: RETURNING gives the row as updated, and nothing else changes it after.
      const cancelled: CancelledPrefire[] = enabled ? [] : cancelPrefired(found.id, now, "paused");
      history.append(found.id, [
        {
          slotAt: null,
          at: now,
          kind: enabled ? "resumed" : "paused",
          reason: null,
          jobId: null,
          message: note,
        },
      ]);
      const row = update.get({
        id: found.id,
        enabled: enabled ? 1 : 0,
        note: enabled ? null : note,
        cursor: cursor === undefined ? 0 : 1,
        nextSlotAt: cursor?.nextSlotAt ?? null,
        nextDueAt: cursor?.nextDueAt ?? null,
        now,
      });
      if (row === undefined) throw new Error(`schedule ${found.id} vanished under the write lock`);
      return { schedule: rowToSchedule(row), cancelled };
    },
  );

  return (name, enabled, note, now, cursor) =>
    run.immediate(
      name,
      enabled === true,
      note ?? null,
      instant(now, "now"),
      cursor === undefined ? undefined : checkCursor(cursor, "cursor"),
    );
}
