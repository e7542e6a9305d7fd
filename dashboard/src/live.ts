/**
 * @module dashboard/live
 * One event stream for the whole dashboard (`GET /api/v1/events`, read with fetch and the
 * token): pages subscribe to the feed events they show and are told when the stream was reset
 * (events were lost: re-read the state) or reconnected. No polling.
 */
import type { Api, FeedEvent } from "./api/client.js";
import { errorFromResponse } from "./api/errors.js";
import { followSse } from "./api/sse.js";

/** What a subscriber is told. */
export type LiveSignal =
  { readonly type: "event"; readonly event: FeedEvent } | { readonly type: "reset" };

/** The shared stream. */
export interface Live {
  /** Be told of every event and reset; returns the unsubscribe function. */
  subscribe(listener: (signal: LiveSignal) => void): () => void;
  /** Be told at once whether the stream is open, then whenever it opens or drops. */
  onStatus(listener: (connected: boolean) => void): () => void;
  /** Close the stream. */
  close(): void;
}

/** Open the stream through `api` (which adds the token). */
export function openLive(api: Api, onFatal: (e: Error) => void): Live {
  const ac = new AbortController();
  const listeners = new Set<(s: LiveSignal) => void>();
  const status = new Set<(c: boolean) => void>();
  let connected = false;
  const tell = (s: LiveSignal) => {
    for (const l of [...listeners]) l(s);
  };
  const stream = followSse({
    signal: ac.signal,
    open: (lastEventId, signal) =>
      api.open("/events", {
        signal,
        headers: lastEventId === undefined ? {} : { "last-event-id": lastEventId },
      }),
    fail: errorFromResponse,
    onConnection: (c) => {
      connected = c;
      for (const l of [...status]) l(c);
      // A reconnect may have missed events the server no longer keeps: it says so with `reset`.
    },
  });
  void (async () => {
    try {
      for await (const m of stream) {
        if (m.event === "reset") tell({ type: "reset" });
        else {
          try {
            tell({ type: "event", event: JSON.parse(m.data) as FeedEvent });
          } catch {
            // not an event of the feed: skip it
          }
        }
      }
    } catch (e) {
      if (!ac.signal.aborted) onFatal(e instanceof Error ? e : new Error(String(e)));
    }
  })();
  return {
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onStatus(l) {
      status.add(l);
      l(connected); // the stream may have opened before this listener came
      return () => status.delete(l);
    },
    close: () => ac.abort(),
  };
}
