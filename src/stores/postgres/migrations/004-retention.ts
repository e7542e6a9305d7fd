/**
 * @module stores/postgres/migrations/004-retention
 * Migration 4: the indexes retention deletes by, so that each batch is a range scan of old
 * rows and never a scan of the table. Same indexes and meaning as SQLite migration 4:
 *
 * - `jobs_finished_fn_idx`: finished jobs (succeeded, failed, cancelled, timed_out — not
 *   stopped, which can be started again) by function and finish time. One function's expired
 *   jobs are a range of it; all functions' expired jobs are found by skipping from function to
 *   function through it (a recursive CTE, one probe per function), so jobs a function keeps
 *   longer (or forever) are never walked by the passes of the others.
 * - `schedule_history_at_idx`: schedule history by recording time.
 *
 * The indexes are built inside the migration's transaction (CREATE INDEX CONCURRENTLY cannot
 * run in one), which blocks writes to `jobs` while the index is built: seconds on a table of
 * millions of rows, once, at upgrade.
 *
 * Deleting a job fires no trigger (the completion trigger of migration 2 is on UPDATE of
 * state): a schedule whose `last_job_id` names a deleted job keeps its `last_status`.
 */

/** The SQL text of migration 4, for the schema `s` (a quoted identifier). */
export const sql = (s: string): string => `
-- Retention: finished jobs of a function, oldest finish first.
CREATE INDEX jobs_finished_fn_idx ON ${s}.jobs (fn, finished_at)
  WHERE state IN ('succeeded', 'failed', 'cancelled', 'timed_out');

-- Retention: schedule history, oldest recording first.
CREATE INDEX schedule_history_at_idx ON ${s}.schedule_history (at, id);
`;
