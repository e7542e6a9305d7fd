/**
 * @module stores/sqlite/migrations/013-stats
 * Migration 13: the indexes the stats route (`JobStore.jobStats`) counts by, so that a window
 * is a range scan of its own jobs and never a scan of the table.
 *
 * - `jobs_finished_at_idx`: finished jobs (succeeded, failed, cancelled, timed_out) by finish
 *   time, with their state, so counting a window per state reads the index only. A job enters
 *   it once, when it finishes, like `jobs_finished_fn_idx` (whose leading `fn` makes a window
 *   over all functions a probe per function, not one range). Same OR-ed condition, word for
 *   word, as migration 4 (see migration 1 for why not `IN`).
 * - `jobs_created_at_idx`: every job by creation time (covering for a count). Creation times
 *   grow, so an enqueue appends at the right edge of the B-tree.
 */

/** The SQL text of migration 13. */
export const sql = `
CREATE INDEX jobs_finished_at_idx ON jobs (finished_at, state)
  WHERE state = 'succeeded' OR state = 'failed' OR state = 'cancelled' OR state = 'timed_out';

CREATE INDEX jobs_created_at_idx ON jobs (created_at);
`;
