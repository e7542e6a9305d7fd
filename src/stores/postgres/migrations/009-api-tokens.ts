/**
 * @module stores/postgres/migrations/009-api-tokens
 * Migration 9: API tokens of the HTTP server; same table and meaning as SQLite migration 10
 * (`api_tokens`: one row per token, the secret only as its sha256, revoked rows kept, names
 * unique among active tokens).
 */

/** The SQL text of migration 9 for schema `s`. */
export const sql = (s: string): string => `
CREATE TABLE ${s}.api_tokens (
  id           TEXT   PRIMARY KEY,
  name         TEXT   NOT NULL,
  scope        TEXT   NOT NULL CHECK (scope IN ('read', 'write')),
  secret_hash  TEXT   NOT NULL,
  created_at   BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at   BIGINT
);

CREATE UNIQUE INDEX api_tokens_active_name_idx ON ${s}.api_tokens (name)
  WHERE revoked_at IS NULL;
`;
