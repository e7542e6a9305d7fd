/**
 * @module stores/postgres/migrations/016-waiting-by-fn
 * Migration 16: waiting jobs (scheduled, retrying) indexed by function first, then run_at,
 * replacing `jobs_waiting_run_at_idx (run_at, fn)` of migration 1; same index and reason as
 * SQLite migration 16.
 *
 * The waker's next-runAt read (`nextRunAt`) asks for the earliest waiting job of the worker's
 * functions: through `(run_at, fn)` the planner had the choice of walking every function's
 * waiting jobs in run_at order (due jobs of a function whose workers are down are walked on
 * every read; issue 14 item 4) or sorting all of the fns' waiting jobs. Through `(fn, run_at)`
 * it reads the first entry of each fn's range. The claim's promote step (`fn = ANY(fns) AND
 * run_at <= now`, in `claim_keyless` and the keyed claim) becomes one range per fn too; the
 * planner may also serve it from `jobs_fn_state_id_idx`, equally bounded by the fns' rows.
 *
 * Built inside the migration's transaction (blocks writes to `jobs` while it builds: seconds
 * on a table of millions of rows, once, at upgrade).
 */

/** The SQL text of migration 16, for the schema `s` (a quoted identifier). */
export const sql = (s: string): string => `
CREATE INDEX jobs_waiting_fn_run_at_idx ON ${s}.jobs (fn, run_at)
  WHERE state IN ('scheduled', 'retrying');

DROP INDEX ${s}.jobs_waiting_run_at_idx;
`;
