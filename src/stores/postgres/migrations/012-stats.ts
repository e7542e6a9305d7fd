/**
 * @module stores/postgres/migrations/012-stats
 * Migration 12: the indexes the stats route (`JobStore.jobStats`) counts by, so that a window
 * is a range scan of its own jobs (index-only once the visibility map is set) and never a scan
 * of the table. Same indexes and meaning as SQLite migration 13:
 *
 * - `jobs_finished_at_idx`: finished jobs (succeeded, failed, cancelled, timed_out) by finish
 *   time, with their state. `jobs_finished_fn_idx` leads with `fn`, so it cannot answer a
 *   window over all functions with one range.
 * - `jobs_created_at_idx`: every job by creation time.
 *
 * Built inside the migration's transaction (blocks writes to `jobs` while it builds: seconds
 * on a table of millions of rows, once, at upgrade).
 */

/** The SQL text of migration 12, for the schema `s` (a quoted identifier). */
export const sql = (s: string): string => `
CREATE INDEX jobs_finished_at_idx ON ${s}.jobs (finished_at, state)
  WHERE state IN ('succeeded', 'failed', 'cancelled', 'timed_out');

CREATE INDEX jobs_created_at_idx ON ${s}.jobs (created_at);
`;
