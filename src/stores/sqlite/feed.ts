/**
 * @module stores/sqlite/feed
 * The SQLite EventFeedStore, on the connection the job store owns. Events are stored one row
 * per appended batch (`event_batches`, migration 15; the batch format is
 * stores/feed-batches): one b-tree row per event cost about a third of the embedded
 * worker's throughput, since every job records at least its start and its end.
 *
 * - Append: the batch's JSON text raw-deflated (the bytes a commit writes cost more than the
 *   compression: about 1 µs per event less), one `INSERT ... RETURNING`, the batch's ids taken from the table's AUTOINCREMENT
 *   counter in the same statement (`last_id` = counter + count). SQLite has one writer, so ids
 *   grow in commit order and are never reused.
 * - Read: batches by `last_id` from `afterId` on, in one read transaction with the newest id
 *   (for `scannedTo`); the filter is applied to the decoded events (core/feed
 *   `matchesFeedFilter`, the rule PostgreSQL applies in SQL), the scan stops at
 *   `afterId + scanLimit` or once `limit` events matched.
 * - Retention: the oldest events by `at` (batches through `event_batches_at_idx`); a batch
 *   whose events all went is deleted, one that keeps some is rewritten with `null`s in their
 *   place, so the ids of the others do not move.
 * - Wake-ups: `PRAGMA data_version` changes when another connection (this process or another)
 *   commits to the file; while at least one listener is subscribed it is polled every 100 ms
 *   (an unref'd timer, stopped on the last unsubscribe and on close), and a change calls the
 *   listeners. A local append calls them directly. Spurious calls are possible (any commit to
 *   the file moves the counter): listeners re-read.
 */
import type Database from "better-sqlite3";
import { ShuttingDownError } from "../../core/errors.js";
import {
  matchesFeedFilter,
  type FeedFilter,
  type FeedRecord,
  type StoredFeedRecord,
} from "../../core/feed/types.js";
import type { EventFeedStore } from "../../ports/event-feed-store.js";
import { feedScannedTo } from "../feed-row.js";
import {
  collectFeedEvents,
  encodeFeedBatch,
  FeedRetentionPlan,
  firstHeldId,
  oldestAt,
  packFeedBatch,
  type FeedBatchRow,
} from "../feed-batches.js";
import { toStoreError } from "./sqlite-job-store.js";

/** How often `data_version` is polled while someone listens, in ms. */
export const FEED_POLL_MS = 100;

/** Batch rows read per statement while reading or choosing what retention deletes. */
const PAGE = 32;

interface AppendParams {
  count: number;
  atMin: number;
  events: Buffer;
}

/** An EventFeedStore over a shared better-sqlite3 connection. */
export class SqliteEventFeedStore implements EventFeedStore {
  readonly #db: Database.Database;
  #closed = false;
  readonly #append: Database.Statement<[AppendParams], { last_id: number }>;
  readonly #page: Database.Statement<[number, number], FeedBatchRow>;
  readonly #newest: Database.Statement<[], { newest: number | null }>;
  readonly #oldest: Database.Statement<[], FeedBatchRow>;
  readonly #oldPage: Database.Statement<[number, number, number, number], FeedBatchRow>;
  readonly #deleteBatch: Database.Statement<[number]>;
  readonly #rewriteBatch: Database.Statement<[Buffer, number, number]>;
  readonly #readTx: Database.Transaction<
    (
      afterId: number,
      upto: number,
      filter: FeedFilter,
      limit: number,
    ) => { events: StoredFeedRecord[]; newest: number | null }
  >;
  readonly #deleteTx: Database.Transaction<(before: number, batch: number) => number>;
  readonly #listeners = new Set<() => void>();
  #timer: NodeJS.Timeout | null = null;
  #version: number | null = null;

  constructor(db: Database.Database) {
    this.#db = db;
    // Contract: input the batch's event count, oldest at and events text; inserts one batch
    // whose ids follow the AUTOINCREMENT counter (which the insert then moves to its last id);
    // returns that last id.
    this.#append = db.prepare(
      `INSERT INTO event_batches (last_id, first_id, at_min, events)
       SELECT s.seq + @count, s.seq + 1, @atMin, @events
         FROM (SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'event_batches'), 0)
                 AS seq) AS s
       RETURNING last_id`,
    );
    // Contract: input (afterId, n); the next n batches whose last id is past afterId, by id
    // (primary-key range scan).
    this.#page = db.prepare(
      "SELECT last_id, first_id, at_min, events FROM event_batches WHERE last_id > ? ORDER BY last_id LIMIT ?",
    );
    // Contract: the newest event id held (null when empty); the primary key's end.
    this.#newest = db.prepare("SELECT max(last_id) AS newest FROM event_batches");
    // Contract: the batch with the smallest ids (none when empty); the primary key's start.
    this.#oldest = db.prepare(
      "SELECT last_id, first_id, at_min, events FROM event_batches ORDER BY last_id LIMIT 1",
    );
    // Contract: input (before, atMin, lastId, n); the next n batches holding an event older than
    // `before`, in (at_min, last_id) order after (atMin, lastId) (event_batches_at_idx).
    this.#oldPage = db.prepare(
      `SELECT last_id, first_id, at_min, events FROM event_batches
        WHERE at_min < ? AND (at_min, last_id) > (?, ?)
        ORDER BY at_min, last_id LIMIT ?`,
    );
    // Contract: deletes one batch by its last id.
    this.#deleteBatch = db.prepare("DELETE FROM event_batches WHERE last_id = ?");
    // Contract: input (events, atMin, lastId); rewrites one batch's events after a deletion.
    this.#rewriteBatch = db.prepare(
      "UPDATE event_batches SET events = ?, at_min = ? WHERE last_id = ?",
    );
    this.#readTx = db.transaction(
      (afterId: number, upto: number, filter: FeedFilter, limit: number) => ({
        events: this.#collect(afterId, upto, filter, limit),
        newest: this.#newest.get()?.newest ?? null,
      }),
    );
    this.#deleteTx = db.transaction((before: number, batch: number) =>
      this.#deleteOldest(before, batch),
    );
  }

  async appendEvents(records: readonly FeedRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const lastId = this.#run("appendEvents", () => {
      const row = this.#append.get({
        count: records.length,
        atMin: oldestAt(records),
        events: packFeedBatch(encodeFeedBatch(records)),
      });
      return Number(row?.last_id ?? 0);
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
      const upto = scanLimit === undefined ? Number.MAX_SAFE_INTEGER : afterId + scanLimit;
      const max = Math.max(0, Math.floor(limit));
      const { events, newest } = this.#readTx(afterId, upto, filter, max);
      return { events, scannedTo: feedScannedTo(afterId, events, max, scanLimit, newest) };
    });
  }

  async feedBounds(): Promise<{ oldestId: number | null; newestId: number | null }> {
    return this.#run("feedBounds", () => {
      const oldest = this.#oldest.get();
      return {
        oldestId: oldest ? firstHeldId(oldest) : null,
        newestId: oldest ? Number(this.#newest.get()?.newest ?? null) : null,
      };
    });
  }

  async deleteEventsBefore(before: number, batch: number): Promise<number> {
    return this.#run("deleteEventsBefore", () => this.#deleteTx.immediate(before, batch));
  }

  /** The matching events of (afterId, upto], at most `limit`, by id. */
  #collect(afterId: number, upto: number, filter: FeedFilter, limit: number): StoredFeedRecord[] {
    const events: StoredFeedRecord[] = [];
    if (limit === 0) return events;
    const keep = (record: StoredFeedRecord) => matchesFeedFilter(record, filter);
    for (let cursor = afterId; ;) {
      const rows = this.#page.all(cursor, PAGE);
      for (const row of rows) {
        if (Number(row.first_id) > upto) return events;
        if (collectFeedEvents(row, afterId, upto, keep, events, limit)) return events;
        cursor = Number(row.last_id);
      }
      if (rows.length < PAGE) return events;
    }
  }

  /** Delete the `batch` oldest events with at < before; returns how many went. */
  #deleteOldest(before: number, batch: number): number {
    const plan = new FeedRetentionPlan(before, Math.max(0, Math.floor(batch)));
    let key: [number, number] = [-Infinity, -Infinity];
    for (;;) {
      const rows = this.#oldPage.all(before, key[0], key[1], PAGE);
      const next = rows[0];
      if (!next || !plan.wants(Number(next.at_min))) break;
      for (const row of rows) plan.add(row);
      const last = rows[rows.length - 1]!;
      key = [Number(last.at_min), Number(last.last_id)];
      if (rows.length < PAGE) break;
    }
    const { trims, deleted } = plan.trims();
    for (const trim of trims) {
      if (trim.kind === "delete") this.#deleteBatch.run(trim.lastId);
      else this.#rewriteBatch.run(packFeedBatch(trim.events), trim.atMin, trim.lastId);
    }
    return deleted;
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
