/**
 * @module stores/sqlite/migrations/012-control
 * Migration 12: durable stop and start (ports/control-store).
 *
 * - `control_requests`: one row per stop or start request; (target, kind, generation) is unique,
 *   so asking twice (or two callers at once) gives one request. `control_requests_pending_idx`
 *   finds what is still to be carried out (pending stops to deliver, starts to acknowledge or
 *   time out) without scanning the history.
 * - `job_control`: a job's generation and checkpoint, only for jobs that were stopped, started
 *   or checkpointed (generation 1 and no checkpoint otherwise). Kept out of `jobs` so the row
 *   every claim and finalize updates stays as narrow as before.
 */

/** The SQL text of migration 12. */
export const sql = `
CREATE TABLE control_requests (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  target_kind  TEXT    NOT NULL CHECK (target_kind IN ('job', 'run')),
  target_id    TEXT    NOT NULL,
  kind         TEXT    NOT NULL CHECK (kind IN ('stop', 'start')),
  generation   INTEGER NOT NULL CHECK (generation >= 1),
  status       TEXT    NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
  requested_by TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  resolved_at  INTEGER,
  error        TEXT
);

CREATE UNIQUE INDEX control_requests_target_idx
  ON control_requests (target_kind, target_id, kind, generation);

CREATE INDEX control_requests_pending_idx
  ON control_requests (kind, created_at) WHERE status = 'pending';

CREATE TABLE job_control (
  job_id        INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  generation    INTEGER NOT NULL DEFAULT 1 CHECK (generation >= 1),
  checkpoint    TEXT,
  checkpoint_at INTEGER
);
`;
