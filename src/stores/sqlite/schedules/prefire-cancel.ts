/**
 * @module stores/sqlite/schedules/prefire-cancel
 * Statement family: cancelling a schedule's pre-fired jobs, inside the caller's transaction
 * (pause, update, delete). A pre-fired job is one the loop wrote ahead of its slot for an
 * `allow_all` schedule: origin `schedule` with a slot key, still `scheduled` with
 * `run_at > now` (nothing has started it, and the slot is not yet due). A job already due, or
 * claimed, is left alone: the slot counts as fired, as it would have been at the instant.
 *
 * What one call does, under the caller's write lock:
 *   jobs       each pre-fired job of the schedule: cancelled now, with CANCELLED_BEFORE_RUN
 *              (the statement of `cancel.ts`; no completion hook: this family records it),
 *              its origin key renamed `<slot>/cancelled/<job id>`: that frees the slot's
 *              unique key, so the slot can fire again, and keeps the slot readable
 *   history    one `prefire_cancelled` entry per job (slot, job, reason), unless told not to
 *              (a delete, whose history goes with the schedule)
 *   cursor     moved back to the earliest cancelled slot, due at that job's `run_at` (its slot
 *              plus the jitter it was written with), and `run_count` lowered by the jobs
 *              cancelled, so the slot fires again (update) or does not fire while paused and
 *              fires on a resume before it, exactly as if it had never been pre-fired.
 */
import type Database from "better-sqlite3";
import { CANCELLED_BEFORE_RUN } from "../cancel.js";
import { errorToJson } from "../job-row.js";
import { prepareHistory } from "./history.js";

/** Why the pre-fired jobs are cancelled (a PrefireCancelReason), or null: do not record. */
export type PrefireCancelRecord = "paused" | "updated" | null;

/** Cancels a schedule's pre-fired jobs in the caller's transaction; returns how many. */
export type CancelPrefired = (
  scheduleRowid: number,
  now: number,
  record: PrefireCancelRecord,
) => number;

/** Prepare the statements once; see the module header. */
export function prepareCancelPrefired(db: Database.Database): CancelPrefired {
  const history = prepareHistory(db);

  // Contract: inputs the schedule id as text, now, the error JSON; its pre-fired jobs (see the
  // module header) become cancelled, finished now, their key renamed; returns their id, new
  // key and run_at. Walks
  // jobs_origin_active_idx, whose condition it repeats.
  const cancel = db.prepare<
    { originId: string; now: number; error: string },
    { id: number; origin_key: string; run_at: number }
  >(
    `UPDATE jobs INDEXED BY jobs_origin_active_idx
        SET state = 'cancelled', error = @error, finished_at = @now, updated_at = @now,
            lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL,
            origin_key = origin_key || '/cancelled/' || id
      WHERE origin_kind = 'schedule' AND origin_id = @originId
        AND origin_id IS NOT NULL
        AND (state = 'scheduled' OR state = 'queued' OR state = 'running' OR state = 'retrying')
        AND state = 'scheduled' AND origin_key IS NOT NULL AND run_at > @now
      RETURNING id, origin_key, run_at`,
  );

  // Contract: moves the cursor of one schedule back to @slot (due @due) when it is after it,
  // and takes @count fires off run_count.
  const moveBack = db.prepare<{
    id: number;
    slot: number;
    due: number;
    count: number;
    now: number;
  }>(
    `UPDATE schedules
        SET next_slot_at = @slot, next_due_at = @due, updated_at = @now,
            run_count = MAX(0, run_count - @count)
      WHERE id = @id AND (next_slot_at IS NULL OR next_slot_at > @slot)`,
  );

  return (scheduleRowid, now, record) => {
    const rows = cancel.all({
      originId: String(scheduleRowid),
      now,
      error: errorToJson(CANCELLED_BEFORE_RUN),
    });
    if (rows.length === 0) return 0;
    const slots = rows
      .map((r) => ({ id: r.id, slot: Number(r.origin_key.split("/")[0]), runAt: r.run_at }))
      .sort((a, b) => a.slot - b.slot);
    const first = slots[0]!;
    if (record !== null) {
      history.append(
        scheduleRowid,
        slots.map((s) => ({
          slotAt: s.slot,
          at: now,
          kind: "prefire_cancelled",
          reason: record,
          jobId: s.id,
          message: null,
        })),
      );
    }
    moveBack.run({
      id: scheduleRowid,
      slot: first.slot,
      due: first.runAt,
      count: rows.length,
      now,
    });
    return rows.length;
  };
}
