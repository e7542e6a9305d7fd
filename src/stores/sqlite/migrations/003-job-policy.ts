/**
 * @module stores/sqlite/migrations/003-job-policy
 * Migration 3: the policy stamped on each job when it is created. `max_attempts`, `priority`
 * and the concurrency key and limit were already columns; the backoff and the attempt timeout
 * join them, so retries, timeouts and lease recovery read the job and never a process's
 * in-memory function registry.
 *
 * `backoff` is the BackoffPolicy as JSON text; `timeout_ms` is ms (0: no timeout). Both are
 * NULL only for jobs created before this migration: the runtime applies the defaults of the
 * time to those (exponential from 1 s, 30 minutes).
 */

/** The SQL text of migration 3. */
export const sql = `
ALTER TABLE jobs ADD COLUMN backoff TEXT;
ALTER TABLE jobs ADD COLUMN timeout_ms INTEGER;
`;
