import { describe, expect, it } from "vitest";
import type { FeedFilter, FeedKind, FeedRecord } from "../../src/core/feed/types.js";
import { silentLogger } from "../../src/ports/logger.js";
import type { FeedItem } from "../../src/runtime/client.js";
import { EventBus } from "../../src/runtime/event-bus.js";
import { createEventFeed } from "../../src/runtime/event-feed/index.js";
import { FeedTailer } from "../../src/runtime/event-feed/tailer.js";
import { waitFor } from "../helpers/async.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { MemoryFeedStore } from "../helpers/memory-feed-store.js";

const T0 = Date.parse("2026-12-01T00:00:00Z");

function rec(n: number, kind: FeedKind = "job", fn: string | null = "a"): FeedRecord {
  return {
    at: T0 + n,
    name: `${kind}:x`,
    kind,
    fn,
    workflow: null,
    subject: String(n),
    instance: "other",
    data: JSON.stringify({ n }),
  };
}

function setup(options: { ringSize?: number } = {}) {
  const clock = new ManualClock(T0);
  const store = new MemoryFeedStore();
  const bus = new EventBus(silentLogger);
  const feed = createEventFeed({
    store,
    bus,
    clock,
    instance: "w1",
    logger: silentLogger,
    ...(options.ringSize !== undefined ? { ringSize: options.ringSize } : {}),
  });
  return { clock, store, bus, feed };
}

/** Consume a subscription in the background into `items` until aborted. */
function follow(
  feed: ReturnType<typeof setup>["feed"],
  filter: FeedFilter,
  after: number | "now",
  slow = false,
) {
  const controller = new AbortController();
  const items: FeedItem[] = [];
  const done = (async () => {
    for await (const item of feed.api.subscribe(filter, { after, signal: controller.signal })) {
      items.push(item);
      if (slow) await new Promise((r) => setImmediate(r));
    }
  })();
  const ids = () => items.flatMap((i) => (i.type === "event" ? [i.event.id] : []));
  return { items, ids, done, stop: () => controller.abort() };
}

describe("event feed subscription", () => {
  it("yields the matching events after `after`, by id, with data parsed", async () => {
    const { store, feed } = setup();
    await store.appendEvents([rec(1), rec(2, "job", "b"), rec(3, "run", null), rec(4), rec(5)]);
    const sub = follow(feed, { kinds: ["job"], fns: ["a"] }, 1);
    await waitFor(() => sub.ids().length === 2, "two events");
    expect(sub.ids()).toEqual([4, 5]);
    const first = sub.items[0]!;
    expect(first.type === "event" && first.event.data).toEqual({ n: 4 });
    expect(first.type === "event" && first.event.at).toEqual(new Date(T0 + 4));
    await store.appendEvents([rec(6, "job", "b"), rec(7)]);
    await waitFor(() => sub.ids().length === 3, "a live event");
    expect(sub.ids()).toEqual([4, 5, 7]);
    sub.stop();
    await sub.done;
  });

  it('"now" starts after the newest event', async () => {
    const { store, feed } = setup();
    await store.appendEvents([rec(1), rec(2)]);
    const sub = follow(feed, {}, "now");
    await waitFor(() => store.listenerCount() === 1, "the tailer listening");
    await store.appendEvents([rec(3)]);
    await waitFor(() => sub.ids().length === 1, "the new event");
    expect(sub.ids()).toEqual([3]);
    sub.stop();
    await sub.done;
  });

  it("yields reset first when the start is older than the feed holds, then continues from the oldest", async () => {
    const { store, feed } = setup();
    await store.appendEvents([1, 2, 3, 4, 5].map((n) => rec(n)));
    await store.deleteEventsBefore(T0 + 3, 100);
    const sub = follow(feed, {}, 1);
    await waitFor(() => sub.items.length === 4, "reset and three events");
    expect(sub.items[0]).toEqual({ type: "reset", oldestId: 3 });
    expect(sub.ids()).toEqual([3, 4, 5]);
    sub.stop();
    await sub.done;
    // Resuming exactly at oldest - 1 lost nothing: no reset.
    const resumed = follow(feed, {}, 2);
    await waitFor(() => resumed.items.length === 3, "three events");
    expect(resumed.items.every((i) => i.type === "event")).toBe(true);
    resumed.stop();
    await resumed.done;
  });

  it("yields reset when the start is newer than the feed has (a replaced store), then follows from the newest", async () => {
    const { store, feed } = setup();
    await store.appendEvents([rec(1), rec(2)]);
    const sub = follow(feed, {}, 50);
    await waitFor(() => sub.items.length === 1, "reset");
    expect(sub.items[0]).toEqual({ type: "reset", oldestId: 1 });
    await store.appendEvents([rec(3)]);
    await waitFor(() => sub.items.length === 2, "the new event");
    expect(sub.ids()).toEqual([3]);
    sub.stop();
    await sub.done;
  });

  it("ends cleanly when the signal aborts, releasing its listener and timers", async () => {
    const { store, feed, clock } = setup();
    const sub = follow(feed, {}, "now");
    await waitFor(() => store.listenerCount() === 1, "the tailer listening");
    expect(clock.pendingTimers()).toBe(1);
    sub.stop();
    await sub.done;
    expect(store.listenerCount()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("sees an append nobody announced at the next fallback poll", async () => {
    const { store, feed, clock } = setup();
    const sub = follow(feed, {}, "now");
    await waitFor(() => store.listenerCount() === 1, "the tailer listening");
    store.muted = true;
    await store.appendEvents([rec(1)]);
    await clock.advanceAsync(999);
    expect(sub.ids()).toEqual([]);
    await clock.advanceAsync(1);
    await waitFor(() => sub.ids().length === 1, "the polled event");
    sub.stop();
    await sub.done;
  });

  it("wakes at once on this process's recorder flush", async () => {
    const { store, feed, bus, clock } = setup();
    feed.recorder.start();
    const sub = follow(feed, { kinds: ["leader"] }, "now");
    await waitFor(() => store.listenerCount() === 1, "the tailer listening");
    store.muted = true;
    bus.emit("leader:elected", { at: T0 });
    await clock.advanceAsync(20);
    await waitFor(() => sub.ids().length === 1, "the recorded event");
    expect(sub.items[0]).toMatchObject({ event: { name: "leader:elected", instance: "w1" } });
    sub.stop();
    await sub.done;
    await feed.recorder.stop();
  });

  it("skips and duplicates nothing across many concurrent appends (ring and store catch-up)", async () => {
    const { store, feed } = setup({ ringSize: 16 });
    await store.appendEvents([rec(0)]);
    const fast = follow(feed, {}, "now");
    const slow = follow(feed, {}, "now", true);
    await waitFor(() => store.listenerCount() === 1, "the tailer listening");
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    let n = 1;
    const total = 3_000;
    const late = follow(feed, { fns: ["a"] }, 0, true);
    while (n <= total) {
      const size = Math.min(1 + Math.floor(random() * 40), total - n + 1);
      const batch = Array.from({ length: size }, () => rec(n, "job", n++ % 3 === 0 ? "b" : "a"));
      await store.appendEvents(batch);
      if (random() < 0.5) await new Promise((r) => setImmediate(r));
    }
    const all = Array.from({ length: total }, (_, i) => i + 2); // ids 2..3001 (id 1 is rec(0))
    const matching = [1, ...all].filter((id) => (id - 1) % 3 !== 0 || id === 1);
    // Wait for the last id (not a count), so a skip shows as a diff below, not a timeout.
    const reached = (sub: typeof fast, id: number) => sub.ids().at(-1) === id;
    await waitFor(
      () => reached(fast, total + 1) && reached(slow, total + 1) && reached(late, matching.at(-1)!),
      "the last event",
      20_000,
    );
    for (const sub of [fast, slow, late]) sub.stop();
    await Promise.all([fast.done, slow.done, late.done]);
    expect(fast.ids()).toEqual(all);
    expect(slow.ids()).toEqual(all);
    expect(late.ids()).toEqual(matching);
    expect(store.listenerCount()).toBe(0);
  });
});

describe("feed tailer", () => {
  it("serves from its ring exactly the events after a cursor it covers, and null below it", async () => {
    const clock = new ManualClock(T0);
    const store = new MemoryFeedStore();
    await store.appendEvents([rec(1), rec(2)]);
    const tailer = new FeedTailer({ store, clock, logger: silentLogger, ringSize: 4, batch: 3 });
    await tailer.acquire();
    await store.appendEvents([3, 4, 5, 6, 7, 8, 9, 10].map((n) => rec(n)));
    await waitFor(
      () => tailer.since(tailer.start, {})?.events.at(-1)?.id === 10,
      "the tailer at id 10",
    );
    expect(tailer.start).toBe(6);
    for (let cursor = 0; cursor <= 10; cursor++) {
      const page = tailer.since(cursor, {});
      if (cursor < 6) expect(page).toBeNull();
      else expect(page!.events.map((e) => e.id)).toEqual([7, 8, 9, 10].filter((id) => id > cursor));
    }
    tailer.release();
    expect(store.listenerCount()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe("event feed read", () => {
  it("pages by id with nextAfter = the highest id covered, and validates its arguments", async () => {
    const { store, feed } = setup();
    await store.appendEvents([rec(1), rec(2, "run", null), rec(3), rec(4, "run", null)]);
    const page = await feed.api.read({ kinds: ["job"] }, 0, 1);
    expect(page.items.map((e) => e.id)).toEqual([1]);
    expect(page.nextAfter).toBe(1);
    const rest = await feed.api.read({ kinds: ["job"] }, page.nextAfter);
    expect(rest.items.map((e) => e.id)).toEqual([3]);
    expect(rest.nextAfter).toBe(4);
    expect(await feed.api.bounds()).toEqual({ oldestId: 1, newestId: 4 });
    await expect(feed.api.read({}, -1)).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(feed.api.read({}, 0, 1001)).rejects.toMatchObject({ code: "VALIDATION" });
  });
});
