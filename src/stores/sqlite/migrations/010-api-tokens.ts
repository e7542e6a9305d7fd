/**
 * @module stores/sqlite/migrations/010-api-tokens
 * Migration 10: API tokens of the HTTP server (ports/token-store).
 *
 * - `api_tokens` holds one row per token: its public id, name and scope, the sha256 of its
 *   secret (never the secret), and when it was created, last used and revoked. Revoked rows are
 *   kept (audit); nothing deletes them.
 * - `api_tokens_active_name_idx` makes a name unique among active tokens only, so a name can be
 *   reused once the token holding it is revoked.
 */

/** The SQL text of migration 10. */
export const sql = `
CREATE TABLE api_tokens (
  id           TEXT    PRIMARY KEY,
  name         TEXT    NOT NULL,
  scope        TEXT    NOT NULL CHECK (scope IN ('read', 'write')),
  secret_hash  TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
);

CREATE UNIQUE INDEX api_tokens_active_name_idx ON api_tokens (name) WHERE revoked_at IS NULL;
`;
