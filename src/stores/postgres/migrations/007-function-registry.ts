/**
 * @module stores/postgres/migrations/007-function-registry
 * Migration 7: the presence of worker processes per function; same table and meaning as SQLite
 * migration 8 (`function_workers`: one row per function and worker instance, its last
 * heartbeat, and why it cannot run there). Functions registered by `define()` go into the
 * `functions` table of migration 2 with source `define`.
 */

/** The SQL text of migration 7 for schema `s`. */
export const sql = (s: string): string => `
CREATE TABLE ${s}.function_workers (
  fn           TEXT   NOT NULL,
  instance     TEXT   NOT NULL,
  unavailable  TEXT,
  last_seen_at BIGINT NOT NULL,
  PRIMARY KEY (fn, instance)
);

CREATE INDEX function_workers_seen_idx ON ${s}.function_workers (last_seen_at);
CREATE INDEX function_workers_instance_idx ON ${s}.function_workers (instance);
`;
