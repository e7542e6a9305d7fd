/**
 * @module stores/sqlite/schedules/record-error
 * Statement family: recording a firing error on a schedule. One `BEGIN IMMEDIATE` transaction
 * sets `last_error` (and `last_status = 'error'`) and appends an `error` history entry with the
 * message; the cursor is not moved (the caller moves it with `fireSlot` if it must). An unknown
 * schedule (deleted meanwhile) is nothing to record on: the call does nothing.
 */
import type Database from "better-sqlite3";
import { parseJobId } from "../arguments.js";
import { prepareHistory } from "./history.js";
import { instant } from "./schedule-row.js";

/** Prepare the statements once; the returned function records one error atomically. */
export function prepareRecordError(
  db: Database.Database,
): (scheduleId: string, message: string, now: number) => void {
  const history = prepareHistory(db);

  // Contract: inputs id, message, now; records the error on the schedule, if it exists.
  const update = db.prepare<{ id: number; message: string; now: number }>(
    `UPDATE schedules SET last_error = @message, last_status = 'error', updated_at = @now
      WHERE id = @id`,
  );

  const run = db.transaction((id: number, message: string, now: number) => {
    if (update.run({ id, message, now }).changes === 0) return;
    history.append(id, [
      { slotAt: null, at: now, kind: "error", reason: null, jobId: null, message },
    ]);
  });

  return (scheduleId, message, now) => {
    const id = parseJobId(scheduleId);
    if (id !== null) run.immediate(id, String(message), instant(now, "now"));
  };
}
