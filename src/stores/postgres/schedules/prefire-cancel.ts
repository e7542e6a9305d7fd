/**
 * @module stores/postgres/schedules/prefire-cancel
 * Statement family: cancelling a schedule's pre-fired jobs, inside the caller's transaction
 * (pause, update, delete), in ONE statement. A pre-fired job is one the loop wrote ahead of its
 * slot for an `allow_all` schedule: origin `schedule` with a slot key, still `scheduled` with
 * `run_at > now` (nothing has started it, and the slot is not yet due). A job already due, or
 * claimed, is left alone: the slot counts as fired, as it would have been at the instant.
 *
 * What the statement does (the caller holds the schedule row's lock, or is about to delete it):
 *   jobs       each pre-fired job of the schedule: cancelled now, with CANCELLED_BEFORE_RUN
 *              (as `cancel.ts`; no completion hook stage: this family records it), its
 *              origin key renamed `<slot>/cancelled/<job id>`: that frees the slot's unique
 *              key, so the slot can fire again, and keeps the slot readable
 *   history    one `prefire_cancelled` entry per job (slot, job, reason), unless the reason is
 *              null (a delete, whose history goes with the schedule)
 *   cursor     moved back to the earliest cancelled slot, due at that job's `run_at` (its slot
 *              plus the jitter it was written with), and `run_count` lowered by the jobs
 *              cancelled, so the slot fires again (update) or does not fire while paused and
 *              fires on a resume before it, exactly as if it had never been pre-fired.
 *   last run   (a second statement, only when a job was cancelled and the reason is not null)
 *              when the schedule's last_job_id is a cancelled job: last_job_id, last_status and
 *              last_fired_at put back to the newest `fired`/`caught_up` entry whose job is not
 *              a cancelled pre-fire (status: the job's terminal state, else its `completed`
 *              entry's once the job is gone, else `fired`), or NULL when there is none
 * It returns the cancelled jobs (id, fn, attempt, slot), by slot, for the caller to announce.
 * Same contract as the SQLite family of the same name.
 */
import { exec, type Queryable } from "../database.js";
import { CANCELLED_BEFORE_RUN } from "../cancel.js";
import { errorToJson } from "../job-row.js";
import type { CancelledPrefire } from "../../../ports/schedule-store.js";

/** Why the pre-fired jobs are cancelled (a PrefireCancelReason), or null: do not record. */
export type PrefireCancelRecord = "paused" | "updated" | null;

/** Cancel the pre-fired jobs of schedule `scheduleId` (see the module header); returns them. */
export async function cancelPrefired(
  q: Queryable,
  s: string,
  scheduleId: number | string,
  now: number,
  record: PrefireCancelRecord,
): Promise<CancelledPrefire[]> {
  // Contract: inputs the schedule id as text, now, the error JSON, the schedule id, the reason
  // (null: no history). Walks jobs_origin_active_idx (its condition repeated); returns the
  // jobs it cancelled (id, fn, attempt, slot), by slot.
  const { rows } = await exec<{ id: string; fn: string; attempt: number; slot_at: string }>(
    q,
    `WITH done AS (
       UPDATE ${s}.jobs
          SET state = 'cancelled', error = $3, finished_at = $2, updated_at = $2,
              lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL,
              origin_key = origin_key || '/cancelled/' || id
        WHERE origin_kind = 'schedule' AND origin_id = $1 AND origin_id IS NOT NULL
          AND state IN ('scheduled', 'queued', 'running', 'retrying')
          AND state = 'scheduled' AND origin_key IS NOT NULL AND run_at > $2
        RETURNING id, fn, attempt, split_part(origin_key, '/', 1)::bigint AS slot_at, run_at
     ), entries AS (
       INSERT INTO ${s}.schedule_history (schedule_id, slot_at, at, kind, reason, job_id, message)
       SELECT $4::bigint, slot_at, $2, 'prefire_cancelled', $5::text, id, NULL
         FROM done WHERE $5::text IS NOT NULL
        ORDER BY slot_at
     ), earliest AS (
       SELECT slot_at, run_at FROM done ORDER BY slot_at LIMIT 1
     ), moved AS (
       UPDATE ${s}.schedules
          SET next_slot_at = earliest.slot_at, next_due_at = earliest.run_at, updated_at = $2,
              run_count = GREATEST(0, run_count - (SELECT count(*) FROM done))
         FROM earliest
        WHERE id = $4::bigint
          AND (next_slot_at IS NULL OR next_slot_at > earliest.slot_at)
     )
     SELECT id, fn, attempt, slot_at FROM done ORDER BY slot_at`,
    [String(scheduleId), now, errorToJson(CANCELLED_BEFORE_RUN), String(scheduleId), record],
  );
  if (rows.length > 0 && record !== null) {
    await restoreLast(
      q,
      s,
      scheduleId,
      rows.map((r) => String(r.id)),
    );
  }
  return rows.map((r) => ({
    jobId: String(r.id),
    fn: r.fn,
    attempt: Number(r.attempt),
    scheduleId: String(scheduleId),
    slotAt: Number(r.slot_at),
  }));
}

/** The `last run` step of the module header. */
async function restoreLast(
  q: Queryable,
  s: string,
  scheduleId: number | string,
  jobIds: readonly string[],
): Promise<void> {
  // Contract: inputs the schedule id and the cancelled job ids; when the schedule's
  // last_job_id is among them, sets last_job_id, last_status and last_fired_at from the newest
  // fired/caught_up entry whose job is not a cancelled pre-fire (its key holds a '/'); a job
  // deleted since (retention: it had finished) takes its `completed` entry's state. Walks
  // schedule_history_schedule_idx backwards from the newest entry.
  await exec(
    q,
    `WITH prev AS (
       SELECT h.id AS entry_id, h.job_id, h.at, j.state
         FROM ${s}.schedule_history h
         LEFT JOIN ${s}.jobs j ON j.id = h.job_id
        WHERE h.schedule_id = $1::bigint AND h.kind IN ('fired', 'caught_up')
          AND h.job_id IS NOT NULL
          AND (j.id IS NULL OR strpos(j.origin_key, '/') = 0)
        ORDER BY h.id DESC LIMIT 1
     )
     UPDATE ${s}.schedules
        SET last_job_id = (SELECT job_id FROM prev),
            last_fired_at = (SELECT at FROM prev),
            last_status = (
              SELECT CASE
                       WHEN p.state IN ('succeeded', 'failed', 'cancelled', 'timed_out')
                         THEN p.state
                       WHEN p.state IS NOT NULL THEN 'fired'
                       ELSE COALESCE(
                         (SELECT c.reason FROM ${s}.schedule_history c
                           WHERE c.schedule_id = $1::bigint AND c.id > p.entry_id
                             AND c.kind = 'completed' AND c.job_id = p.job_id
                           ORDER BY c.id LIMIT 1),
                         'fired')
                     END
                FROM prev p)
      WHERE id = $1::bigint AND last_job_id = ANY($2::bigint[])`,
    [String(scheduleId), jobIds],
  );
}
