/**
 * @module stores/sqlite/migrations/005-job-origin
 * Migration 5: a general origin on every job, replacing the schedule-specific link of
 * migration 2 and its completion trigger.
 *
 * - `origin_kind` (NOT NULL, default `'api'`), `origin_id`, `origin_key`: the job's origin
 *   `{ kind, id, key }` (core/jobs/origin). Existing links are copied: a job with a
 *   `schedule_id` gets kind `'schedule'`, its schedule id as text, and its `slot_at` as text
 *   (NULL for a job triggered by hand). Kinds are validated by the adapter, not by a CHECK
 *   (the list grows; SQLite cannot alter a CHECK without rebuilding the table).
 * - `jobs_origin_key_idx` is UNIQUE over (origin_kind, origin_id, origin_key) for jobs that
 *   have a key: at most one job per schedule slot (or workflow task try), across processes.
 *   The owner looks its key up first under the write lock; the index is the last line of
 *   defence. A lookup `origin_kind = ? AND origin_id = ? AND origin_key = ?` implies the
 *   index's condition (`origin_key = ?` implies `origin_key IS NOT NULL`).
 * - `jobs_origin_active_idx` replaces `jobs_schedule_active_idx`: the active (scheduled,
 *   queued, running, retrying) jobs of one origin, oldest first (overlap decisions). As in
 *   migration 1, the states are OR-ed equalities, not `IN` (see there why), and the statements
 *   repeat the condition word for word; `origin_id IS NOT NULL` comes first, so an api job
 *   (no id) never evaluates the states and never enters the index, and a hot statement that
 *   says only `state = 'queued'` cannot pick this index (it does not imply the id condition).
 * - The completion trigger `jobs_schedule_completed_trg` is dropped: the job store now runs the
 *   completion hook of the job's origin kind, registered by the kind's owner (the schedule
 *   store registers `schedule`), inside the transaction that finishes the job (see
 *   ports/job-store, "Completion hooks", and `completion-hooks.ts`).
 * - Then the old indexes and columns go (`DROP COLUMN` needs SQLite 3.35 and no index,
 *   trigger or view using the column, hence the order).
 *
 * Schedule ids are still never reused (AUTOINCREMENT), which the copied links rely on: a job
 * keeps its origin after its schedule is deleted.
 */

/** The SQL text of migration 5. */
export const sql = `
ALTER TABLE jobs ADD COLUMN origin_kind TEXT NOT NULL DEFAULT 'api';
ALTER TABLE jobs ADD COLUMN origin_id TEXT;
ALTER TABLE jobs ADD COLUMN origin_key TEXT;

UPDATE jobs
   SET origin_kind = 'schedule',
       origin_id = CAST(schedule_id AS TEXT),
       origin_key = CAST(slot_at AS TEXT)
 WHERE schedule_id IS NOT NULL;

DROP TRIGGER jobs_schedule_completed_trg;
DROP INDEX jobs_schedule_slot_idx;
DROP INDEX jobs_schedule_active_idx;
ALTER TABLE jobs DROP COLUMN schedule_id;
ALTER TABLE jobs DROP COLUMN slot_at;

-- One job per (kind, id, key) when it has a key: a schedule slot fires once, across processes.
CREATE UNIQUE INDEX jobs_origin_key_idx ON jobs (origin_kind, origin_id, origin_key)
  WHERE origin_key IS NOT NULL;

-- Active (not finished) jobs of one origin, oldest first: overlap decisions (activeJobs).
CREATE INDEX jobs_origin_active_idx ON jobs (origin_kind, origin_id, id)
  WHERE origin_id IS NOT NULL
    AND (state = 'scheduled' OR state = 'queued' OR state = 'running' OR state = 'retrying');
`;
