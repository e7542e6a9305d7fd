/**
 * @module stores/token-row
 * The `api_tokens` row as both adapters read it (same column names and types: instants as
 * numbers) and its mapping to the port's TokenRow, plus the conflict message of a taken id or
 * active name.
 */
import { ConflictError } from "../core/errors.js";
import type { TokenScope } from "../core/tokens.js";
import type { TokenRow } from "../ports/token-store.js";

/** The columns of `api_tokens`, in select order. */
export const TOKEN_COLUMNS = "id, name, scope, secret_hash, created_at, last_used_at, revoked_at";

/** One `api_tokens` row as the drivers return it. */
export interface TokenDbRow {
  readonly id: string;
  readonly name: string;
  readonly scope: string;
  readonly secret_hash: string;
  readonly created_at: number;
  readonly last_used_at: number | null;
  readonly revoked_at: number | null;
}

/** The port's row for a database row (the CHECK constraint guarantees the scope). */
export function toTokenRow(row: TokenDbRow): TokenRow {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope as TokenScope,
    secretHash: row.secret_hash,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

/** The insert's values, in `TOKEN_COLUMNS` order. */
export function tokenValues(row: TokenRow): unknown[] {
  return [
    row.id,
    row.name,
    row.scope,
    row.secretHash,
    row.createdAt,
    row.lastUsedAt,
    row.revokedAt,
  ];
}

/**
 * The ConflictError for a token that could not be inserted: `takenBy` is the id of the active
 * token holding the name, or null when the id itself is taken.
 */
export function tokenConflict(row: TokenRow, takenBy: string | null): ConflictError {
  if (takenBy === null) {
    return new ConflictError(
      `a token with id ${JSON.stringify(row.id)} exists already; create the token again (a new ` +
        `id is drawn each time)`,
      row.id,
    );
  }
  return new ConflictError(
    `an active token named ${JSON.stringify(row.name)} exists already (id ${takenBy}); pick ` +
      `another --name or revoke the old one (kairos tokens revoke ${takenBy})`,
    takenBy,
  );
}
