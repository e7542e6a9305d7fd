/**
 * @module stores/postgres/feed
 * The PostgreSQL EventFeedStore, on the pool the job store owns. Events are stored one row per
 * appended batch (`event_batches`, migration 15; the batch format is stores/feed-batches).
 *
 * Commit order = id order: ids are drawn from a sequence at append time, but two transactions
 * may commit in the other order, and a reader between the two commits would see the larger id
 * first and later skip the smaller one when it resumes "after" the larger. So every append
 * first takes `pg_advisory_xact_lock(advisoryKey(schema, "event-feed"))`: appends run one at a
 * time from lock to commit, ids are drawn under the lock, and the committed ids are always a
 * prefix of the drawn ones (gaps only from rolled-back appends). An append is ONE autocommit
 * statement (one round trip, the lock held from its first step to its commit): it takes the
 * lock, draws its batch's ids in one step (`setval(seq, nextval(seq) + count - 1)`), inserts
 * the batch row, then `pg_notify(<channel>, 'feed:<lastId>')` (delivered only once the rows
 * are visible); `notifications.ts` routes `feed:` payloads to the feed's subscribers without
 * moving the job store's change token. A transaction-level advisory lock is released only
 * after the commit is durable and visible, as for an explicit transaction.
 *
 * Reads page through the batches by `last_id` from `afterId` on, each page with the newest id
 * of the same snapshot (for `scannedTo`); the filter is applied to the decoded events (core/feed
 * `matchesFeedFilter`), the scan stops at `afterId + scanLimit` or once `limit` matched.
 * Retention takes the oldest events by `at` (batches by `event_batches_at_idx`, locked), deletes
 * a batch left empty and rewrites one that keeps events with `null`s in place of those deleted.
 */
import { ShuttingDownError } from "../../core/errors.js";
import {
  matchesFeedFilter,
  type FeedFilter,
  type FeedRecord,
  type StoredFeedRecord,
} from "../../core/feed/types.js";
import type { EventFeedStore } from "../../ports/event-feed-store.js";
import {
  collectFeedEvents,
  encodeFeedBatch,
  FeedRetentionPlan,
  firstHeldId,
  oldestAt,
  type FeedBatchRow,
} from "../feed-batches.js";
import { feedScannedTo } from "../feed-row.js";
import { exec, type PgDatabase, type Queryable, toStoreError } from "./database.js";
import { advisoryKey } from "./identifiers.js";

/** Subscribe to the schema's `feed:` notifications; returns the unsubscribe. */
export type FeedSubscribe = (listener: () => void) => () => void;

/** Batch rows read per statement while reading or choosing what retention deletes. */
const PAGE = 32;

/** The feed of one schema over its PgDatabase. */
export class PostgresEventFeedStore implements EventFeedStore {
  readonly #db: PgDatabase;
  readonly #subscribe: FeedSubscribe;
  readonly #lockKey: string;
  readonly #local = new Set<() => void>();
  #closed = false;
  /** Test seam: false appends without the advisory lock (shows what the lock prevents). */
  lockAppends = true;
  /**
   * Each append commits, and with `synchronous_commit` on each commit waits for its own WAL
   * flush: recorders leave this gap (ms) before appending a full batch, so a busy worker
   * appends fewer, larger batches (EventFeedStore.appendGapMs).
   */
  readonly appendGapMs = 10;

  /** `subscribe` is the LISTEN connection's feed routing (the job store's `onFeed`). */
  constructor(db: PgDatabase, subscribe: FeedSubscribe) {
    this.#db = db;
    this.#subscribe = subscribe;
    this.#lockKey = advisoryKey(db.schema, "event-feed");
  }

  async appendEvents(records: readonly FeedRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const { s } = this.#db;
    // Contract: input (count, oldest at, events text, channel, the schema's feed key); ONE
    // autocommit statement: takes the feed's append lock (held to the statement's commit, so
    // appends of this schema commit one at a time), then draws `count` consecutive ids (only
    // appends draw them, one at a time under the lock), inserts the batch, and wakes the
    // schema's listeners at commit; returns the last id. The lock is taken before the ids are
    // drawn: `ids` reads the row `lock` produces (both MATERIALIZED, so neither is inlined).
    const lock = this.lockAppends
      ? "SELECT pg_advisory_xact_lock($5::bigint) IS NULL AS locked"
      : "SELECT $5::bigint IS NULL AS locked";
    const lastId = await this.#run("appendEvents", async () => {
      const { rows } = await this.#db.query<{ last: string }>(
        `WITH lock AS MATERIALIZED (${lock}),
         ids AS MATERIALIZED (
           SELECT setval('${s}.event_batches_ids',
                         nextval('${s}.event_batches_ids') + $1::bigint - 1) AS last
             FROM lock),
         added AS (
           INSERT INTO ${s}.event_batches (last_id, first_id, at_min, events)
           SELECT last, last - $1::bigint + 1, $2::bigint, $3::text FROM ids
           RETURNING last_id)
         SELECT last_id AS last, pg_notify($4, 'feed:' || last_id) FROM added`,
        [
          records.length,
          oldestAt(records),
          encodeFeedBatch(records),
          this.#db.channel,
          this.#lockKey,
        ],
      );
      return Number(rows[0]?.last ?? 0);
    });
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
    return this.#run("readEvents", async () => {
      const upto = scanLimit === undefined ? Number.MAX_SAFE_INTEGER : afterId + scanLimit;
      const max = Math.max(0, Math.floor(limit));
      const events: StoredFeedRecord[] = [];
      const keep = (record: StoredFeedRecord) => matchesFeedFilter(record, filter);
      // The newest id of the first page's snapshot; undefined until a page was read.
      let newest: number | null | undefined;
      for (let cursor = afterId, done = max === 0; !done;) {
        const page = await this.#page(cursor);
        if (newest === undefined) newest = page.newest;
        done = page.rows.length < PAGE;
        for (const row of page.rows) {
          if (
            Number(row.first_id) > upto ||
            collectFeedEvents(row, afterId, upto, keep, events, max)
          ) {
            done = true;
            break;
          }
          cursor = Number(row.last_id);
        }
      }
      // limit 0 reads no page: the newest id alone, for scannedTo.
      if (newest === undefined) newest = (await this.#page(Number.MAX_SAFE_INTEGER)).newest;
      return { events, scannedTo: feedScannedTo(afterId, events, max, scanLimit, newest) };
    });
  }

  async feedBounds(): Promise<{ oldestId: number | null; newestId: number | null }> {
    return this.#run("feedBounds", async () => {
      // Contract: the batch with the smallest ids and the newest id, in one snapshot (no row
      // when the feed is empty).
      const { rows } = await this.#db.query<FeedBatchRow & { newest: string }>(
        `SELECT last_id, first_id, at_min, events,
                (SELECT max(last_id) FROM ${this.#db.s}.event_batches) AS newest
           FROM ${this.#db.s}.event_batches ORDER BY last_id LIMIT 1`,
      );
      const oldest = rows[0];
      if (!oldest) return { oldestId: null, newestId: null };
      return { oldestId: firstHeldId(oldest), newestId: Number(oldest.newest) };
    });
  }

  async deleteEventsBefore(before: number, batch: number): Promise<number> {
    return this.#run("deleteEventsBefore", () =>
      this.#db.transaction((client) => this.#deleteOldest(client, before, batch)),
    );
  }

  /** The next PAGE batches past `cursor`, and the newest id of the same snapshot. */
  async #page(cursor: number): Promise<{ rows: FeedBatchRow[]; newest: number | null }> {
    const { s } = this.#db;
    // Contract: input (cursor, n); the newest id, and the next n batches whose last id is past
    // cursor by id (primary-key range scan); one row of nulls but `newest` when none.
    const { rows } = await this.#db.query<Partial<FeedBatchRow> & { newest: string | null }>(
      `WITH page AS (
         SELECT last_id, first_id, at_min, events FROM ${s}.event_batches
          WHERE last_id > $1 ORDER BY last_id LIMIT $2)
       SELECT page.*, m.newest
         FROM (SELECT max(last_id) AS newest FROM ${s}.event_batches) m LEFT JOIN page ON true
        ORDER BY page.last_id`,
      [cursor, PAGE],
    );
    const newest = rows[0]?.newest ?? null;
    return {
      rows: rows.filter(
        (row): row is FeedBatchRow & { newest: string | null } => row.last_id != null,
      ),
      newest: newest === null ? null : Number(newest),
    };
  }

  /** Delete the `batch` oldest events with at < before; returns how many went. */
  async #deleteOldest(client: Queryable, before: number, batch: number): Promise<number> {
    const { s } = this.#db;
    const plan = new FeedRetentionPlan(before, Math.max(0, Math.floor(batch)));
    let key: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    for (;;) {
      // Contract: input (before, atMin, lastId, n); the next n batches holding an event older
      // than `before`, in (at_min, last_id) order after (atMin, lastId), locked for the rewrite
      // (event_batches_at_idx).
      const { rows } = await exec<FeedBatchRow>(
        client,
        `SELECT last_id, first_id, at_min, events FROM ${s}.event_batches
          WHERE at_min < $1 AND (at_min, last_id) > ($2::bigint, $3::bigint)
          ORDER BY at_min, last_id LIMIT $4 FOR UPDATE`,
        [before, key[0], key[1], PAGE],
      );
      const next = rows[0];
      if (!next || !plan.wants(Number(next.at_min))) break;
      for (const row of rows) plan.add(row);
      const last = rows[rows.length - 1]!;
      key = [Number(last.at_min), Number(last.last_id)];
      if (rows.length < PAGE) break;
    }
    const { trims, deleted } = plan.trims();
    for (const trim of trims) {
      // Contract: deletes one batch by its last id, or rewrites its events and oldest at.
      if (trim.kind === "delete")
        await exec(client, `DELETE FROM ${s}.event_batches WHERE last_id = $1`, [trim.lastId]);
      else
        await exec(
          client,
          `UPDATE ${s}.event_batches SET events = $1, at_min = $2 WHERE last_id = $3`,
          [trim.events, trim.atMin, trim.lastId],
        );
    }
    return deleted;
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
