/**
 * @module stores/feed-batches
 * The event feed's storage unit in both stores (SQLite migration 15, PostgreSQL migration 15):
 * one `event_batches` row per appended batch, its events as a JSON array whose element `i` is
 * the event with id `first_id + i` (`null` once retention deleted it). This module encodes and
 * decodes a batch and decides what retention removes from the batches it is shown; the SQL
 * lives in stores/{sqlite,postgres}/feed.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { FeedKind, FeedRecord, StoredFeedRecord } from "../core/feed/types.js";
import { feedValues } from "./feed-row.js";

/** One `event_batches` row as the drivers return it (pg returns BIGINTs as strings). */
export interface FeedBatchRow {
  readonly last_id: number | string;
  readonly first_id: number | string;
  readonly at_min: number | string;
  /** The JSON text, or its raw-deflate bytes (`packFeedBatch`). */
  readonly events: string | Uint8Array;
}

/** A stored event: `[at, name, kind, fn, workflow, subject, instance, data]`, or null once deleted. */
type StoredTuple = [
  number,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string,
  string,
];

/** The `events` text of a new batch: the records in order, each as its stored tuple. */
export function encodeFeedBatch(records: readonly FeedRecord[]): string {
  return JSON.stringify(records.map(feedValues));
}

/**
 * `text` compressed (raw deflate, level 1: about 30x smaller for job events, cheaper to write
 * than the bytes it saves); for a store without compression of its own (SQLite; PostgreSQL's
 * TOAST compresses the text itself). Every reader here takes either form. Level 1, not 3: on
 * a batch of job events (ids, names and fields repeated from event to event) level 3 walks
 * longer match chains for the same size, 1.8 against 0.36 µs per event; on less repetitive
 * events the two cost and compress within a few percent of each other.
 */
export function packFeedBatch(text: string): Buffer {
  return deflateRawSync(text, { level: 1 });
}

/** The oldest `at` of `records` (the new batch's `at_min`). */
export function oldestAt(records: readonly FeedRecord[]): number {
  let min = Infinity;
  for (const record of records) if (record.at < min) min = record.at;
  return min;
}

/** The tuples of a batch's `events` text. */
function tuplesOf(row: FeedBatchRow): (StoredTuple | null)[] {
  const text =
    typeof row.events === "string" ? row.events : inflateRawSync(row.events).toString("utf8");
  return JSON.parse(text) as (StoredTuple | null)[];
}

function recordOf(id: number, tuple: StoredTuple): StoredFeedRecord {
  return {
    id,
    at: tuple[0],
    name: tuple[1],
    kind: tuple[2] as FeedKind,
    fn: tuple[3],
    workflow: tuple[4],
    subject: tuple[5],
    instance: tuple[6],
    data: tuple[7],
  };
}

/**
 * The events of `row` still held, with ids in `(after, upto]`, that `keep` accepts, in id
 * order, appended to `into` until it holds `limit`. Returns whether `limit` was reached.
 */
export function collectFeedEvents(
  row: FeedBatchRow,
  after: number,
  upto: number,
  keep: (record: StoredFeedRecord) => boolean,
  into: StoredFeedRecord[],
  limit: number,
): boolean {
  const tuples = tuplesOf(row);
  const first = Number(row.first_id);
  for (let i = Math.max(0, after + 1 - first); i < tuples.length; i++) {
    const id = first + i;
    if (id > upto) return false;
    const tuple = tuples[i];
    if (!tuple) continue;
    const record = recordOf(id, tuple);
    if (!keep(record)) continue;
    into.push(record);
    if (into.length >= limit) return true;
  }
  return false;
}

/** The id of the first event `row` still holds (retention never leaves a batch empty). */
export function firstHeldId(row: FeedBatchRow): number | null {
  const index = tuplesOf(row).findIndex((tuple) => tuple !== null);
  return index < 0 ? null : Number(row.first_id) + index;
}

/** What retention does to one batch: rewrite its events, or delete the row when none is left. */
export type FeedBatchTrim =
  | { readonly lastId: number; readonly kind: "delete" }
  | {
      readonly lastId: number;
      readonly kind: "rewrite";
      readonly events: string;
      readonly atMin: number;
    };

/** An old event found in a candidate batch. */
interface OldEvent {
  readonly at: number;
  readonly id: number;
  readonly batch: number;
  readonly index: number;
}

/**
 * Gathers retention candidates batch by batch (in `at_min` order) and decides which events go:
 * the `limit` oldest with `at < before`, oldest first (ties by id).
 */
export class FeedRetentionPlan {
  private readonly batches: { row: FeedBatchRow; tuples: (StoredTuple | null)[] }[] = [];
  private readonly old: OldEvent[] = [];

  constructor(
    private readonly before: number,
    private readonly limit: number,
  ) {}

  /**
   * Whether batches from `nextAtMin` on can still hold one of the `limit` oldest events: false
   * once `limit` old events are known and the `limit`-th oldest is no newer than `nextAtMin`.
   */
  wants(nextAtMin: number): boolean {
    if (this.old.length < this.limit) return true;
    this.sortOld();
    return (this.old[this.limit - 1]?.at ?? Infinity) > nextAtMin;
  }

  /** Add a candidate batch (one with `at_min < before`). */
  add(row: FeedBatchRow): void {
    const tuples = tuplesOf(row);
    const batch = this.batches.push({ row, tuples }) - 1;
    tuples.forEach((tuple, index) => {
      if (tuple && tuple[0] < this.before) {
        this.old.push({ at: tuple[0], id: Number(row.first_id) + index, batch, index });
      }
    });
  }

  /** The trims to apply and how many events they delete. */
  trims(): { trims: FeedBatchTrim[]; deleted: number } {
    this.sortOld();
    const chosen = this.old.slice(0, Math.max(0, this.limit));
    const touched = new Set<number>();
    for (const event of chosen) {
      const batch = this.batches[event.batch];
      if (!batch) continue;
      batch.tuples[event.index] = null;
      touched.add(event.batch);
    }
    const trims: FeedBatchTrim[] = [];
    for (const index of touched) {
      const batch = this.batches[index];
      if (batch) trims.push(trimOf(batch.row, batch.tuples));
    }
    return { trims, deleted: chosen.length };
  }

  private sortOld(): void {
    this.old.sort((a, b) => a.at - b.at || a.id - b.id);
  }
}

function trimOf(row: FeedBatchRow, tuples: (StoredTuple | null)[]): FeedBatchTrim {
  const lastId = Number(row.last_id);
  let atMin = Infinity;
  for (const tuple of tuples) if (tuple && tuple[0] < atMin) atMin = tuple[0];
  if (atMin === Infinity) return { lastId, kind: "delete" };
  return { lastId, kind: "rewrite", events: JSON.stringify(tuples), atMin };
}
