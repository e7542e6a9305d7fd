/**
 * An in-memory EventFeedStore honouring the port's contract (ports/event-feed-store): ids
 * ascending from 1 in append order, filter, `scanLimit` bounding the ids scanned past
 * `afterId` and `scannedTo` the highest id covered, `onEventsAppended` told soon after (a
 * macrotask later) every append. Tests can make appends fail, hold them, or mute the
 * notifications (to exercise the fallback poll).
 */
import { matchesFeedFilter } from "../../src/core/feed/types.js";
import type { FeedFilter, FeedRecord, StoredFeedRecord } from "../../src/core/feed/types.js";
import type { EventFeedStore } from "../../src/ports/event-feed-store.js";

export class MemoryFeedStore implements EventFeedStore {
  readonly events: StoredFeedRecord[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();
  /** Appends that will throw before failing no more (each throw decrements it). */
  failAppends = 0;
  /** When true, appends are recorded but listeners are not told. */
  muted = false;
  readonly calls = { append: 0, read: 0 };
  /** Rows of each successful append, in order. */
  readonly batches: FeedRecord[][] = [];

  async appendEvents(records: readonly FeedRecord[]): Promise<number> {
    this.calls.append++;
    if (this.failAppends > 0) {
      this.failAppends--;
      throw new Error("feed store is down (test)");
    }
    if (records.length === 0) return 0;
    for (const record of records) this.events.push({ ...record, id: this.nextId++ });
    this.batches.push([...records]);
    if (!this.muted) setImmediate(() => this.notify());
    return this.nextId - 1;
  }

  async readEvents(
    afterId: number,
    filter: FeedFilter,
    limit: number,
    scanLimit?: number,
  ): Promise<{ events: StoredFeedRecord[]; scannedTo: number }> {
    this.calls.read++;
    const bound = scanLimit === undefined ? Infinity : afterId + scanLimit;
    const events: StoredFeedRecord[] = [];
    let newest = afterId;
    for (const event of this.events) {
      if (event.id <= afterId) continue;
      if (event.id > bound) break;
      newest = event.id;
      if (!matchesFeedFilter(event, filter)) continue;
      events.push(event);
      if (events.length === limit) return { events, scannedTo: event.id };
    }
    return {
      events,
      scannedTo:
        scanLimit === undefined ? newest : Math.max(newest, Math.min(bound, this.nextId - 1)),
    };
  }

  async feedBounds(): Promise<{ oldestId: number | null; newestId: number | null }> {
    const first = this.events[0];
    const last = this.events[this.events.length - 1];
    return { oldestId: first?.id ?? null, newestId: last?.id ?? null };
  }

  async deleteEventsBefore(before: number, batch: number): Promise<number> {
    let n = 0;
    while (n < batch && this.events[0] && this.events[0].at < before) {
      this.events.shift();
      n++;
    }
    return n;
  }

  onEventsAppended(listener: () => void): () => void {
    const wrapped = (): void => listener();
    this.listeners.add(wrapped);
    return () => this.listeners.delete(wrapped);
  }

  /** How many listeners are registered (a finished subscription must leave none). */
  listenerCount(): number {
    return this.listeners.size;
  }

  /** Tell the listeners now (as another process's append would). */
  notify(): void {
    for (const listener of this.listeners) listener();
  }
}
