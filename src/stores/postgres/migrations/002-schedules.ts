/**
 * @module stores/postgres/migrations/002-schedules
 * Migration 2: schedules, their history, declared functions, the index of a schedule's active
 * jobs, and the trigger that records a job's completion on its schedule. Same columns and
 * meaning as SQLite migration 2; the link from a job to its slot (`jobs.schedule_id`,
 * `jobs.slot_at` and the unique `jobs_schedule_slot_idx`) is already in migration 1.
 *
 * Invariants the schema carries:
 * - At most one job per (schedule, slot): `jobs_schedule_slot_idx` (migration 1). `fireSlot`
 *   locks the schedule row and looks the pair up first; the index is the last line of defence
 *   (against a job enqueued directly through the JobStore with the same pair).
 * - Schedule ids are never reused (an identity column only moves forward): jobs keep their
 *   `schedule_id` after the schedule is deleted (there is deliberately no foreign key, so
 *   deleting a schedule never touches the jobs table), and a reused id would make an old job
 *   count as a slot of a new schedule.
 * - History is deleted with its schedule (ON DELETE CASCADE).
 * - When a job of a schedule reaches a terminal state, the trigger `jobs_schedule_completed_trg`
 *   records it on the schedule in the same transaction as the state change, whichever
 *   statement made it (finalize, cancel, a future sweep): `last_status` only while that job is
 *   still the schedule's last job (so an older job finishing late does not overwrite a newer
 *   status), and a `completed` history entry always, if the schedule still exists (the insert
 *   selects the schedule, so a finished job of a deleted schedule never fails its finalization
 *   on the history foreign key).
 *   Lock order: the trigger locks the schedule row after the job row; `fireSlot` locks the
 *   schedule row and then inserts a new job (no existing job row is locked), so the two never
 *   wait on each other in a cycle.
 *   The function body names every table with the schema: PL/pgSQL resolves names with the
 *   caller's search_path at run time, and the store's connections do not set one.
 *
 * Enumerations (timing kind, overlap, catch-up, source, history kind, function kind) are
 * validated by the adapter, not by CHECK constraints, as in SQLite: the lists are expected to
 * grow, and both adapters share one validation (see `schedules/schedule-row.ts`).
 *
 * `buffered_slots` is a BIGINT[] of slot instants, oldest first, `'{}'` when empty; the
 * buffered-slots index holds only rows with at least one.
 */

/** The SQL text of migration 2, for the schema `s` (a quoted identifier). */
export const sql = (s: string): string => `
-- Active (not finished) jobs of a schedule, oldest first: overlap decisions (activeJobs).
CREATE INDEX jobs_schedule_active_idx ON ${s}.jobs (schedule_id, id)
  WHERE schedule_id IS NOT NULL AND state IN ('scheduled', 'queued', 'running', 'retrying');

CREATE TABLE ${s}.schedules (
  id                BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name              TEXT    NOT NULL UNIQUE,
  fn                TEXT    NOT NULL,
  kind              TEXT    NOT NULL,
  cron              TEXT,
  timezone          TEXT,
  every_ms          BIGINT,
  at                BIGINT,
  payload           TEXT    NOT NULL,
  enabled           BOOLEAN NOT NULL,
  pause_note        TEXT,
  overlap           TEXT    NOT NULL,
  buffer_limit      INTEGER NOT NULL,
  catchup           TEXT    NOT NULL,
  catchup_window_ms BIGINT  NOT NULL,
  jitter_ms         BIGINT  NOT NULL,
  source            TEXT    NOT NULL,
  created_at        BIGINT  NOT NULL,
  updated_at        BIGINT  NOT NULL,
  next_slot_at      BIGINT,
  next_due_at       BIGINT,
  last_slot_at      BIGINT,
  last_fired_at     BIGINT,
  last_status       TEXT,
  last_job_id       BIGINT,
  run_count         BIGINT  NOT NULL DEFAULT 0,
  buffered_slots    BIGINT[] NOT NULL DEFAULT '{}',
  last_error        TEXT
);

-- The scheduler's hot path: due schedules in due order, and the earliest due instant.
CREATE INDEX schedules_due_idx ON ${s}.schedules (next_due_at, id)
  WHERE enabled AND next_due_at IS NOT NULL;

-- Enabled schedules with buffered slots (few), without scanning the others.
CREATE INDEX schedules_buffered_idx ON ${s}.schedules (id)
  WHERE enabled AND cardinality(buffered_slots) > 0;

CREATE TABLE ${s}.schedule_history (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  schedule_id BIGINT NOT NULL REFERENCES ${s}.schedules (id) ON DELETE CASCADE,
  slot_at     BIGINT,
  at          BIGINT NOT NULL,
  kind        TEXT   NOT NULL,
  reason      TEXT,
  job_id      BIGINT,
  message     TEXT
);

-- History of one schedule, newest first; also serves the ON DELETE CASCADE lookup.
CREATE INDEX schedule_history_schedule_idx ON ${s}.schedule_history (schedule_id, id);

CREATE TABLE ${s}.functions (
  name       TEXT   PRIMARY KEY,
  kind       TEXT   NOT NULL,
  spec       TEXT   NOT NULL,
  source     TEXT   NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Runs once per terminal transition of a job that has a schedule (see the trigger's WHEN).
CREATE FUNCTION ${s}.jobs_schedule_completed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ${s}.schedules SET last_status = NEW.state
   WHERE id = NEW.schedule_id AND last_job_id = NEW.id;
  INSERT INTO ${s}.schedule_history (schedule_id, slot_at, at, kind, reason, job_id, message)
  SELECT id, NEW.slot_at, COALESCE(NEW.finished_at, NEW.updated_at), 'completed', NEW.state,
         NEW.id, NULL
    FROM ${s}.schedules WHERE id = NEW.schedule_id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER jobs_schedule_completed_trg
  AFTER UPDATE OF state ON ${s}.jobs
  FOR EACH ROW
  WHEN (NEW.schedule_id IS NOT NULL
        AND NEW.state IN ('succeeded', 'failed', 'cancelled', 'timed_out')
        AND OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION ${s}.jobs_schedule_completed();
`;
