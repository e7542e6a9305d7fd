/**
 * Runs the TokenStore and EventFeedStore conformance suites against the PostgreSQL adapter
 * (each test in a fresh schema; the peer is a second open of the same schema: its own pool and
 * LISTEN connection).
 */
import { defineEventFeedStoreConformance } from "../../src/stores/conformance/event-feed-store.js";
import { defineTokenStoreConformance } from "../../src/stores/conformance/token-store.js";
import { openPostgresStores } from "../../src/stores/postgres/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

describePg("postgres token and feed stores", () => {
  defineTokenStoreConformance("postgres", async () => {
    const s = await openPostgresStores({ url: pgUrl(), schema: freshSchema(), poolSize: 2 });
    return { tokens: s.tokens, close: () => s.close() };
  });

  defineEventFeedStoreConformance("postgres", async () => {
    const schema = freshSchema();
    const s = await openPostgresStores({ url: pgUrl(), schema, poolSize: 2 });
    return {
      feed: s.feed,
      close: () => s.close(),
      peer: async () => {
        const other = await openPostgresStores({ url: pgUrl(), schema, poolSize: 2 });
        return { feed: other.feed, close: () => other.close() };
      },
    };
  });
});
