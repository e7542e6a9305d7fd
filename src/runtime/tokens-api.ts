/**
 * @module runtime/tokens-api
 * API tokens over a TokenStore: create (the secret shown once, stored only as its sha256),
 * list, revoke, and what the server's auth needs: `verify` and `activeCount`.
 *
 * Caching: each token id's row (or its absence) and the active count are kept at most
 * CACHE_MS by the injected clock, so a revoke by another process is seen within 5 s; a create
 * or revoke through this API clears both caches at once. A token's `lastUsedAt` is written at
 * most once a minute per token by this process.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { NotFoundError, ValidationError } from "../core/errors.js";
import {
  formatTokenText,
  parseTokenText,
  TOKEN_SCOPES,
  type TokenInfo,
  type TokenScope,
} from "../core/tokens.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { TokenRow, TokenStore } from "../ports/token-store.js";
import type { CreatedToken, EngineTokensApi } from "./client.js";

/** How long a verified row and the active count are trusted, ms. */
export const TOKEN_CACHE_MS = 5_000;

/** How often a token's `lastUsedAt` is written at most, ms. */
export const TOKEN_TOUCH_MS = 60_000;

/** More cached ids than this and the verify cache starts over (unknown ids cannot grow it). */
const MAX_CACHED_IDS = 10_000;

const NAME_FORMAT = /^[A-Za-z0-9._-]{1,64}$/;

/** What `createTokensApi` needs. */
export interface TokensApiDeps {
  readonly store: TokenStore;
  readonly clock: Clock;
  /** `n` random bytes (default crypto.randomBytes). */
  readonly random?: (n: number) => Buffer;
  /** Where a failed `lastUsedAt` write is reported (default: nowhere). */
  readonly logger?: Logger;
}

/** The sha256 of a token's secret, hex: what the store keeps. */
export function hashTokenSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A stored row as listed: never its secret hash. */
export function toTokenInfo(row: TokenRow): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    createdAt: new Date(row.createdAt),
    lastUsedAt: row.lastUsedAt === null ? null : new Date(row.lastUsedAt),
    revokedAt: row.revokedAt === null ? null : new Date(row.revokedAt),
  };
}

/** The tokens API over a store; see the module header. */
export function createTokensApi(deps: TokensApiDeps): EngineTokensApi {
  const { store, clock } = deps;
  const random = deps.random ?? randomBytes;
  const cache = createTokenCache(deps);
  const forget = (): void => cache.forget();

  return {
    async create(options): Promise<CreatedToken> {
      checkScope(options.scope);
      const id = random(10).toString("hex");
      const secret = random(32).toString("base64url");
      const name = options.name ?? `token-${id}`;
      checkName(name);
      const row: TokenRow = {
        id,
        name,
        scope: options.scope,
        secretHash: hashTokenSecret(secret),
        createdAt: clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      };
      try {
        await store.createToken(row);
      } finally {
        forget();
      }
      return { token: formatTokenText(id, secret), info: toTokenInfo(row) };
    },

    async list(): Promise<TokenInfo[]> {
      return (await store.listTokens()).map(toTokenInfo);
    },

    async revoke(id: string): Promise<TokenInfo> {
      const row = await store.revokeToken(id, clock.now());
      forget();
      if (row === null) {
        throw new NotFoundError(`no token with id "${id}": see kairos tokens list for the ids`);
      }
      return toTokenInfo(row);
    },

    async verify(text: string): Promise<TokenInfo | null> {
      const parsed = parseTokenText(text);
      if (parsed === null) return null;
      const row = await cache.row(parsed.id);
      if (row === null || row.revokedAt !== null) return null;
      const stored = Buffer.from(row.secretHash, "hex");
      const given = createHash("sha256").update(parsed.secret, "utf8").digest();
      if (stored.length !== given.length || !timingSafeEqual(stored, given)) return null;
      cache.touch(row);
      return toTokenInfo(row);
    },

    activeCount: () => cache.activeCount(),
  };
}

/** The per-process caches of `verify` and `activeCount`, and the once-a-minute touch. */
function createTokenCache(deps: TokensApiDeps) {
  const { store, clock } = deps;
  const rows = new Map<string, { row: TokenRow | null; at: number }>();
  const touched = new Map<string, number>();
  let active: { count: number; at: number } | null = null;
  // Bumped by every create and revoke here: a read that started before one is not cached.
  let generation = 0;
  const fresh = (at: number): boolean => clock.now() - at < TOKEN_CACHE_MS;

  return {
    forget(): void {
      generation++;
      rows.clear();
      active = null;
    },

    async row(id: string): Promise<TokenRow | null> {
      const cached = rows.get(id);
      if (cached && fresh(cached.at)) return cached.row;
      const [at, before] = [clock.now(), generation];
      const row = await store.getToken(id);
      if (before !== generation) return row;
      if (rows.size >= MAX_CACHED_IDS) rows.clear();
      rows.set(id, { row, at });
      return row;
    },

    async activeCount(): Promise<number> {
      if (active && fresh(active.at)) return active.count;
      const [at, before] = [clock.now(), generation];
      const count = await store.countActiveTokens();
      if (before === generation) active = { count, at };
      return count;
    },

    touch(row: TokenRow): void {
      const now = clock.now();
      const last = Math.max(touched.get(row.id) ?? -Infinity, row.lastUsedAt ?? -Infinity);
      if (now - last < TOKEN_TOUCH_MS) return;
      if (touched.size >= MAX_CACHED_IDS) touched.clear();
      touched.set(row.id, now);
      store.touchToken(row.id, now).catch((error: unknown) => {
        deps.logger?.warn({ err: error, tokenId: row.id }, "recording a token's last use failed");
      });
    },
  };
}

function checkScope(scope: unknown): asserts scope is TokenScope {
  if (!(TOKEN_SCOPES as readonly unknown[]).includes(scope)) {
    throw new ValidationError(
      `token scope must be one of ${TOKEN_SCOPES.join(", ")}; got ${JSON.stringify(scope)}`,
    );
  }
}

function checkName(name: unknown): void {
  if (typeof name !== "string" || !NAME_FORMAT.test(name)) {
    throw new ValidationError(
      `token name must be 1 to 64 characters of letters, digits, ".", "_" or "-"; got ${JSON.stringify(name)}`,
    );
  }
}
