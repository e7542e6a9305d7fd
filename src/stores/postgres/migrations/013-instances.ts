/**
 * @module stores/postgres/migrations/013-instances
 * Migration 12: the live processes of the deployment; same table and meaning as SQLite
 * migration 13 (`instances`: one row per started engine with its host, pid, version, last
 * heartbeat, leadership, duties and functions).
 */

/** The SQL text of migration 12 for schema `s`. */
export const sql = (s: string): string => `
CREATE TABLE ${s}.instances (
  instance     TEXT    NOT NULL PRIMARY KEY,
  host         TEXT    NOT NULL,
  pid          INTEGER NOT NULL,
  version      TEXT    NOT NULL,
  started_at   BIGINT  NOT NULL,
  heartbeat_at BIGINT  NOT NULL,
  leader       BOOLEAN NOT NULL,
  duties       TEXT    NOT NULL,
  slots        INTEGER,
  running      INTEGER,
  functions    TEXT    NOT NULL
);

CREATE INDEX instances_heartbeat_idx ON ${s}.instances (heartbeat_at);
`;
