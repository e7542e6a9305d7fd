/**
 * @module stores/sqlite/migrations/014-instances
 * Migration 13: the live processes of the deployment.
 *
 * - `instances` holds one row per started engine (its worker id): host, pid, Kairos version,
 *   start, last heartbeat, whether it led then, its leader duties (JSON list of name, last run
 *   and last error), its worker slots and running jobs (null without workers) and the names of
 *   the functions it defines (JSON list). The engine replaces its row on every heartbeat and
 *   deletes it at a clean stop; rows of a dead process are deleted by later heartbeats once
 *   older than the long expiry (`instances_heartbeat_idx` serves that delete).
 */

/** The SQL text of migration 13. */
export const sql = `
CREATE TABLE instances (
  instance     TEXT    NOT NULL PRIMARY KEY,
  host         TEXT    NOT NULL,
  pid          INTEGER NOT NULL,
  version      TEXT    NOT NULL,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  leader       INTEGER NOT NULL,
  duties       TEXT    NOT NULL,
  slots        INTEGER,
  running      INTEGER,
  functions    TEXT    NOT NULL
);

CREATE INDEX instances_heartbeat_idx ON instances (heartbeat_at);
`;
