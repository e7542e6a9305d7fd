/**
 * @module stores/postgres/feed
 * The PostgreSQL EventFeedStore (`events`, migration 10), on the pool the job store owns.
 *
 * Commit order = id order: a BIGSERIAL hands out ids at insert time, but two transactions may
 * commit in the other order, and a reader between the two commits would see the larger id
 * first and later skip the smaller one when it resumes "after" the larger. So every append
 * first takes `pg_advisory_xact_lock(advisoryKey(schema, "event-feed"))`: appends run one at a
 * time from lock to commit, ids are drawn under the lock, and the committed ids are always a
 * prefix of the drawn ones (gaps only from rolled-back appends). An append is one
 * `INSERT ... SELECT FROM unnest(...) WITH ORDINALITY` in batch order, then
 * `pg_notify(<channel>, 'feed:<lastId>')` in the same transaction (delivered only once the
 * rows are visible); `notifications.ts` routes `feed:` payloads to the feed's subscribers
 * without moving the job store's change token.
 *
 * Reads apply the filter in SQL (`= ANY($n::text[])`, a NULL array matching everything) over
 * the primary-key range `(afterId, afterId + scanLimit]`, and read the newest id in the same
 * statement (one snapshot), for `scannedTo`.
 */
import { ShuttingDownError } from "../../core/errors.js";
import type { FeedFilter, FeedRecord, StoredFeedRecord } from "../../core/feed/types.js";
import type { EventFeedStore } from "../../ports/event-feed-store.js";
import {
  activeFilterLists,
  FEED_COLUMNS,
  feedScannedTo,
  toFeedRecord,
  type FeedDbRow,
} from "../feed-row.js";
import { exec, type PgDatabase, toStoreError } from "./database.js";
import { advisoryKey } from "./identifiers.js";

/** Subscribe to the schema's `feed:` notifications; returns the unsubscribe. */
export type FeedSubscribe = (listener: () => void) => () => void;

/** The feed of one schema over its PgDatabase. */
export class PostgresEventFeedStore implements EventFeedStore {
  readonly #db: PgDatabase;
  readonly #subscribe: FeedSubscribe;
  readonly #lockKey: string;
  readonly #local = new Set<() => void>();
  #closed = false;
  /** Test seam: false appends without the advisory lock (shows what the lock prevents). */
  lockAppends = true;

  /** `subscribe` is the LISTEN connection's feed routing (the job store's `onFeed`). */
  constructor(db: PgDatabase, subscribe: FeedSubscribe) {
    this.#db = db;
    this.#subscribe = subscribe;
    this.#lockKey = advisoryKey(db.schema, "event-feed");
  }

  async appendEvents(records: readonly FeedRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const { s } = this.#db;
    const lastId = await this.#run("appendEvents", () =>
      this.#db.transaction(async (client) => {
        // Contract: input the schema's feed key; appends of this schema commit one at a time.
        if (this.lockAppends)
          await exec(client, "SELECT pg_advisory_xact_lock($1::bigint)", [this.#lockKey]);
        // Contract: input eight parallel arrays; inserts one row per index, in index order;
        // returns the largest id drawn.
        const { rows } = await exec<{ last: number }>(
          client,
          `WITH added AS (
             INSERT INTO ${s}.events (at, name, kind, fn, workflow, subject, instance, data)
             SELECT at, name, kind, fn, workflow, subject, instance, data
               FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                           $6::text[], $7::text[], $8::text[])
                    WITH ORDINALITY AS r(at, name, kind, fn, workflow, subject, instance, data, n)
              ORDER BY n
             RETURNING id)
           SELECT max(id) AS last FROM added`,
          columnsOf(records),
        );
        const last = Number(rows[0]?.last ?? 0);
        // Contract: input (channel, payload); wakes the schema's listeners at commit.
        await exec(client, "SELECT pg_notify($1, $2)", [this.#db.channel, `feed:${last}`]);
        return last;
      }),
    );
    for (const listener of [...this.#local]) {
      try {
        listener();
      } catch {
        // A throwing listener must not break delivery to the others.
      }
    }
    return lastId;
  }

  async readEvents(
    afterId: number,
    filter: FeedFilter,
    limit: number,
    scanLimit?: number,
  ): Promise<{ events: StoredFeedRecord[]; scannedTo: number }> {
    const { s } = this.#db;
    const lists = activeFilterLists(filter);
    return this.#run("readEvents", async () => {
      // Contract: input an id range, three optional text arrays and a limit; the matching rows
      // of the range by id (primary-key range scan), each with the newest id of the same
      // snapshot (one row of nulls but `newest` when none match).
      const { rows } = await this.#db.query<Partial<FeedDbRow> & { newest: number | null }>(
        `WITH page AS (
           SELECT ${FEED_COLUMNS} FROM ${s}.events
            WHERE id > $1 AND id <= $2
              AND ($3::text[] IS NULL OR kind = ANY($3::text[]))
              AND ($4::text[] IS NULL OR fn = ANY($4::text[]))
              AND ($5::text[] IS NULL OR workflow = ANY($5::text[]))
            ORDER BY id LIMIT $6)
         SELECT page.*, m.newest
           FROM (SELECT max(id) AS newest FROM ${s}.events) m LEFT JOIN page ON true
          ORDER BY page.id`,
        [
          afterId,
          scanLimit === undefined ? Number.MAX_SAFE_INTEGER : afterId + scanLimit,
          lists.kinds,
          lists.fns,
          lists.workflows,
          Math.max(0, Math.floor(limit)),
        ],
      );
      const newest = rows[0]?.newest ?? null;
      const events = rows
        .filter((row) => row.id != null)
        .map((row) => toFeedRecord(row as FeedDbRow));
      return { events, scannedTo: feedScannedTo(afterId, events, limit, scanLimit, newest) };
    });
  }

  async feedBounds(): Promise<{ oldestId: number | null; newestId: number | null }> {
    return this.#run("feedBounds", async () => {
      // Contract: the smallest and largest id held (nulls when empty); primary-key ends.
      const { rows } = await this.#db.query<{ oldest: number | null; newest: number | null }>(
        `SELECT min(id) AS oldest, max(id) AS newest FROM ${this.#db.s}.events`,
      );
      return { oldestId: rows[0]?.oldest ?? null, newestId: rows[0]?.newest ?? null };
    });
  }

  async deleteEventsBefore(before: number, batch: number): Promise<number> {
    const { s } = this.#db;
    return this.#run("deleteEventsBefore", async () => {
      // Contract: input (before, batch); deletes up to `batch` of the oldest rows with
      // at < before (events_at_idx).
      const result = await this.#db.query(
        `DELETE FROM ${s}.events WHERE id IN (
           SELECT id FROM ${s}.events WHERE at < $1 ORDER BY at LIMIT $2)`,
        [before, batch],
      );
      return result.rowCount ?? 0;
    });
  }

  onEventsAppended(listener: () => void): () => void {
    if (this.#closed) throw this.#closedError("onEventsAppended");
    this.#db.assertOpen("onEventsAppended");
    this.#local.add(listener);
    const unsubscribe = this.#subscribe(listener);
    return () => {
      this.#local.delete(listener);
      unsubscribe();
    };
  }

  /** Refuse further calls (ShuttingDownError); the pool is the job store's. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#local.clear();
  }

  #closedError(operation: string): ShuttingDownError {
    return new ShuttingDownError(
      `the PostgreSQL event feed is closed; ${operation} was called after close()`,
    );
  }

  async #run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    if (this.#closed) throw this.#closedError(operation);
    this.#db.assertOpen(operation);
    try {
      return await body();
    } catch (error) {
      throw toStoreError(operation, error, "event feed");
    }
  }
}

/** The eight column arrays of an append, in insert order. */
function columnsOf(records: readonly FeedRecord[]): unknown[][] {
  return [
    records.map((r) => r.at),
    records.map((r) => r.name),
    records.map((r) => r.kind),
    records.map((r) => r.fn),
    records.map((r) => r.workflow),
    records.map((r) => r.subject),
    records.map((r) => r.instance),
    records.map((r) => r.data),
  ];
}
