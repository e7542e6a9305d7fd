/** An in-memory event feed for API tests that push hand-made events. */
import { matchesFeedFilter, type FeedEvent, type FeedFilter } from "../../src/core/feed/types.js";
import type {
  EventFeedApi,
  FeedItem,
  FeedPage,
  FeedSubscribeOptions,
} from "../../src/runtime/client.js";

/** A feed in memory: `push` records an event and wakes subscribers. */
export class FakeFeed implements EventFeedApi {
  readonly events: FeedEvent[] = [];
  private wake: (() => void)[] = [];
  oldestId: number | null = null;

  push(e: Omit<FeedEvent, "id">): FeedEvent {
    const event = { ...e, id: (this.events.at(-1)?.id ?? 0) + 1 };
    this.events.push(event);
    this.oldestId ??= event.id;
    for (const w of this.wake.splice(0)) w();
    return event;
  }
  async read(filter: FeedFilter, after: number, limit = 100): Promise<FeedPage> {
    const rest = this.events.filter((e) => e.id > after);
    const items = rest.filter((e) => matchesFeedFilter(e, filter)).slice(0, limit);
    return { items, nextAfter: items.at(-1)?.id ?? this.events.at(-1)?.id ?? after };
  }
  async bounds() {
    return { oldestId: this.oldestId, newestId: this.events.at(-1)?.id ?? null };
  }
  async *subscribe(
    filter: FeedFilter,
    options: FeedSubscribeOptions = {},
  ): AsyncIterable<FeedItem> {
    let cursor =
      options.after === undefined || options.after === "now"
        ? (this.events.at(-1)?.id ?? 0)
        : options.after;
    if (this.oldestId !== null && cursor < this.oldestId - 1) {
      yield { type: "reset", oldestId: this.oldestId };
      cursor = this.oldestId - 1;
    }
    while (!options.signal?.aborted) {
      for (const e of this.events.filter((x) => x.id > cursor)) {
        cursor = e.id;
        if (matchesFeedFilter(e, filter)) yield { type: "event", event: e };
      }
      await new Promise<void>((resolve) => {
        this.wake.push(resolve);
        options.signal?.addEventListener("abort", () => resolve(), { once: true });
      });
    }
  }
}
