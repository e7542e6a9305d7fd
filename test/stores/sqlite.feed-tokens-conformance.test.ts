/**
 * Runs the TokenStore and EventFeedStore conformance suites against the SQLite adapter, in
 * memory and on a file (where a second open of the same file is the suite's peer).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { defineEventFeedStoreConformance } from "../../src/stores/conformance/event-feed-store.js";
import { defineTokenStoreConformance } from "../../src/stores/conformance/token-store.js";
import { openSqliteStores } from "../../src/stores/sqlite/index.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDbPath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-feed-"));
  dirs.push(dir);
  return path.join(dir, "kairos.db");
}

defineTokenStoreConformance("sqlite memory", async () => {
  const s = await openSqliteStores({ path: ":memory:" });
  return { tokens: s.tokens, close: () => s.close() };
});
defineTokenStoreConformance("sqlite file", async () => {
  const s = await openSqliteStores({ path: tempDbPath() });
  return { tokens: s.tokens, close: () => s.close() };
});

defineEventFeedStoreConformance("sqlite memory", async () => {
  const s = await openSqliteStores({ path: ":memory:" });
  return { feed: s.feed, close: () => s.close() };
});
defineEventFeedStoreConformance("sqlite file", async () => {
  const file = tempDbPath();
  const s = await openSqliteStores({ path: file });
  return {
    feed: s.feed,
    close: () => s.close(),
    peer: async () => {
      const other = await openSqliteStores({ path: file });
      return { feed: other.feed, close: () => other.close() };
    },
  };
});
