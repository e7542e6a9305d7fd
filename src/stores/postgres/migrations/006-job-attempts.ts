/**
 * @module stores/postgres/migrations/006-job-attempts
 * Migration 6: `job_attempts`, one row per attempt that ended (core/jobs/attempts), written by
 * a stage of the finalize statement, in the statement that ends the attempt. Same columns and
 * meaning as SQLite migration 6:
 *
 * - Key (job_id, seq): `seq` numbers a job's records 1, 2, ... in the order they were written
 *   (a `released` attempt is not counted, so attempt numbers repeat). The key serves "all
 *   attempts of job X, oldest first", the next `seq` (max + 1, one index probe) and the
 *   retention delete.
 * - No foreign key to `jobs`: its check would cost a row lookup with a KEY SHARE lock per
 *   record on the finalize path. Retention deletes a job's attempts in its own statement
 *   (`retention.ts`), the only place jobs are deleted.
 * - `error` is JSON text as in `jobs.error`, NULL when none; `duration_ms` = finished_at -
 *   started_at; `started_at` and `worker_id` are the job row's, as the claim wrote them.
 */

/** The SQL text of migration 6, for the schema `s` (a quoted identifier). */
export const sql = (s: string): string => `
CREATE TABLE ${s}.job_attempts (
  job_id      BIGINT  NOT NULL,
  seq         INTEGER NOT NULL,
  attempt     INTEGER NOT NULL,
  worker_id   TEXT,
  started_at  BIGINT  NOT NULL,
  finished_at BIGINT  NOT NULL,
  outcome     TEXT    NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'retrying',
                'timed_out', 'cancelled', 'worker_lost', 'released')),
  error       TEXT,
  duration_ms BIGINT  NOT NULL,
  PRIMARY KEY (job_id, seq)
);
`;
