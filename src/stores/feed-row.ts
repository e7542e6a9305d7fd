/**
 * @module stores/feed-row
 * What both adapters' event feeds share about a record: its values in stored order (the tuple
 * a batch holds, stores/feed-batches) and the `scannedTo` a read reports.
 */
import type { FeedRecord, StoredFeedRecord } from "../core/feed/types.js";

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
