/**
 * Runs the TokenStore and EventFeedStore conformance suites against the SQLite adapter, in
 * memory and on a file (where a second open of the same file is the suite's peer).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
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

describe("SQLite event feed polling", () => {
  it("polls data_version only while a listener is subscribed, and stops on close", async () => {
    const stores = await openSqliteStores({ path: tempDbPath() });
    const started = vi.spyOn(globalThis, "setInterval");
    const stopped = vi.spyOn(globalThis, "clearInterval");
    try {
      const offA = stores.feed.onEventsAppended(() => undefined);
      const offB = stores.feed.onEventsAppended(() => undefined);
      expect(started).toHaveBeenCalledTimes(1);
      const timer = started.mock.results[0]!.value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
      offA();
      expect(stopped).not.toHaveBeenCalled();
      offB();
      expect(stopped).toHaveBeenCalledWith(timer);
      stores.feed.onEventsAppended(() => undefined);
      expect(started).toHaveBeenCalledTimes(2);
      await stores.close();
      expect(stopped).toHaveBeenCalledWith(started.mock.results[1]!.value);
    } finally {
      started.mockRestore();
      stopped.mockRestore();
      await stores.close();
    }
  });
});
