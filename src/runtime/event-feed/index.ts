/**
 * @module runtime/event-feed
 * The durable event feed of an engine: a recorder that writes this engine's bus events into
 * the store, and the read side (`read`, `bounds`, `subscribe`) that every client and the
 * server's SSE use. Readers see what every process sharing the store recorded (docs/api.md,
 * "Live events"): best effort, ordered by id, resumable by id.
 */
import { ValidationError } from "../../core/errors.js";
import { toFeedEvent } from "../../core/feed/record.js";
import type { FeedFilter } from "../../core/feed/types.js";
import type { Clock } from "../../ports/clock.js";
import type { EventFeedStore } from "../../ports/event-feed-store.js";
import type { Logger } from "../../ports/logger.js";
import type { EventFeedApi, FeedPage } from "../client.js";
import { createFeedRecorder, type FeedBus, type FeedRecorder } from "./recorder.js";
import { subscribeFeed } from "./subscription.js";
import { FeedTailer } from "./tailer.js";

export type { FeedBus, FeedRecorder, RecorderStats } from "./recorder.js";

/** Ids scanned at most by one `read` past its `after` (a sparse filter returns a short page). */
export const FEED_READ_SCAN = 10_000;

/** The most events one `read` returns. */
export const FEED_READ_MAX = 1_000;

/** What `createEventFeed` needs. */
export interface EventFeedDeps {
  readonly store: EventFeedStore;
  readonly bus: FeedBus;
  readonly clock: Clock;
  /** This process's worker id, recorded on every event. */
  readonly instance: string;
  readonly logger: Logger;
  /** Recorder: flush at most this long after the first buffered event, ms (default 20). */
  readonly flushMs?: number;
  /** Recorder: flush as soon as this many events are buffered (default 100), after `minGapMs`. */
  readonly flushRows?: number;
  /** Recorder: least ms from one append's end to a full batch's (default the store's `appendGapMs`). */
  readonly minGapMs?: number;
  /** Recorder: the most events buffered before the oldest are dropped (default 10,000). */
  readonly maxBufferRows?: number;
  /** The workflow of a run (for the jobs of workflow tasks whose run this process did not see). */
  readonly workflowOfRun?: (runId: string) => Promise<string | null>;
  /** Subscriptions: fallback poll of the store, ms (default 1,000). */
  readonly pollMs?: number;
  /** Subscriptions: recent events kept in memory for live subscribers (default 10,000). */
  readonly ringSize?: number;
}

/** The feed of an engine: its recorder and its read API. */
export interface EventFeed {
  readonly recorder: FeedRecorder;
  readonly api: EventFeedApi;
}

/** Build the feed over a store; the recorder records nothing until `recorder.start()`. */
export function createEventFeed(deps: EventFeedDeps): EventFeed {
  const { store } = deps;
  const tailer = new FeedTailer({
    store,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    ...(deps.ringSize !== undefined ? { ringSize: deps.ringSize } : {}),
  });
  const recorder = createFeedRecorder({ ...deps, flushed: () => tailer.wake() });
  const api: EventFeedApi = {
    async read(filter: FeedFilter, after: number, limit = 100): Promise<FeedPage> {
      checkRead(after, limit);
      const page = await store.readEvents(after, filter, limit, FEED_READ_SCAN);
      return { items: page.events.map(toFeedEvent), nextAfter: Math.max(after, page.scannedTo) };
    },
    bounds: () => store.feedBounds(),
    subscribe: (filter, options) => subscribeFeed(store, tailer, filter, options),
  };
  return { recorder, api };
}

function checkRead(after: number, limit: number): void {
  if (!Number.isSafeInteger(after) || after < 0) {
    throw new ValidationError(
      `"after" must be an event id (an integer >= 0); got ${JSON.stringify(after)}`,
    );
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > FEED_READ_MAX) {
    throw new ValidationError(
      `"limit" must be an integer from 1 to ${FEED_READ_MAX}; got ${JSON.stringify(limit)}`,
    );
  }
}
