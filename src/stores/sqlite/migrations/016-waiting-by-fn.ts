/**
 * @module stores/sqlite/migrations/016-waiting-by-fn
 * Migration 16: waiting jobs (scheduled, retrying) indexed by function first, then run_at,
 * replacing `jobs_waiting_run_at_idx (run_at, fn)` of migration 1.
 *
 * The claim's promote step and the waker's next-runAt read ask for the waiting jobs of the
 * worker's functions. Through `(run_at, fn)` they walked every due waiting job of every
 * function and filtered on fn, so due jobs of a function whose workers are down (never
 * promoted, since only its own workers' claims promote it) were walked by every claim of every
 * other worker: 122 ms per claim with 1,000,000 of them (issue 14 item 4). Through `(fn, run_at)`
 * each requested function is one range (promote: `run_at <= now`; next runAt: its first entry).
 * Same condition as the old index, word for word (the statements repeat it).
 */

/** The SQL text of migration 16. */
export const sql = `
CREATE INDEX jobs_waiting_fn_run_at_idx ON jobs (fn, run_at)
  WHERE state IN ('scheduled', 'retrying');

DROP INDEX jobs_waiting_run_at_idx;
`;
