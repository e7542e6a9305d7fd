/**
 * @module core/tokens
 * API tokens: their scopes, their public view and their wire format
 * `kairos_<id>_<secret>`. The secret is stored only as a hash (runtime/tokens-api).
 */

/** What a token allows: `write` implies `read`. */
export type TokenScope = "read" | "write";

/** Every scope, weakest first. */
export const TOKEN_SCOPES: readonly TokenScope[] = ["read", "write"];

/** A token as listed: never its secret or hash. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly scope: TokenScope;
  readonly createdAt: Date;
  /** Last time it authenticated a request (updated at most once a minute), or null. */
  readonly lastUsedAt: Date | null;
  /** When it was revoked (a revoked token authenticates nothing), or null. */
  readonly revokedAt: Date | null;
}

/** Whether a token of scope `have` may make a request that needs `need`. */
export function scopeAllows(have: TokenScope, need: TokenScope): boolean {
  return have === "write" || need === "read";
}

const TOKEN_FORMAT = /^kairos_([a-z0-9]{8,32})_([A-Za-z0-9_-]{20,128})$/;

/** Split `kairos_<id>_<secret>` into its parts, or null when it is not in that format. */
export function parseTokenText(text: string): { id: string; secret: string } | null {
  const match = TOKEN_FORMAT.exec(text.trim());
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

/** The token text for an id and secret. */
export function formatTokenText(id: string, secret: string): string {
  return `kairos_${id}_${secret}`;
}
