/**
 * @module ports/event-feed-store
 * The durable event feed table: engines append the events they emit; servers read them by id.
 * Ids grow in commit order (a reader that saw id N never later finds a new id below N), so a
 * client resumes from the last id it saw.
 */
import type { FeedFilter, FeedRecord, StoredFeedRecord } from "../core/feed/types.js";

/** The event feed of a store. */
export interface EventFeedStore {
  /** Append events in one transaction, in order; returns the id of the last (0 when none given). */
  appendEvents(records: readonly FeedRecord[]): Promise<number>;
  /**
   * Up to `limit` events with id > `afterId` that match `filter`, by id ascending. Scans at
   * most `scanLimit` ids past `afterId` (default: no bound), so a sparse filter cannot make one
   * read walk the whole table; `scannedTo` is the highest id the read covered (resume from it).
   */
  readEvents(
    afterId: number,
    filter: FeedFilter,
    limit: number,
    scanLimit?: number,
  ): Promise<{ events: StoredFeedRecord[]; scannedTo: number }>;
  /** The oldest and newest ids held (both null when the feed is empty). */
  feedBounds(): Promise<{ oldestId: number | null; newestId: number | null }>;
  /** Delete up to `batch` events older than `before` (ms); returns how many were deleted. */
  deleteEventsBefore(before: number, batch: number): Promise<number>;
  /**
   * Be told soon after another process (or this one) appends: PostgreSQL through NOTIFY, SQLite
   * by watching its change counter. Best effort: readers also poll. Returns an unsubscribe.
   */
  onEventsAppended(listener: () => void): () => void;
  /**
   * Pacing asked of recorders, ms: the least time between the end of one append and the start
   * of the next one triggered by a full batch (an append that costs a disk flush of its own
   * asks for fewer, larger ones). Recorders still write every event within their `flushMs`.
   * Undefined or 0: no gap.
   */
  readonly appendGapMs?: number;
}
