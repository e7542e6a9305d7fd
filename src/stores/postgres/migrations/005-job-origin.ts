/**
 * @module stores/postgres/migrations/005-job-origin
 * Migration 5: a general origin on every job, replacing the schedule-specific link of
 * migrations 1 and 2 and the PL/pgSQL completion trigger. Same columns, indexes and meaning as
 * SQLite migration 5:
 *
 * - `origin_kind` (NOT NULL, default `'api'`: a metadata-only change, no table rewrite),
 *   `origin_id`, `origin_key` (core/jobs/origin). Existing links are copied: a job with a
 *   `schedule_id` gets kind `'schedule'`, its schedule id as text and its `slot_at` as text
 *   (NULL for a job triggered by hand). Kinds are validated by the adapter, as in SQLite.
 * - `jobs_origin_key_idx`: UNIQUE (origin_kind, origin_id, origin_key) WHERE origin_key IS
 *   NOT NULL — at most one job per schedule slot (or workflow task try), across replicas.
 *   `fireSlot` looks the triple up first under the schedule's row lock; a unique violation
 *   on this index (23505) means a job for the slot was committed meanwhile.
 * - `jobs_origin_active_idx` replaces `jobs_schedule_active_idx`: active jobs of one origin,
 *   oldest first; the statements repeat its condition.
 * - The trigger `jobs_schedule_completed_trg` and its function are dropped: the job store now
 *   runs the completion hook of the job's origin kind, registered by the kind's owner, as
 *   extra data-modifying stages of the statement that finishes the job (see ports/job-store,
 *   "Completion hooks", and `completion-hooks.ts`).
 * - Then the old indexes and columns are dropped.
 *
 * Cost at upgrade: the copy rewrites the schedule-linked rows, and the index builds block
 * writes to `jobs` inside the migration's transaction (seconds on millions of rows, once).
 */

/** The SQL text of migration 5, for the schema `s` (a quoted identifier). */
export const sql = (s: string): string => `
ALTER TABLE ${s}.jobs ADD COLUMN origin_kind TEXT NOT NULL DEFAULT 'api';
ALTER TABLE ${s}.jobs ADD COLUMN origin_id TEXT;
ALTER TABLE ${s}.jobs ADD COLUMN origin_key TEXT;

UPDATE ${s}.jobs
   SET origin_kind = 'schedule', origin_id = schedule_id::text, origin_key = slot_at::text
 WHERE schedule_id IS NOT NULL;

DROP TRIGGER jobs_schedule_completed_trg ON ${s}.jobs;
DROP FUNCTION ${s}.jobs_schedule_completed();
DROP INDEX ${s}.jobs_schedule_slot_idx;
DROP INDEX ${s}.jobs_schedule_active_idx;
ALTER TABLE ${s}.jobs DROP COLUMN schedule_id, DROP COLUMN slot_at;

-- One job per (kind, id, key) when it has a key: a schedule slot fires once, across replicas.
CREATE UNIQUE INDEX jobs_origin_key_idx ON ${s}.jobs (origin_kind, origin_id, origin_key)
  WHERE origin_key IS NOT NULL;

-- Active (not finished) jobs of one origin, oldest first: overlap decisions (activeJobs).
CREATE INDEX jobs_origin_active_idx ON ${s}.jobs (origin_kind, origin_id, id)
  WHERE origin_id IS NOT NULL AND state IN ('scheduled', 'queued', 'running', 'retrying');
`;
