/**
 * @module runtime/unavailable-services
 * Token and event-feed APIs for an engine whose store has neither (the in-memory store): every
 * call fails with one clear error, except the answers that are true without a table (no
 * token is active; no token verifies).
 */
import { NotFoundError } from "../core/errors.js";
import type { EngineTokensApi, EventFeedApi } from "./client.js";

const noTokens = () =>
  new NotFoundError(
    "this store has no API token table; use an SQLite or PostgreSQL store opened by this version of Kairos",
  );
const noFeed = () =>
  new NotFoundError(
    "this store has no event feed; use an SQLite or PostgreSQL store opened by this version of Kairos",
  );

/** Tokens over no table: nothing verifies, none is active, create/list/revoke throw NotFoundError. */
export function unavailableTokens(): EngineTokensApi {
  return {
    create: () => Promise.reject(noTokens()),
    list: () => Promise.reject(noTokens()),
    revoke: () => Promise.reject(noTokens()),
    verify: () => Promise.resolve(null),
    activeCount: () => Promise.resolve(0),
  };
}

/** A feed over no table: every call throws NotFoundError. */
export function unavailableFeed(): EventFeedApi {
  return {
    read: () => Promise.reject(noFeed()),
    bounds: () => Promise.reject(noFeed()),
    subscribe: () => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(noFeed()) }),
    }),
  };
}
