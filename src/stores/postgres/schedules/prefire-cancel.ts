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
 * Same contract as the SQLite family of the same name.
 */
import { exec, type Queryable } from "../database.js";
import { CANCELLED_BEFORE_RUN } from "../cancel.js";
import { errorToJson } from "../job-row.js";

/** Why the pre-fired jobs are cancelled (a PrefireCancelReason), or null: do not record. */
export type PrefireCancelRecord = "paused" | "updated" | null;

/** Cancel the pre-fired jobs of schedule `scheduleId` (see the module header); how many. */
export async function cancelPrefired(
  q: Queryable,
  s: string,
  scheduleId: number | string,
  now: number,
  record: PrefireCancelRecord,
): Promise<number> {
  // Contract: inputs the schedule id as text, now, the error JSON, the schedule id, the reason
  // (null: no history). Walks jobs_origin_active_idx (its condition repeated); returns how many
  // jobs it cancelled.
  const { rows } = await exec<{ n: number }>(
    q,
    `WITH done AS (
       UPDATE ${s}.jobs
          SET state = 'cancelled', error = $3, finished_at = $2, updated_at = $2,
              lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL,
              origin_key = origin_key || '/cancelled/' || id
        WHERE origin_kind = 'schedule' AND origin_id = $1 AND origin_id IS NOT NULL
          AND state IN ('scheduled', 'queued', 'running', 'retrying')
          AND state = 'scheduled' AND origin_key IS NOT NULL AND run_at > $2
        RETURNING id, split_part(origin_key, '/', 1)::bigint AS slot_at, run_at
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
     SELECT count(*)::int AS n FROM done`,
    [String(scheduleId), now, errorToJson(CANCELLED_BEFORE_RUN), String(scheduleId), record],
  );
  return rows[0]?.n ?? 0;
}
