/**
 * @module stores/postgres/migrations/017-state-group-indexes
 * Migration 17: the listing and counting indexes of `jobs` become partial by state group
 * (issue 14 item 2).
 *
 * Why: on PostgreSQL an UPDATE that changes an indexed column (`state`) is never HOT, so it
 * adds an entry to EVERY index whose predicate admits the new row version, whether or not the
 * index's own columns changed. The full indexes `jobs_fn_state_id_idx (fn, state, id)`,
 * `jobs_state_id_idx (state, id)` and `jobs_created_at_idx (created_at)` took an entry at
 * every claim (queued -> running) and every finalize; with them a claim added 5 entries and a
 * finalize 6. After this migration:
 *
 * - a claim adds the primary key, `jobs_created_at_idx` and the running indexes of migration 1
 *   (lease; the key index only for a job with a concurrency key): 3 entries;
 * - a finalize to a terminal state adds the primary key, `jobs_created_at_idx`, the finished
 *   indexes of migrations 4 and 12 (retention, stats) and the two settled listing indexes
 *   below (6, as before, but each now serves only the rows it lists);
 * - a retry or release adds the primary key, `jobs_created_at_idx` and the pending (and
 *   waiting) indexes.
 *
 * `jobs_created_at_idx` (migration 12, the stats route's created series) stays a B-tree. A BRIN
 * index would take no entry per update, but its page-range summaries only widen: a job row's
 * new versions (claim, finalize) and the rows inserted into pages retention freed land in old
 * page ranges, so on a long-lived queue every range comes to match every window and the
 * created series would read most of the table.
 *
 * The indexes, by state group:
 *
 * - pending (scheduled, queued, retrying): `jobs_pending_fn_state_id_idx (fn, state, id)`
 *   (listing by fn and state, fn-only listing merged per state, the maxPending count, live
 *   counts) and `jobs_pending_state_id_idx (state, id)` (listing by state, newest first);
 * - running: no listing index; the running jobs are few (worker capacity bounds them) and are
 *   read through `jobs_running_lease_idx` and sorted;
 * - settled (succeeded, failed, cancelled, timed_out, stopped):
 *   `jobs_settled_fn_state_id_idx (fn, state, id)` and `jobs_settled_state_id_idx (state, id)`.
 *
 * A partial index is used only when the planner sees the state value: the statements that
 * list by state name each state as a constant (`read-jobs.ts`, `live-counts.ts`), so that a
 * prepared statement's generic plan matches them too.
 *
 * Built inside the migration's transaction (blocks writes to `jobs` while the indexes build:
 * seconds on a table of millions of rows, once, at upgrade).
 */

/** The SQL text of migration 17, for the schema `s` (a quoted identifier). */
export const sql = (s: string): string => `
CREATE INDEX jobs_pending_fn_state_id_idx ON ${s}.jobs (fn, state, id)
  WHERE state IN ('scheduled', 'queued', 'retrying');
CREATE INDEX jobs_pending_state_id_idx ON ${s}.jobs (state, id)
  WHERE state IN ('scheduled', 'queued', 'retrying');

CREATE INDEX jobs_settled_fn_state_id_idx ON ${s}.jobs (fn, state, id)
  WHERE state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'stopped');
CREATE INDEX jobs_settled_state_id_idx ON ${s}.jobs (state, id)
  WHERE state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'stopped');

DROP INDEX ${s}.jobs_fn_state_id_idx;
DROP INDEX ${s}.jobs_state_id_idx;
`;
