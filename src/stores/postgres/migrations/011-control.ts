/**
 * @module stores/postgres/migrations/011-control
 * Migration 11: durable stop and start (ports/control-store); same tables and meaning as SQLite
 * migration 12.
 *
 * - `control_requests`: one row per stop or start request; (target, kind, generation) is unique,
 *   so asking twice (or two processes at once) gives one request. `control_requests_pending_idx`
 *   finds what is still to be carried out (pending stops to deliver, starts to acknowledge or
 *   time out) without scanning the history.
 * - `job_control`: a job's generation and checkpoint, only for jobs that were stopped, started
 *   or checkpointed (generation 1 and no checkpoint otherwise); deleted with its job. Kept out
 *   of `jobs` so the row every claim and finalize updates stays as narrow as before.
 */

/** The SQL text of migration 11 for schema `s`. */
export const sql = (s: string): string => `
CREATE TABLE ${s}.control_requests (
  id           BIGSERIAL PRIMARY KEY,
  target_kind  TEXT      NOT NULL CHECK (target_kind IN ('job', 'run')),
  target_id    TEXT      NOT NULL,
  kind         TEXT      NOT NULL CHECK (kind IN ('stop', 'start')),
  generation   BIGINT    NOT NULL CHECK (generation >= 1),
  status       TEXT      NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
  requested_by TEXT      NOT NULL,
  created_at   BIGINT    NOT NULL,
  resolved_at  BIGINT,
  error        TEXT
);

CREATE UNIQUE INDEX control_requests_target_idx
  ON ${s}.control_requests (target_kind, target_id, kind, generation);

CREATE INDEX control_requests_pending_idx
  ON ${s}.control_requests (kind, created_at) WHERE status = 'pending';

CREATE TABLE ${s}.job_control (
  job_id        BIGINT PRIMARY KEY REFERENCES ${s}.jobs (id) ON DELETE CASCADE,
  generation    BIGINT NOT NULL DEFAULT 1 CHECK (generation >= 1),
  checkpoint    TEXT,
  checkpoint_at BIGINT
);
`;
