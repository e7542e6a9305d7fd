/**
 * @module stores/sqlite/schedules/completion
 * Statement family: the `schedule` completion hook — what a schedule records when one of its
 * jobs reaches a terminal state. The schedule store owns the `schedule` origin kind and
 * registers this hook with the connection's CompletionHooks when it is opened (see
 * `../completion-hooks.ts` for when the job store calls it: inside the transaction of the
 * `finalize` or `cancel` that finished the job, under the write lock).
 *
 * For a finished job with origin `{ kind: "schedule", id, key }`:
 * - `last_status` = the job's terminal state, only while the job is still the schedule's
 *   `last_job_id` (an older job finishing after a newer one does not overwrite its status);
 * - a `completed` history entry (slot = the key as an instant, null for a job triggered by
 *   hand; at = the finish instant; reason = the state; the job's id), only if the schedule
 *   still exists — the insert selects the schedule, so a finished job of a deleted schedule
 *   never fails its finalization on the history foreign key.
 * An origin id that is not a schedule id names no schedule: nothing is recorded.
 */
import type Database from "better-sqlite3";
import { slotOfKey } from "../../../core/jobs/origin.js";
import { parseJobId } from "../arguments.js";
import type { CompletionHooks } from "../completion-hooks.js";

/** Prepare the hook's statements and register it as the `schedule` hook of `hooks`. */
export function registerScheduleCompletion(db: Database.Database, hooks: CompletionHooks): void {
  // Contract: inputs the terminal state, schedule id, job id; sets last_status only while the
  // job is the schedule's last job. One probe of the schedules primary key.
  const setLastStatus = db.prepare<[state: string, scheduleId: number, jobId: number]>(
    "UPDATE schedules SET last_status = ? WHERE id = ? AND last_job_id = ?",
  );

  // Contract: inputs slot (or null), finish instant, terminal state, job id, schedule id;
  // appends a `completed` entry if the schedule exists (else inserts nothing).
  const completed = db.prepare<
    [slotAt: number | null, at: number, state: string, jobId: number, scheduleId: number]
  >(
    `INSERT INTO schedule_history (schedule_id, slot_at, at, kind, reason, job_id, message)
     SELECT id, ?, ?, 'completed', ?, ?, NULL FROM schedules WHERE id = ?`,
  );

  hooks.register("schedule", (job) => {
    const scheduleId = job.origin.id === null ? null : parseJobId(job.origin.id);
    const jobId = parseJobId(job.id);
    if (scheduleId === null || jobId === null) return;
    setLastStatus.run(job.state, scheduleId, jobId);
    completed.run(slotOfKey(job.origin.key), job.finishedAt, job.state, jobId, scheduleId);
  });
}
