/**
 * @module runtime/event-feed/subscription
 * A live subscription to the feed: the events after a cursor that match a filter, by id
 * ascending, each exactly once, until the signal aborts (then it returns cleanly and releases
 * what it holds). It starts after `after` (or the newest id for "now"); a start older than the
 * feed holds (retention) or newer than it has (a replaced store) first yields `reset`. It
 * serves from the shared tailer's ring, or reads the store itself while it is behind the ring.
 */
import { ValidationError } from "../../core/errors.js";
import { toFeedEvent } from "../../core/feed/record.js";
import type { FeedFilter, StoredFeedRecord } from "../../core/feed/types.js";
import type { EventFeedStore } from "../../ports/event-feed-store.js";
import type { FeedItem, FeedSubscribeOptions } from "../client.js";
import type { FeedTailer } from "./tailer.js";

/** Events per store read of a subscriber behind the ring, and ids scanned at most per read. */
const CATCH_UP_LIMIT = 500;
const CATCH_UP_SCAN = 5_000;

/** Follow the feed; see the module header. */
export async function* subscribeFeed(
  store: EventFeedStore,
  tailer: FeedTailer,
  filter: FeedFilter,
  options: FeedSubscribeOptions = {},
): AsyncGenerator<FeedItem> {
  const { signal } = options;
  const after = options.after ?? "now";
  if (after !== "now" && !(Number.isSafeInteger(after) && after >= 0)) {
    throw new ValidationError(
      `subscribe "after" must be "now" or an event id (an integer >= 0); got ${JSON.stringify(after)}`,
    );
  }
  if (signal?.aborted) return;
  await tailer.acquire();
  const aborted = abortPromise(signal);
  try {
    const bounds = await store.feedBounds();
    const newest = bounds.newestId ?? 0;
    let cursor = after === "now" ? newest : after;
    if (
      after !== "now" &&
      (after > newest || (bounds.oldestId !== null && after < bounds.oldestId - 1))
    ) {
      yield { type: "reset", oldestId: bounds.oldestId };
      cursor = after > newest ? newest : bounds.oldestId! - 1;
    }
    while (!signal?.aborted) {
      const changed = tailer.changed();
      const fromRing = tailer.since(cursor, filter);
      const page = fromRing ?? (await catchUp(store, tailer, cursor, filter));
      for (const event of page.events) {
        if (signal?.aborted) return;
        yield { type: "event", event: toFeedEvent(event) };
      }
      cursor = Math.max(cursor, page.to);
      // Caught up with the ring: wait for the tailer to read more (a store read never waits).
      if (fromRing !== null && page.events.length === 0) {
        await Promise.race([changed, aborted.promise]);
      }
    }
  } finally {
    aborted.release();
    tailer.release();
  }
}

/** One store read for a subscriber behind the ring. */
async function catchUp(
  store: EventFeedStore,
  tailer: FeedTailer,
  cursor: number,
  filter: FeedFilter,
): Promise<{ events: StoredFeedRecord[]; to: number }> {
  const page = await store.readEvents(cursor, filter, CATCH_UP_LIMIT, CATCH_UP_SCAN);
  // Nothing left past the cursor below the ring's start (deleted by retention): go to the ring.
  const to = page.scannedTo > cursor || page.events.length > 0 ? page.scannedTo : tailer.start;
  return { events: page.events, to };
}

function abortPromise(signal: AbortSignal | undefined): {
  promise: Promise<void>;
  release(): void;
} {
  if (!signal) return { promise: new Promise<void>(() => undefined), release: () => undefined };
  let onAbort = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return { promise, release: () => signal.removeEventListener("abort", onAbort) };
}
