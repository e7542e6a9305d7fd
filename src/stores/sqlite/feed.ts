/**
 * @module stores/sqlite/feed
 * The SQLite EventFeedStore (`events`, migration 11), on the connection the job store owns.
 *
 * - Append: one `INSERT ... SELECT` over `json_each` of the batch (one statement, one
 *   transaction, rows in batch order). SQLite has one writer, so ids grow in commit order.
 * - Read: the filter is applied in SQL (each list bound as one JSON array parameter and
 *   expanded with `json_each`), over the primary-key range `(afterId, afterId + scanLimit]`;
 *   the newest id is read in the same read transaction, for `scannedTo`.
 * - Wake-ups: `PRAGMA data_version` changes when another connection (this process or another)
 *   commits to the file; while at least one listener is subscribed it is polled every 100 ms
 *   (an unref'd timer, stopped on the last unsubscribe and on close), and a change calls the
 *   listeners. A local append calls them directly. Spurious calls are possible (any commit to
 *   the file moves the counter): listeners re-read.
 */
import type Database from "better-sqlite3";
import { ShuttingDownError } from "../../core/errors.js";
import type { FeedFilter, FeedRecord, StoredFeedRecord } from "../../core/feed/types.js";
import type { EventFeedStore } from "../../ports/event-feed-store.js";
import {
  activeFilterLists,
  FEED_COLUMNS,
  feedScannedTo,
  feedValues,
  toFeedRecord,
  type FeedDbRow,
} from "../feed-row.js";
import { toStoreError } from "./sqlite-job-store.js";

/** How often `data_version` is polled while someone listens, in ms. */
export const FEED_POLL_MS = 100;

interface ReadParams {
  after: number;
  upto: number;
  kinds: string | null;
  fns: string | null;
  workflows: string | null;
  limit: number;
}

/** An EventFeedStore over a shared better-sqlite3 connection. */
export class SqliteEventFeedStore implements EventFeedStore {
  readonly #db: Database.Database;
  #closed = false;
  readonly #append: Database.Statement<[string]>;
  readonly #read: Database.Statement<[ReadParams], FeedDbRow>;
  readonly #bounds: Database.Statement<[], { oldest: number | null; newest: number | null }>;
  readonly #delete: Database.Statement<[number, number]>;
  readonly #readTx: (params: ReadParams) => { rows: FeedDbRow[]; newest: number | null };
  readonly #listeners = new Set<() => void>();
  #timer: NodeJS.Timeout | null = null;
  #version: number | null = null;

  constructor(db: Database.Database) {
    this.#db = db;
    // Contract: input a JSON array of [at, name, kind, fn, workflow, subject, instance, data]
    // arrays; inserts one row per element, in array order (ids ascending).
    this.#append = db.prepare(
      `INSERT INTO events (at, name, kind, fn, workflow, subject, instance, data)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
              value ->> 6, value ->> 7
         FROM json_each(?) ORDER BY key`,
    );
    // Contract: input an id range, three optional JSON arrays and a limit; the matching rows of
    // the range by id (primary-key range scan).
    this.#read = db.prepare(
      `SELECT ${FEED_COLUMNS} FROM events
        WHERE id > @after AND id <= @upto
          AND (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds)))
          AND (@fns IS NULL OR fn IN (SELECT value FROM json_each(@fns)))
          AND (@workflows IS NULL OR workflow IN (SELECT value FROM json_each(@workflows)))
        ORDER BY id LIMIT @limit`,
    );
    // Contract: the smallest and largest id held (nulls when empty); primary-key ends.
    this.#bounds = db.prepare("SELECT min(id) AS oldest, max(id) AS newest FROM events");
    // Contract: input (before, batch); deletes up to `batch` of the oldest rows with at < before
    // (events_at_idx).
    this.#delete = db.prepare(
      "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at < ? ORDER BY at LIMIT ?)",
    );
    this.#readTx = db.transaction((params: ReadParams) => ({
      rows: this.#read.all(params),
      newest: this.#bounds.get()?.newest ?? null,
    }));
  }

  async appendEvents(records: readonly FeedRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const lastId = this.#run("appendEvents", () => {
      const result = this.#append.run(JSON.stringify(records.map(feedValues)));
      return Number(result.lastInsertRowid);
    });
    this.#notify();
    return lastId;
  }

  async readEvents(
    afterId: number,
    filter: FeedFilter,
    limit: number,
    scanLimit?: number,
  ): Promise<{ events: StoredFeedRecord[]; scannedTo: number }> {
    return this.#run("readEvents", () => {
      const lists = activeFilterLists(filter);
      const json = (list: readonly string[] | null) =>
        list === null ? null : JSON.stringify(list);
      const { rows, newest } = this.#readTx({
        after: afterId,
        upto: scanLimit === undefined ? Number.MAX_SAFE_INTEGER : afterId + scanLimit,
        kinds: json(lists.kinds),
        fns: json(lists.fns),
        workflows: json(lists.workflows),
        limit: Math.max(0, Math.floor(limit)),
      });
      const events = rows.map(toFeedRecord);
      return { events, scannedTo: feedScannedTo(afterId, events, limit, scanLimit, newest) };
    });
  }

  async feedBounds(): Promise<{ oldestId: number | null; newestId: number | null }> {
    return this.#run("feedBounds", () => {
      const row = this.#bounds.get();
      return { oldestId: row?.oldest ?? null, newestId: row?.newest ?? null };
    });
  }

  async deleteEventsBefore(before: number, batch: number): Promise<number> {
    return this.#run("deleteEventsBefore", () => this.#delete.run(before, batch).changes);
  }

  onEventsAppended(listener: () => void): () => void {
    this.#run("onEventsAppended", () => undefined);
    this.#listeners.add(listener);
    this.#startPolling();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stopPolling();
    };
  }

  /** Stop polling and refuse further calls (ShuttingDownError). Idempotent. */
  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    this.#stopPolling();
  }

  #startPolling(): void {
    if (this.#timer !== null) return;
    this.#version = this.#dataVersion();
    this.#timer = setInterval(() => this.#poll(), FEED_POLL_MS);
    this.#timer.unref();
  }

  #stopPolling(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #poll(): void {
    if (this.#closed || !this.#db.open) {
      this.#stopPolling();
      return;
    }
    const version = this.#dataVersion();
    if (version === this.#version) return;
    this.#version = version;
    this.#notify();
  }

  #dataVersion(): number | null {
    try {
      return Number(this.#db.pragma("data_version", { simple: true }));
    } catch {
      return null; // a failing read is retried at the next tick
    }
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // A throwing listener must not break delivery to the others.
      }
    }
  }

  #run<T>(operation: string, body: () => T): T {
    if (this.#closed || !this.#db.open) {
      throw new ShuttingDownError(
        `the SQLite event feed is closed; ${operation} was called after close()`,
      );
    }
    try {
      return body();
    } catch (error) {
      throw toStoreError(operation, error, "event feed", this.#db.name);
    }
  }
}
