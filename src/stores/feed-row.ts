/**
 * @module stores/feed-row
 * The `events` row as both adapters read it and its mapping to the port's StoredFeedRecord,
 * plus the filter's shape shared by both adapters' SQL.
 */
import type { FeedFilter, FeedKind, FeedRecord, StoredFeedRecord } from "../core/feed/types.js";

/** The columns of `events`, in select order. */
export const FEED_COLUMNS = "id, at, name, kind, fn, workflow, subject, instance, data";

/** The number of columns an appended record binds (all but `id`). */
export const FEED_INSERT_ARITY = 8;

/** One `events` row as the drivers return it. */
export interface FeedDbRow {
  readonly id: number;
  readonly at: number;
  readonly name: string;
  readonly kind: string;
  readonly fn: string | null;
  readonly workflow: string | null;
  readonly subject: string | null;
  readonly instance: string;
  readonly data: string;
}

/** The port's record for a database row. */
export function toFeedRecord(row: FeedDbRow): StoredFeedRecord {
  return {
    id: Number(row.id),
    at: Number(row.at),
    name: row.name,
    kind: row.kind as FeedKind,
    fn: row.fn,
    workflow: row.workflow,
    subject: row.subject,
    instance: row.instance,
    data: row.data,
  };
}

/** An appended record's values in insert order (at, name, kind, fn, workflow, subject, instance, data). */
export function feedValues(record: FeedRecord): unknown[] {
  return [
    record.at,
    record.name,
    record.kind,
    record.fn,
    record.workflow,
    record.subject,
    record.instance,
    record.data,
  ];
}

/** The filter's non-empty lists (an empty or absent list matches everything). */
export function activeFilterLists(filter: FeedFilter): {
  kinds: readonly string[] | null;
  fns: readonly string[] | null;
  workflows: readonly string[] | null;
} {
  const nonEmpty = (list: readonly string[] | undefined) =>
    list !== undefined && list.length > 0 ? list : null;
  return {
    kinds: nonEmpty(filter.kinds),
    fns: nonEmpty(filter.fns),
    workflows: nonEmpty(filter.workflows),
  };
}

/**
 * The `scannedTo` of a read: the last matching id when `limit` events matched (the read stopped
 * there), else the end of the scanned window, `min(afterId + scanLimit, newest id)`, never below
 * `afterId` nor below the last id returned.
 */
export function feedScannedTo(
  afterId: number,
  events: readonly StoredFeedRecord[],
  limit: number,
  scanLimit: number | undefined,
  newestId: number | null,
): number {
  const lastReturned = events.at(-1)?.id ?? afterId;
  if (events.length >= limit) return lastReturned;
  const windowEnd = scanLimit === undefined ? Infinity : afterId + scanLimit;
  const end = Math.min(windowEnd, newestId ?? afterId);
  return Math.max(afterId, lastReturned, end);
}
