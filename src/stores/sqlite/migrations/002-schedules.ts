/**
 * @module stores/sqlite/migrations/002-schedules
 * Migration 2: schedules, their history, declared functions, and the link from a job to the
 * schedule slot that created it.
 *
 * Invariants the schema carries:
 * - At most one job per (schedule, slot): `jobs_schedule_slot_idx` is UNIQUE over
 *   (schedule_id, slot_at) for jobs that have both. `fireSlot` looks the pair up under its
 *   write lock first; the index is the last line of defence.
 * - Schedule ids are never reused (AUTOINCREMENT): jobs keep their `schedule_id` after the
 *   schedule is deleted (there is deliberately no foreign key, so deleting a schedule never
 *   touches the jobs table), and a reused id would make an old job count as a slot of a new
 *   schedule.
 * - History is deleted with its schedule (ON DELETE CASCADE; `foreign_keys = ON` is set by
 *   `open`).
 * - When a job of a schedule reaches a terminal state, the trigger
 *   `jobs_schedule_completed_trg` records it on the schedule in the same transaction as the
 *   state change — whichever statement made it (finalize, cancel, a future sweep): `last_status`
 *   only while that job is still the schedule's last job (so an older job finishing late does
 *   not overwrite a newer status), and a `completed` history entry always (if the schedule
 *   still exists; the insert is guarded so a finished job of a deleted schedule never fails its
 *   finalization on the history foreign key).
 *
 * Enumerations (timing kind, overlap, catch-up, source, history kind, function kind) are
 * validated by the adapter, not by CHECK constraints: SQLite cannot alter a CHECK without
 * rebuilding the table, and these lists are expected to grow.
 *
 * `buffered_slots` is a JSON array of slot instants, oldest first, exactly `[]` when empty
 * (the adapter always writes `JSON.stringify` output), which the buffered-slots index relies on.
 */

/** The SQL text of migration 2. */
export const sql = `
ALTER TABLE jobs ADD COLUMN schedule_id INTEGER;
ALTER TABLE jobs ADD COLUMN slot_at INTEGER;

-- One job per (schedule, slot), across restarts, processes and replicas.
CREATE UNIQUE INDEX jobs_schedule_slot_idx ON jobs (schedule_id, slot_at)
  WHERE schedule_id IS NOT NULL AND slot_at IS NOT NULL;

-- Active (not finished) jobs of a schedule, oldest first: overlap decisions.
CREATE INDEX jobs_schedule_active_idx ON jobs (schedule_id, id)
  WHERE schedule_id IS NOT NULL AND state IN ('scheduled', 'queued', 'running', 'retrying');

CREATE TABLE schedules (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  name              TEXT    NOT NULL UNIQUE,
  fn                TEXT    NOT NULL,
  kind              TEXT    NOT NULL,
  cron              TEXT,
  timezone          TEXT,
  every_ms          INTEGER,
  at                INTEGER,
  payload           TEXT    NOT NULL,
  enabled           INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  pause_note        TEXT,
  overlap           TEXT    NOT NULL,
  buffer_limit      INTEGER NOT NULL,
  catchup           TEXT    NOT NULL,
  catchup_window_ms INTEGER NOT NULL,
  jitter_ms         INTEGER NOT NULL,
  source            TEXT    NOT NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  next_slot_at      INTEGER,
  next_due_at       INTEGER,
  last_slot_at      INTEGER,
  last_fired_at     INTEGER,
  last_status       TEXT,
  last_job_id       INTEGER,
  run_count         INTEGER NOT NULL DEFAULT 0,
  buffered_slots    TEXT    NOT NULL DEFAULT '[]',
  last_error        TEXT
);

-- The scheduler's hot path: due schedules in due order, and the earliest due instant.
CREATE INDEX schedules_due_idx ON schedules (next_due_at)
  WHERE enabled = 1 AND next_due_at IS NOT NULL;

-- Enabled schedules with buffered slots (few), without scanning the others.
CREATE INDEX schedules_buffered_idx ON schedules (id)
  WHERE enabled = 1 AND buffered_slots <> '[]';

CREATE TABLE schedule_history (
  id          INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
  slot_at     INTEGER,
  at          INTEGER NOT NULL,
  kind        TEXT    NOT NULL,
  reason      TEXT,
  job_id      INTEGER,
  message     TEXT
);

-- History of one schedule, newest first; also serves the ON DELETE CASCADE lookup.
CREATE INDEX schedule_history_schedule_idx ON schedule_history (schedule_id, id);

CREATE TABLE functions (
  name       TEXT    PRIMARY KEY,
  kind       TEXT    NOT NULL,
  spec       TEXT    NOT NULL,
  source     TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TRIGGER jobs_schedule_completed_trg
  AFTER UPDATE OF state ON jobs
  WHEN NEW.schedule_id IS NOT NULL
   AND NEW.state IN ('succeeded', 'failed', 'cancelled', 'timed_out')
   AND OLD.state <> NEW.state
BEGIN
  UPDATE schedules SET last_status = NEW.state
   WHERE id = NEW.schedule_id AND last_job_id = NEW.id;
  INSERT INTO schedule_history (schedule_id, slot_at, at, kind, reason, job_id, message)
  SELECT id, NEW.slot_at, COALESCE(NEW.finished_at, NEW.updated_at), 'completed', NEW.state,
         NEW.id, NULL
    FROM schedules WHERE id = NEW.schedule_id;
END;
`;
