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
 *   last run   when the schedule's last_job_id is a cancelled job: last_job_id, last_status and
 *              last_fired_at put back to the newest `fired`/`caught_up` entry whose job is not
 *              a cancelled pre-fire (status: the job's terminal state, else its `completed`
 *              entry's once the job is gone, else `fired`), or NULL when there is none
 * It returns the cancelled jobs (id, fn, attempt, slot) for the caller to announce.
 */
import type Database from "better-sqlite3";
import type { CancelledPrefire } from "../../../ports/schedule-store.js";
import { CANCELLED_BEFORE_RUN } from "../cancel.js";
import { errorToJson } from "../job-row.js";
import { prepareHistory } from "./history.js";

/** Why the pre-fired jobs are cancelled (a PrefireCancelReason), or null: do not record. */
export type PrefireCancelRecord = "paused" | "updated" | null;

/** Cancels a schedule's pre-fired jobs in the caller's transaction; returns them by slot. */
export type CancelPrefired = (
  scheduleRowid: number,
  now: number,
  record: PrefireCancelRecord,
) => CancelledPrefire[];

/** Prepare the statements once; see the module header. */
export function prepareCancelPrefired(db: Database.Database): CancelPrefired {
  const history = prepareHistory(db);

  // Contract: inputs the schedule id as text, now, the error JSON; its pre-fired jobs (see the
  // module header) become cancelled, finished now, their key renamed; returns their id, new
  // key and run_at. Walks
  // jobs_origin_active_idx, whose condition it repeats.
  const cancel = db.prepare<
    { originId: string; now: number; error: string },
    { id: number; origin_key: string; run_at: number; fn: string; attempt: number }
  >(
    `UPDATE jobs INDEXED BY jobs_origin_active_idx
        SET state = 'cancelled', error = @error, finished_at = @now, updated_at = @now,
            lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL,
            origin_key = origin_key || '/cancelled/' || id
      WHERE origin_kind = 'schedule' AND origin_id = @originId
        AND origin_id IS NOT NULL
        AND (state = 'scheduled' OR state = 'queued' OR state = 'running' OR state = 'retrying')
        AND state = 'scheduled' AND origin_key IS NOT NULL AND run_at > @now
      RETURNING id, origin_key, run_at, fn, attempt`,
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

  const restoreLast = prepareRestoreLast(db);

  return (scheduleRowid, now, record) => {
    const rows = cancel.all({
      originId: String(scheduleRowid),
      now,
      error: errorToJson(CANCELLED_BEFORE_RUN),
    });
    if (rows.length === 0) return [];
    const slots = rows
      .map((r) => ({ ...r, slot: Number(r.origin_key.split("/")[0]), runAt: r.run_at }))
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
    if (record !== null) {
      restoreLast.run({ id: scheduleRowid, ids: JSON.stringify(slots.map((x) => x.id)) });
    }
    return slots.map((x) => ({
      jobId: String(x.id),
      fn: x.fn,
      attempt: x.attempt,
      scheduleId: String(scheduleRowid),
      slotAt: x.slot,
    }));
  };
}

/** The `last run` step of the module header, prepared once. */
function prepareRestoreLast(db: Database.Database) {
  // Contract: inputs the schedule id and the cancelled job ids (JSON array); when the
  // schedule's last_job_id is among them, sets last_job_id, last_status and last_fired_at from
  // the newest fired/caught_up entry whose job is not a cancelled pre-fire (its key holds a
  // '/'); a job deleted since (retention: it had finished) takes its `completed` entry's
  // state. Walks schedule_history_schedule_idx backwards from the newest entry.
  return db.prepare<{ id: number; ids: string }>(
    `WITH prev AS (
       SELECT h.id AS entry_id, h.job_id, h.at, j.state
         FROM schedule_history h INDEXED BY schedule_history_schedule_idx
         LEFT JOIN jobs j ON j.id = h.job_id
        WHERE h.schedule_id = @id AND h.kind IN ('fired', 'caught_up') AND h.job_id IS NOT NULL
          AND (j.id IS NULL OR instr(j.origin_key, '/') = 0)
        ORDER BY h.id DESC LIMIT 1
     )
     UPDATE schedules
        SET last_job_id = (SELECT job_id FROM prev),
            last_fired_at = (SELECT at FROM prev),
            last_status = (
              SELECT CASE
                       WHEN p.state IN ('succeeded', 'failed', 'cancelled', 'timed_out')
                         THEN p.state
                       WHEN p.state IS NOT NULL THEN 'fired'
                       ELSE COALESCE(
                         (SELECT c.reason FROM schedule_history c
                           WHERE c.schedule_id = @id AND c.id > p.entry_id
                             AND c.kind = 'completed' AND c.job_id = p.job_id
                           ORDER BY c.id LIMIT 1),
                         'fired')
                     END
                FROM prev p)
      WHERE id = @id AND last_job_id IN (SELECT value FROM json_each(@ids))`,
  );
}
