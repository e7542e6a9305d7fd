/**
 * @module runtime/event-feed/tailer
 * One reader of the store's feed per process, shared by every subscription: while anyone
 * subscribes, it reads the new events (unfiltered, by id) when woken — by the store's
 * `onEventsAppended`, by this process's recorder after a flush, or by a fallback poll — and
 * keeps the last `ringSize` of them in memory. So N live subscribers cost one store read per
 * wake-up; a subscriber whose cursor is older than the ring reads the store itself.
 *
 * Invariant: the ring holds every event with `ringStart < id <= head`, by id ascending (the
 * store's ids grow in commit order, and every read covers up to its `scannedTo`).
 */
import type { FeedFilter, StoredFeedRecord } from "../../core/feed/types.js";
import { matchesFeedFilter } from "../../core/feed/types.js";
import type { Clock, TimerHandle } from "../../ports/clock.js";
import type { EventFeedStore } from "../../ports/event-feed-store.js";
import type { Logger } from "../../ports/logger.js";
import { setUnrefTimer } from "./timers.js";

/** What a tailer needs. */
export interface TailerDeps {
  readonly store: EventFeedStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Fallback poll while someone subscribes, ms (default 1,000). */
  readonly pollMs?: number;
  /** How many recent events are kept in memory (default 10,000). */
  readonly ringSize?: number;
  /** Events per store read (default 500). */
  readonly batch?: number;
}

/** The shared reader of the feed; see the module header. */
export class FeedTailer {
  private ring: StoredFeedRecord[] = [];
  private ringStart = 0;
  private head = 0;
  private users = 0;
  private epoch = 0;
  private startup: Promise<void> | null = null;
  private live = false;
  private off: (() => void) | null = null;
  private timer: TimerHandle | null = null;
  private pumping = false;
  private again = false;
  private signal = changeSignal();

  constructor(private readonly deps: TailerDeps) {}

  /** Join (the first joiner starts tailing from the feed's newest id). Pair with `release`. */
  async acquire(): Promise<void> {
    this.users++;
    this.startup ??= this.begin();
    try {
      await this.startup;
    } catch (error) {
      this.release();
      throw error;
    }
  }

  /** Leave; the last one out stops the tailing and drops the ring. */
  release(): void {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0) return;
    this.epoch++;
    this.startup = null;
    this.live = false;
    this.off?.();
    this.off = null;
    this.timer?.cancel();
    this.timer = null;
    this.ring = [];
    this.signal.fire();
  }

  /**
   * A promise that settles when the tailer moves past where it is now (new events read). Take
   * it BEFORE calling `since`, so a change in between is never missed.
   */
  changed(): Promise<void> {
    return this.signal.promise;
  }

  /**
   * The events after `cursor` that match `filter`, from the ring, and the id the ring covers
   * up to (`to`); null when the ring no longer holds everything after `cursor` (read the
   * store instead).
   */
  since(cursor: number, filter: FeedFilter): { events: StoredFeedRecord[]; to: number } | null {
    if (cursor < this.ringStart) return null;
    const events: StoredFeedRecord[] = [];
    for (let i = firstAfter(this.ring, cursor); i < this.ring.length; i++) {
      const event = this.ring[i]!;
      if (matchesFeedFilter(event, filter)) events.push(event);
    }
    return { events, to: Math.max(cursor, this.head) };
  }

  /** The oldest id the ring can serve after (a cursor below it reads the store). */
  get start(): number {
    return this.ringStart;
  }

  /** Read new events soon (a notification, a local flush, the poll). */
  wake(): void {
    if (!this.live) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump(this.epoch).finally(() => {
      this.pumping = false;
      // A wake from a newer epoch (the last subscriber left and a new one came) runs now.
      if (this.again) this.wake();
    });
  }

  private async begin(): Promise<void> {
    const epoch = this.epoch;
    const { newestId } = await this.deps.store.feedBounds();
    if (epoch !== this.epoch) return;
    this.head = this.ringStart = newestId ?? 0;
    this.live = true;
    this.off = this.deps.store.onEventsAppended(() => this.wake());
    this.arm();
  }

  private arm(): void {
    if (!this.live) return;
    this.timer = setUnrefTimer(this.deps.clock, this.deps.pollMs ?? 1_000, () => {
      this.timer = null;
      this.wake();
      this.arm();
    });
  }

  private async pump(epoch: number): Promise<void> {
    const batch = this.deps.batch ?? 500;
    do {
      this.again = false;
      for (;;) {
        let page: { events: StoredFeedRecord[]; scannedTo: number };
        try {
          page = await this.deps.store.readEvents(this.head, {}, batch);
        } catch (error) {
          this.deps.logger.warn({ err: error }, "event feed: reading new events failed; retrying");
          this.again = false;
          return;
        }
        if (epoch !== this.epoch) return;
        this.take(page.events, page.scannedTo);
        if (page.events.length < batch) break;
      }
    } while (this.again && epoch === this.epoch);
  }

  private take(events: StoredFeedRecord[], scannedTo: number): void {
    const before = this.head;
    for (const event of events) if (event.id > this.head) this.ring.push(event);
    this.head = Math.max(this.head, scannedTo, this.ring.at(-1)?.id ?? 0);
    const excess = this.ring.length - (this.deps.ringSize ?? 10_000);
    if (excess > 0) {
      this.ringStart = this.ring[excess - 1]!.id;
      this.ring = this.ring.slice(excess);
    }
    if (this.head > before) this.signal.fire();
  }
}

/** Index of the first event with id > `cursor` (ids ascending). */
function firstAfter(ring: readonly StoredFeedRecord[], cursor: number): number {
  let lo = 0;
  let hi = ring.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ring[mid]!.id <= cursor) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A promise that `fire()` settles and replaces with a fresh one. */
function changeSignal(): { promise: Promise<void>; fire(): void } {
  const make = (): { promise: Promise<void>; resolve: () => void } => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };
  let current = make();
  return {
    get promise() {
      return current.promise;
    },
    fire() {
      const previous = current;
      current = make();
      previous.resolve();
    },
  };
}
