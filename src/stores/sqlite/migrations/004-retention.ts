/**
 * @module stores/sqlite/migrations/004-retention
 * Migration 4: the indexes retention deletes by, so that each batch is a range scan of old
 * rows and never a scan of the table.
 *
 * - `jobs_finished_fn_idx` holds finished jobs (succeeded, failed, cancelled, timed_out — not
 *   stopped, which can be started again) by function and finish time. One function's expired
 *   jobs are a range of it; all functions' expired jobs are found by skipping from function to
 *   function through it (one probe per function), so jobs a function keeps longer (or forever)
 *   are never walked by the passes of the others. A job enters it once, when it finishes (the
 *   same moment it enters `jobs_settled_state_id_idx`), and leaves it when it is deleted.
 *   Its condition is written as OR-ed equalities, like the other state conditions of
 *   migration 1 (see there why not `IN`); the statements repeat it word for word.
 * - `schedule_history_at_idx` orders history by recording time, so entries older than the
 *   cutoff are a prefix of it.
 *
 * Deleting a job fires no trigger (the completion trigger of migration 2 is on UPDATE of
 * state): a schedule whose `last_job_id` names a deleted job keeps its `last_status`.
 */

/** The SQL text of migration 4. */
export const sql = `
-- Retention: finished jobs of a function, oldest finish first.
CREATE INDEX jobs_finished_fn_idx ON jobs (fn, finished_at)
  WHERE state = 'succeeded' OR state = 'failed' OR state = 'cancelled' OR state = 'timed_out';

-- Retention: schedule history, oldest recording first.
CREATE INDEX schedule_history_at_idx ON schedule_history (at, id);
`;
