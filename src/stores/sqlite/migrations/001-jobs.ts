/**
 * @module stores/sqlite/migrations/001-jobs
 * Migration 1: the `jobs` and `job_logs` tables and the indexes the hot paths need.
 *
 * Instants are INTEGER ms since the epoch (UTC). `payload`, `result` and `error` are JSON text.
 * Most indexes are partial (`WHERE state = ...`) so they hold only live jobs: finished jobs,
 * the bulk of the table over time, cost nothing on the claim path. A query uses a partial
 * index only when its WHERE clause repeats the index's condition word for word, so the
 * statements in this directory copy these conditions exactly.
 */

/** The SQL text of migration 1. */
export const sql = `
CREATE TABLE jobs (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  fn                  TEXT    NOT NULL,
  state               TEXT    NOT NULL CHECK (state IN ('scheduled', 'queued', 'running',
                        'retrying', 'succeeded', 'failed', 'cancelled', 'timed_out', 'stopped')),
  attempt             INTEGER NOT NULL DEFAULT 0,
  max_attempts        INTEGER NOT NULL,
  payload             TEXT    NOT NULL,
  result              TEXT,
  error               TEXT,
  progress_percent    REAL,
  progress_message    TEXT,
  progress_at         INTEGER,
  priority            INTEGER NOT NULL DEFAULT 0,
  run_at              INTEGER NOT NULL,
  idempotency_key     TEXT,
  concurrency_key     TEXT,
  concurrency_limit   INTEGER NOT NULL DEFAULT 1,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  started_at          INTEGER,
  finished_at         INTEGER,
  lease_owner         TEXT,
  lease_expires_at    INTEGER,
  lease_token         TEXT,
  cancel_requested_at INTEGER
);

-- Idempotency keys are global and held while the row exists (partial: most jobs have none).
CREATE UNIQUE INDEX jobs_idempotency_key_idx ON jobs (idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- Claim: queued jobs in claim order (priority DESC, run_at, id).
CREATE INDEX jobs_queued_claim_idx ON jobs (priority DESC, run_at, id)
  WHERE state = 'queued';

-- Promotion of due scheduled/retrying jobs, and nextRunAt.
CREATE INDEX jobs_waiting_run_at_idx ON jobs (run_at, fn)
  WHERE state IN ('scheduled', 'retrying');

-- Per-key concurrency: running jobs by concurrency key.
CREATE INDEX jobs_running_key_idx ON jobs (concurrency_key)
  WHERE state = 'running';

-- Lease expiry sweep: running jobs by lease expiry.
CREATE INDEX jobs_running_lease_idx ON jobs (lease_expires_at)
  WHERE state = 'running';

-- Listing newest first by fn and/or state; also counts a fn's pending jobs for maxPending
-- (fn = ? AND state IN (...) is a covering range scan).
CREATE INDEX jobs_fn_state_id_idx ON jobs (fn, state, id);
CREATE INDEX jobs_state_id_idx ON jobs (state, id);

CREATE TABLE job_logs (
  id      INTEGER PRIMARY KEY,
  job_id  INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  at      INTEGER NOT NULL,
  level   TEXT    NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  message TEXT    NOT NULL
);

-- Logs of one job, oldest first; also serves the ON DELETE CASCADE lookup.
CREATE INDEX job_logs_job_at_idx ON job_logs (job_id, at, id);
`;
