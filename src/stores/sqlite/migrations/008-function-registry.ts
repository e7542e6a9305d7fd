/**
 * @module stores/sqlite/migrations/008-function-registry
 * Migration 8: the presence of worker processes per function.
 *
 * - `function_workers` holds one row per (function, worker instance): when the instance last
 *   reported it (`last_seen_at`, its heartbeat) and why it cannot run it (`unavailable`, null
 *   when it can). Rows of a stopped instance are deleted at its clean stop; rows of a dead one
 *   age out (readers bound `last_seen_at`; heartbeats delete expired rows).
 * - `function_workers_seen_idx` serves the expiry delete; `function_workers_instance_idx` the
 *   replacement of one instance's rows.
 * - Functions registered by `define()` go into the `functions` table of migration 2 with source
 *   `define` (sources are validated by the adapter, not by a CHECK), so no change there.
 */

/** The SQL text of migration 8. */
export const sql = `
CREATE TABLE function_workers (
  fn           TEXT    NOT NULL,
  instance     TEXT    NOT NULL,
  unavailable  TEXT,
  last_seen_at INTEGER NOT NULL,
  PRIMARY KEY (fn, instance)
);

CREATE INDEX function_workers_seen_idx ON function_workers (last_seen_at);
CREATE INDEX function_workers_instance_idx ON function_workers (instance);
`;
