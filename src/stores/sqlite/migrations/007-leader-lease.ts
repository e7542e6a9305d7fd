/**
 * @module stores/sqlite/migrations/007-leader-lease
 * Migration 7: the leader lease, leadership among processes sharing one SQLite file (see
 * `stores/sqlite/leader-lock.ts`).
 *
 * - One row per lock `name` (the engine uses `'leader'`); no row means nobody leads.
 * - `holder_id` is a random id per lock instance (never a pid, which the OS reuses): the row is
 *   ours exactly when it carries our id. `holder_pid` and `holder_host` are for messages only.
 * - `expires_at` (ms since epoch, the holders' wall clock: every holder is on this machine) is
 *   when another process may take the row over; the holder pushes it forward on every check.
 *   A holder killed with kill -9 stops renewing, so the row frees itself at `expires_at`.
 * - `acquired_at` is when the current holder took it (unchanged by renewals).
 */

/** The SQL text of migration 7. */
export const sql = `
CREATE TABLE leader_lease (
  name        TEXT    PRIMARY KEY,
  holder_id   TEXT    NOT NULL,
  holder_pid  INTEGER,
  holder_host TEXT,
  acquired_at INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
`;
