/**
 * @module stores/sqlite/migrations/006-job-attempts
 * Migration 6: `job_attempts`, one row per attempt that ended (core/jobs/attempts), written by
 * the finalize statements in the transaction that ends the attempt.
 *
 * - Key (job_id, seq): `seq` numbers a job's records 1, 2, ... in the order they were written.
 *   The attempt number alone is not a key: a `released` attempt is not counted, so the next
 *   claim runs an attempt with the same number. The key also serves "all attempts of job X,
 *   oldest first" and the ON DELETE CASCADE lookup when retention deletes the job.
 * - WITHOUT ROWID: one B-tree per row written (no rowid table beside the key's index) on the
 *   finalize path. A succeeded attempt's row is a few dozen bytes; a failed one carries its error
 *   JSON (with a stack: overflow pages, on the rare path).
 * - `outcome` is checked with OR-ed equalities, not IN (migration 1 explains why).
 * - `started_at` and `worker_id` are copied from the job row (the claim wrote them); `error` is
 *   JSON text as in `jobs.error`, NULL when none; `duration_ms` = finished_at - started_at.
 */

/** The SQL text of migration 6. */
export const sql = `
CREATE TABLE job_attempts (
  job_id      INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  attempt     INTEGER NOT NULL,
  worker_id   TEXT,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  outcome     TEXT    NOT NULL CHECK (outcome = 'succeeded' OR outcome = 'failed'
                OR outcome = 'retrying' OR outcome = 'timed_out' OR outcome = 'cancelled'
                OR outcome = 'worker_lost' OR outcome = 'released'),
  error       TEXT,
  duration_ms INTEGER NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
`;
