/**
 * @module ports/token-store
 * Where API tokens live: one row per token, the secret only as a hash. Revoked rows are kept
 * (audit); nothing deletes them.
 */
import type { TokenScope } from "../core/tokens.js";

/** A token's stored row (instants in ms since epoch). */
export interface TokenRow {
  readonly id: string;
  readonly name: string;
  readonly scope: TokenScope;
  /** sha256 of the secret, hex. */
  readonly secretHash: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

/** The token table of a store. */
export interface TokenStore {
  /**
   * Insert a token. Throws ConflictError when the id is taken or another active (not revoked)
   * token has the same name.
   */
  createToken(row: TokenRow): Promise<void>;
  /** The token with this id (revoked or not), or null. */
  getToken(id: string): Promise<TokenRow | null>;
  /** Every token, revoked ones too, oldest first. */
  listTokens(): Promise<TokenRow[]>;
  /**
   * Revoke a token at `now` (idempotent: an already revoked token keeps its first revocation
   * time). Returns the row after, or null for an unknown id.
   */
  revokeToken(id: string, now: number): Promise<TokenRow | null>;
  /** How many tokens are not revoked. */
  countActiveTokens(): Promise<number>;
  /** Record that the token authenticated a request at `now`. */
  touchToken(id: string, now: number): Promise<void>;
}
