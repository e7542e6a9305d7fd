/**
 * @module stores/sqlite/migrations/001-jobs
 * Migration 1: the `jobs` and `job_logs` tables and the indexes the hot paths need.
 *
 * Instants are INTEGER ms since the epoch (UTC). `payload`, `result` and `error` are JSON text.
 * Most indexes are partial (`WHERE state ...`) so they hold only jobs of some states. A query
 * uses a partial index only when its WHERE clause repeats the index's condition word for word
 * (or, for a condition of OR-ed terms, contains one of the terms, literal for literal), so the
 * statements in this directory copy these conditions exactly.
 *
 * Index churn: every index whose key or condition involves `state` is written when a job
 * changes state, and each one costs a B-tree delete/insert per job plus a dirty page per
 * transaction. The hot path is queued -> running -> succeeded, so the indexes are chosen so
 * that it touches as few as possible: the claim index (queued), the lease index (running), the
 * pending index (left on claim) and the settled index (entered on finish) — never the
 * per-key index for jobs without a key, and nothing that lists `running` jobs by state.
 *
 * Sets of more than two states are written as OR-ed equalities, not `state IN (...)`: SQLite
 * evaluates an IN list of more than two constants by filling a temporary index once per
 * statement execution, and the CHECK and partial-index conditions are evaluated on every state
 * change, so finalizing n jobs one statement each would build n temporary indexes (measured:
 * about 2 µs per job). Two consequences for statements: an OR-ed condition makes its index
 * usable by any query with `state = '<one of its states>'`, so the hot statements name their
 * index (`INDEXED BY`) or, finding jobs by id, say `NOT INDEXED`; and a state bound as a
 * parameter is written `+?`, because SQLite compares a bare parameter with these literals while
 * planning and then compiles the statement again every time the parameter is bound.
 */

/** The SQL text of migration 1. */
export const sql = `
CREATE TABLE jobs (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  fn                  TEXT    NOT NULL,
  state               TEXT    NOT NULL CHECK (state = 'scheduled' OR state = 'queued'
                        OR state = 'running' OR state = 'retrying' OR state = 'succeeded'
                        OR state = 'failed' OR state = 'cancelled' OR state = 'timed_out'
                        OR state = 'stopped'),
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

-- Per-key concurrency: running jobs by concurrency key. Jobs without a key are not in it.
CREATE INDEX jobs_running_key_idx ON jobs (concurrency_key)
  WHERE state = 'running' AND concurrency_key IS NOT NULL;

-- Lease expiry sweep: running jobs by lease expiry; also lists running jobs (few: worker
-- capacity bounds them).
CREATE INDEX jobs_running_lease_idx ON jobs (lease_expires_at)
  WHERE state = 'running';

-- Listing by fn, newest first. No state in it, so a job enters it once and never moves.
CREATE INDEX jobs_fn_id_idx ON jobs (fn, id);

-- Pending jobs (scheduled, queued, retrying): counts a fn's pending jobs for maxPending
-- (covering range scans, one per state) and lists a pending state, by fn newest first.
CREATE INDEX jobs_pending_state_fn_idx ON jobs (state, fn, id)
  WHERE state = 'scheduled' OR state = 'queued' OR state = 'retrying';

-- Jobs at rest (finished, or stopped): lists such a state newest first. A job enters it once,
-- when it finishes.
CREATE INDEX jobs_settled_state_id_idx ON jobs (state, id)
  WHERE state = 'succeeded' OR state = 'failed' OR state = 'cancelled' OR state = 'timed_out'
     OR state = 'stopped';

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
