/**
 * @module stores/postgres/migrations/003-job-policy
 * Migration 3: the policy stamped on each job when it is created; the same columns and meaning
 * as SQLite migration 3. `backoff` is the BackoffPolicy as JSON text, `timeout_ms` ms (0: no
 * timeout); both NULL only for jobs created before this migration (the runtime applies the
 * defaults of the time to those). Adding nullable columns without a default rewrites nothing.
 */

/** The SQL text of migration 3, for the schema `s` (a quoted identifier). */
export const sql = (s: string): string => `
ALTER TABLE ${s}.jobs ADD COLUMN backoff TEXT;
ALTER TABLE ${s}.jobs ADD COLUMN timeout_ms BIGINT;
`;
