/**
 * @module stores/postgres/migrations/001-jobs
 * Migration 1: the `jobs` and `job_logs` tables and the indexes the hot paths need. The same
 * columns and meaning as SQLite migrations 1 and 2 (for jobs): instants are BIGINT ms since the
 * epoch (UTC), ids are BIGSERIAL (decimal strings in the port), `payload`, `result` and `error`
 * are JSON *text* (not jsonb: the payload is canonical JSON text compared byte for byte for
 * idempotency keys, and must come back exactly as written).
 *
 * `schedule_id` / `slot_at` link a job to the schedule slot that created it; the pair is unique
 * when both are set (`jobs_schedule_slot_idx`), so a slot fires once across replicas. There is
 * deliberately no foreign key to `schedules` (created by migration 2): deleting a schedule never
 * touches the jobs table.
 *
 * Most indexes are partial (`WHERE state = ...`) so they hold only live jobs; the statements
 * repeat these conditions so the planner can use them.
 */

/** The SQL text of migration 1, for the schema `s` (a quoted identifier). */
export const sql = (s: string): string => `
CREATE TABLE ${s}.jobs (
  id                  BIGSERIAL PRIMARY KEY,
  fn                  TEXT    NOT NULL,
  state               TEXT    NOT NULL CHECK (state IN ('scheduled', 'queued', 'running',
                        'retrying', 'succeeded', 'failed', 'cancelled', 'timed_out', 'stopped')),
  attempt             INTEGER NOT NULL DEFAULT 0,
  max_attempts        INTEGER NOT NULL,
  payload             TEXT    NOT NULL,
  result              TEXT,
  error               TEXT,
  progress_percent    DOUBLE PRECISION,
  progress_message    TEXT,
  progress_at         BIGINT,
  priority            INTEGER NOT NULL DEFAULT 0,
  run_at              BIGINT  NOT NULL,
  idempotency_key     TEXT,
  concurrency_key     TEXT,
  concurrency_limit   INTEGER NOT NULL DEFAULT 1,
  created_at          BIGINT  NOT NULL,
  updated_at          BIGINT  NOT NULL,
  started_at          BIGINT,
  finished_at         BIGINT,
  lease_owner         TEXT,
  lease_expires_at    BIGINT,
  lease_token         TEXT,
  cancel_requested_at BIGINT,
  schedule_id         BIGINT,
  slot_at             BIGINT
);

-- Idempotency keys are global and held while the row exists (partial: most jobs have none).
CREATE UNIQUE INDEX jobs_idempotency_key_idx ON ${s}.jobs (idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- Claim: queued jobs in claim order (priority DESC, run_at, id).
CREATE INDEX jobs_queued_claim_idx ON ${s}.jobs (priority DESC, run_at, id)
  WHERE state = 'queued';

-- Promotion of due scheduled/retrying jobs, and nextRunAt.
CREATE INDEX jobs_waiting_run_at_idx ON ${s}.jobs (run_at, fn)
  WHERE state IN ('scheduled', 'retrying');

-- Per-key concurrency: running jobs by concurrency key.
CREATE INDEX jobs_running_key_idx ON ${s}.jobs (concurrency_key)
  WHERE state = 'running';

-- Lease expiry sweep: running jobs by lease expiry.
CREATE INDEX jobs_running_lease_idx ON ${s}.jobs (lease_expires_at, id)
  WHERE state = 'running';

-- Listing newest first by fn and/or state; also counts a fn's pending jobs for maxPending.
CREATE INDEX jobs_fn_state_id_idx ON ${s}.jobs (fn, state, id);
CREATE INDEX jobs_state_id_idx ON ${s}.jobs (state, id);

-- One job per (schedule, slot), across restarts, processes and replicas.
CREATE UNIQUE INDEX jobs_schedule_slot_idx ON ${s}.jobs (schedule_id, slot_at)
  WHERE schedule_id IS NOT NULL AND slot_at IS NOT NULL;

CREATE TABLE ${s}.job_logs (
  id      BIGSERIAL PRIMARY KEY,
  job_id  BIGINT  NOT NULL REFERENCES ${s}.jobs (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  at      BIGINT  NOT NULL,
  level   TEXT    NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  message TEXT    NOT NULL
);

-- Logs of one job, oldest first; also serves the ON DELETE CASCADE lookup.
CREATE INDEX job_logs_job_at_idx ON ${s}.job_logs (job_id, at, id);
`;
