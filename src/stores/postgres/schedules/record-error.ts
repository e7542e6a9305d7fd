/**
 * @module stores/postgres/schedules/record-error
 * Statement family: recording a firing error on a schedule. ONE statement (atomic in
 * autocommit) sets `last_error` (and `last_status = 'error'`) and appends an `error` history
 * entry with the message; the cursor is not moved (the caller moves it with `fireSlot` if it
 * must). An unknown schedule (deleted meanwhile) is nothing to record on: the call does nothing.
 */
import { parseId, pgText } from "../arguments.js";
import { exec, type Queryable } from "../database.js";
import { instant } from "./schedule-row.js";

/** Record a firing error on schedule `scheduleId`; a no-op when it does not exist. */
export async function recordError(
  q: Queryable,
  s: string,
  scheduleId: string,
  message: string,
  now: number,
): Promise<void> {
  const id = parseId(scheduleId);
  const at = instant(now, "now");
  if (id === null) return;
  // Contract: inputs id, message, now; records the error on the schedule and appends its
  // history entry, both or (no such schedule) neither.
  await exec(
    q,
    `WITH updated AS (
       UPDATE ${s}.schedules SET last_error = $2, last_status = 'error', updated_at = $3
        WHERE id = $1
        RETURNING id
     )
     INSERT INTO ${s}.schedule_history (schedule_id, slot_at, at, kind, reason, job_id, message)
     SELECT id, NULL, $3, 'error', NULL, NULL, $2 FROM updated`,
    [id, pgText(String(message)), at],
  );
}
