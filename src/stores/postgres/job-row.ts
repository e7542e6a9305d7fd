/**
 * @module stores/postgres/job-row
 * The column list of a `jobs` row; the row mapping is shared with SQLite (`stores/job-row`).
 * BIGINT columns arrive as numbers (see `database.ts`); ids leave as strings.
 */
export { errorToJson, rowToJob, type JobRow } from "../job-row.js";

/**
 * The columns of a `jobs` row, for SELECT and RETURNING lists. Statements name the columns
 * rather than `*`: they are prepared per connection, and PostgreSQL refuses to run a prepared
 * `SELECT *` whose result columns changed, which would break running processes the moment a
 * newer Kairos adds a column to `jobs` in a migration.
 */
export const JOB_COLUMNS = [
  "id",
  "fn",
  "state",
  "attempt",
  "max_attempts",
  "payload",
  "result",
  "error",
  "progress_percent",
  "progress_message",
  "progress_at",
  "priority",
  "run_at",
  "idempotency_key",
  "concurrency_key",
  "concurrency_limit",
  "created_at",
  "updated_at",
  "started_at",
  "finished_at",
  "lease_owner",
  "lease_expires_at",
  "lease_token",
  "cancel_requested_at",
  "backoff",
  "timeout_ms",
  "origin_kind",
  "origin_id",
  "origin_key",
] as const;

/** `JOB_COLUMNS` as an SQL list, each qualified by `alias` when given (`j.id, j.fn, ...`). */
export function jobColumns(alias?: string): string {
  return JOB_COLUMNS.map((c) => (alias === undefined ? c : `${alias}.${c}`)).join(", ");
}
