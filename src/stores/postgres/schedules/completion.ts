/**
 * @module stores/postgres/schedules/completion
 * Statement family: the `schedule` completion hook — what a schedule records when one of its
 * jobs reaches a terminal state. The schedule store owns the `schedule` origin kind and
 * registers this hook with the schema's PgCompletionHooks when it is opened; the job store
 * runs its two stages inside the statement that finished the jobs (`finalize`, `cancel`; see
 * `../completion-hooks.ts`).
 *
 * For each finished job with origin `{ kind: "schedule", id, key }`:
 * - `last_status` = the job's terminal state, only while the job is still the schedule's
 *   `last_job_id` (an older job finishing after a newer one does not overwrite its status; and
 *   of several jobs of one schedule in a batch at most one is its last job, so no schedule row
 *   is updated twice);
 * - a `completed` history entry (slot = the key as an instant, null for a job triggered by
 *   hand; at = the finish instant; reason = the state; the job's id), only if the schedule
 *   still exists (the insert joins the schedule, so a finished job of a deleted schedule never
 *   fails its finalization on the history foreign key). Entries of one batch go in job order.
 * An origin id that is not a schedule id names no schedule (the guarded casts below never
 * fail): nothing is recorded.
 *
 * Locks: the statement locks the job rows first, then (these stages) the schedule rows;
 * `fireSlot` locks a schedule row and then inserts a new job (no existing job row is locked),
 * so the two never wait on each other in a cycle.
 */
import type { PgCompletionHooks } from "../completion-hooks.js";

/** The finished job's schedule id (NULL when its origin id is not a schedule id). */
const SCHEDULE_ID = "(CASE WHEN f.origin_id ~ '^[0-9]{1,18}$' THEN f.origin_id::bigint END)";

/** The finished job's slot (NULL for a manual trigger, or a key that is not an instant). */
const SLOT_AT = "(CASE WHEN f.origin_key ~ '^-?[0-9]{1,18}$' THEN f.origin_key::bigint END)";

/** Register the `schedule` hook with `hooks`. */
export function registerScheduleCompletion(hooks: PgCompletionHooks): void {
  hooks.register("schedule", {
    stages: (s, input) => [
      // Contract: last_status of each finished job's schedule, while it is the last job.
      `UPDATE ${s}.schedules AS sc SET last_status = f.state
         FROM ${input} AS f
        WHERE sc.id = ${SCHEDULE_ID} AND sc.last_job_id = f.id`,
      // Contract: a `completed` entry per finished job whose schedule exists.
      `INSERT INTO ${s}.schedule_history (schedule_id, slot_at, at, kind, reason, job_id, message)
       SELECT sc.id, ${SLOT_AT}, f.finished_at, 'completed', f.state, f.id, NULL
         FROM ${input} AS f JOIN ${s}.schedules AS sc ON sc.id = ${SCHEDULE_ID}
        ORDER BY f.id`,
    ],
  });
}
