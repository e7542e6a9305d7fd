/**
 * @module stores/conformance/event-feed-store
 * The contract suite every EventFeedStore adapter runs. Ports only: no SQL, no adapter
 * internals, no sleeping (conditions are polled, never timed).
 *
 *   defineEventFeedStoreConformance("sqlite file", async () => {
 *     const path = ...;
 *     const s = await openSqliteStores({ path });
 *     return { feed: s.feed, close: s.close, peer: async () => { ... a second open ... } };
 *   });
 *
 * `open` is called once per test and must return an empty, migrated feed; `peer`, when the
 * database can be opened twice (a file, a PostgreSQL schema), opens another store instance on
 * the same database (the suite closes it).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ShuttingDownError } from "../../core/errors.js";
import type { FeedRecord } from "../../core/feed/types.js";
import type { EventFeedStore } from "../../ports/event-feed-store.js";
import { T0 } from "./job-store-fixtures.js";

/** A store instance the suite opens. */
export interface OpenedFeed {
  readonly feed: EventFeedStore;
  close(): Promise<void>;
}

/** What the suite opens per test: a feed, and maybe a way to open another instance on it. */
export interface OpenedFeedStore extends OpenedFeed {
  peer?(): Promise<OpenedFeed>;
}

/** A `job:queued` record of fn "mail" at T0 + `n`, with the given overrides. */
export function feedRecord(n: number, overrides: Partial<FeedRecord> = {}): FeedRecord {
  return {
    at: T0 + n,
    name: "job:queued",
    kind: "job",
    fn: "mail",
    workflow: null,
    subject: String(n),
    instance: "w-1",
    data: JSON.stringify({ jobId: String(n), n }),
    ...overrides,
  };
}

/** Resolve once `check` is true, polling every 5 ms; reject after 10 s (a hang, not a timing). */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Declare the EventFeedStore conformance tests for one adapter. */
export function defineEventFeedStoreConformance(
  adapterName: string,
  open: () => Promise<OpenedFeedStore>,
): void {
  describe(`EventFeedStore conformance: ${adapterName}`, () => {
    let opened: OpenedFeedStore | null = null;
    const closers: (() => Promise<void>)[] = [];
    const feed = (): EventFeedStore => opened!.feed;
    beforeEach(async () => {
      opened = await open();
      closers.push(() => opened!.close());
    });
    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close();
      opened = null;
    });
    const ctx: FeedSuiteContext = {
      feed,
      close: () => opened!.close(),
      async openPeer() {
        if (opened?.peer === undefined) return null;
        const other = await opened.peer();
        closers.push(() => other.close());
        return other.feed;
      },
    };
    defineAppendReadTests(ctx);
    defineFilterTests(ctx);
    defineRetentionTests(ctx);
    defineWakeUpTests(ctx);
  });
}

interface FeedSuiteContext {
  feed(): EventFeedStore;
  /** Close the running test's store (the suite's afterEach closes it again: idempotent). */
  close(): Promise<void>;
  /** Another instance on the same database, or null when the adapter cannot open one. */
  openPeer(): Promise<EventFeedStore | null>;
}

function defineAppendReadTests(ctx: FeedSuiteContext): void {
  it("appends in order with ascending ids and returns the last id", async () => {
    expect(await ctx.feed().appendEvents([])).toBe(0);
    const last = await ctx.feed().appendEvents([feedRecord(1), feedRecord(2), feedRecord(3)]);
    const { events, scannedTo } = await ctx.feed().readEvents(0, {}, 100);
    expect(events.map((e) => e.subject)).toEqual(["1", "2", "3"]);
    expect(events.at(-1)!.id).toBe(last);
    expect(events[0]!.id).toBeLessThan(events[1]!.id);
    expect(events[1]!.id).toBeLessThan(events[2]!.id);
    expect(scannedTo).toBe(last);
    const next = await ctx.feed().appendEvents([feedRecord(4)]);
    expect(next).toBeGreaterThan(last);
  });

  it("round-trips every field exactly, data as the same JSON text", async () => {
    const record = feedRecord(1, {
      name: "run:finished",
      kind: "run",
      fn: null,
      workflow: "etl",
      subject: "run-1",
      instance: "host:42",
      data: '{"b":1,"a":"\\u00e9x","nested":{"z":[1,2.5,null]}}',
    });
    const id = await ctx.feed().appendEvents([record]);
    const { events } = await ctx.feed().readEvents(0, {}, 10);
    expect(events).toEqual([{ ...record, id }]);
  });

  it("reads after an id, at most limit events; scannedTo is the last returned then", async () => {
    await ctx.feed().appendEvents([1, 2, 3, 4, 5].map((n) => feedRecord(n)));
    const all = (await ctx.feed().readEvents(0, {}, 100)).events;
    const page = await ctx.feed().readEvents(all[1]!.id, {}, 2);
    expect(page.events.map((e) => e.subject)).toEqual(["3", "4"]);
    expect(page.scannedTo).toBe(all[3]!.id);
    const rest = await ctx.feed().readEvents(page.scannedTo, {}, 2);
    expect(rest.events.map((e) => e.subject)).toEqual(["5"]);
    expect(rest.scannedTo).toBe(all[4]!.id);
    const none = await ctx.feed().readEvents(all[4]!.id, {}, 2);
    expect(none).toEqual({ events: [], scannedTo: all[4]!.id });
  });

  it("reports bounds: nulls when empty, then the oldest and newest ids", async () => {
    expect(await ctx.feed().feedBounds()).toEqual({ oldestId: null, newestId: null });
    await ctx.feed().appendEvents([feedRecord(1), feedRecord(2)]);
    const ids = (await ctx.feed().readEvents(0, {}, 10)).events.map((e) => e.id);
    expect(await ctx.feed().feedBounds()).toEqual({ oldestId: ids[0], newestId: ids[1] });
  });
}

function defineFilterTests(ctx: FeedSuiteContext): void {
  const mixed = (): FeedRecord[] => [
    feedRecord(1, { fn: "mail" }),
    feedRecord(2, { fn: "report" }),
    feedRecord(3, { kind: "run", name: "run:created", fn: null, workflow: "etl" }),
    feedRecord(4, { kind: "job", fn: "load", workflow: "etl" }),
    feedRecord(5, { kind: "leader", name: "leader:elected", fn: null, subject: null }),
    feedRecord(6, { kind: "schedule", name: "schedule:fired", fn: "mail" }),
    feedRecord(7, { kind: "run", name: "run:created", fn: null, workflow: "ml" }),
  ];
  const subjects = async (filter: Parameters<EventFeedStore["readEvents"]>[1]) =>
    (await ctx.feed().readEvents(0, filter, 100)).events.map((e) => e.at - T0);

  it("filters by kinds, fns, workflows and their combinations; empty lists match all", async () => {
    await ctx.feed().appendEvents(mixed());
    expect(await subjects({})).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await subjects({ kinds: [], fns: [], workflows: [] })).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await subjects({ kinds: ["run"] })).toEqual([3, 7]);
    expect(await subjects({ kinds: ["run", "leader"] })).toEqual([3, 5, 7]);
    expect(await subjects({ fns: ["mail"] })).toEqual([1, 6]);
    expect(await subjects({ fns: ["mail", "load"] })).toEqual([1, 4, 6]);
    expect(await subjects({ workflows: ["etl"] })).toEqual([3, 4]);
    expect(await subjects({ kinds: ["job"], fns: ["mail"] })).toEqual([1]);
    expect(await subjects({ kinds: ["job"], workflows: ["etl"] })).toEqual([4]);
    expect(await subjects({ fns: ["load"], workflows: ["etl", "ml"] })).toEqual([4]);
    expect(await subjects({ kinds: ["schedule"], fns: ["report"] })).toEqual([]);
    expect(await subjects({ fns: ["x'); DROP TABLE events; --"] })).toEqual([]);
    expect(await subjects({})).toHaveLength(7);
  });

  it("bounds a sparse read by scanLimit; scannedTo lets the caller resume past it", async () => {
    await ctx
      .feed()
      .appendEvents(
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) =>
          feedRecord(n, { fn: n === 9 ? "rare" : "mail" }),
        ),
      );
    const ids = (await ctx.feed().readEvents(0, {}, 100)).events.map((e) => e.id);
    const first = await ctx.feed().readEvents(ids[0]! - 1, { fns: ["rare"] }, 5, 4);
    expect(first.events).toEqual([]);
    expect(first.scannedTo).toBe(ids[3]);
    const second = await ctx.feed().readEvents(ids[3]!, { fns: ["rare"] }, 5, 4);
    expect(second.events).toEqual([]);
    expect(second.scannedTo).toBe(ids[7]);
    const third = await ctx.feed().readEvents(ids[7]!, { fns: ["rare"] }, 5, 4);
    expect(third.events.map((e) => e.at - T0)).toEqual([9]);
    // Fewer than limit matched: scannedTo is the end of the window, capped at the newest id.
    expect(third.scannedTo).toBe(ids[9]);
    const unbounded = await ctx.feed().readEvents(0, { fns: ["rare"] }, 5);
    expect(unbounded).toEqual({ events: third.events, scannedTo: ids[9] });
  });

  it("reads across many appends as one sequence, from any id, windows cutting appends", async () => {
    for (let n = 0; n < 40; n += 4) {
      await ctx.feed().appendEvents([n + 1, n + 2, n + 3, n + 4].map((k) => feedRecord(k)));
    }
    const all = (await ctx.feed().readEvents(0, {}, 1_000)).events;
    expect(all.map((e) => e.at - T0)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const ids = all.map((e) => e.id);
    // From inside the second append, five events: the rest of it and into the next ones.
    const page = await ctx.feed().readEvents(ids[5]!, {}, 5);
    expect(page.events.map((e) => e.at - T0)).toEqual([7, 8, 9, 10, 11]);
    // A scan window that ends inside an append returns nothing past it.
    const window = await ctx.feed().readEvents(ids[1]!, {}, 100, ids[9]! - ids[1]!);
    expect(window.events.map((e) => e.at - T0)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(window.scannedTo).toBe(ids[9]);
    // Resuming page by page gives every event once, in order.
    const seen: number[] = [];
    for (let after = 0; seen.length < 40;) {
      const next = await ctx.feed().readEvents(after, {}, 3);
      seen.push(...next.events.map((e) => e.at - T0));
      after = next.scannedTo;
    }
    expect(seen).toEqual(all.map((e) => e.at - T0));
  });

  it("stops at limit within the scan window (scannedTo = the last match)", async () => {
    await ctx.feed().appendEvents([1, 2, 3, 4, 5, 6].map((n) => feedRecord(n)));
    const ids = (await ctx.feed().readEvents(0, {}, 100)).events.map((e) => e.id);
    const read = await ctx.feed().readEvents(0, { kinds: ["job"] }, 2, 5);
    expect(read.events.map((e) => e.id)).toEqual([ids[0], ids[1]]);
    expect(read.scannedTo).toBe(ids[1]);
  });
}

function defineRetentionTests(ctx: FeedSuiteContext): void {
  it("deletes events older than a time in batches, oldest first", async () => {
    await ctx.feed().appendEvents([1, 2, 3, 4, 5, 6].map((n) => feedRecord(n)));
    expect(await ctx.feed().deleteEventsBefore(T0 + 6, 2)).toBe(2);
    expect((await ctx.feed().readEvents(0, {}, 10)).events.map((e) => e.at - T0)).toEqual([
      3, 4, 5, 6,
    ]);
    expect(await ctx.feed().deleteEventsBefore(T0 + 6, 2)).toBe(2);
    expect(await ctx.feed().deleteEventsBefore(T0 + 6, 2)).toBe(1);
    expect(await ctx.feed().deleteEventsBefore(T0 + 6, 2)).toBe(0);
    const left = (await ctx.feed().readEvents(0, {}, 10)).events;
    expect(left.map((e) => e.at - T0)).toEqual([6]);
    expect(await ctx.feed().feedBounds()).toEqual({ oldestId: left[0]!.id, newestId: left[0]!.id });
  });

  it("deletes the oldest by time across appends whose times interleave", async () => {
    await ctx.feed().appendEvents([1, 5, 9].map((n) => feedRecord(n)));
    await ctx.feed().appendEvents([2, 6, 10].map((n) => feedRecord(n)));
    await ctx.feed().appendEvents([3, 4, 7].map((n) => feedRecord(n)));
    const ats = async () => (await ctx.feed().readEvents(0, {}, 100)).events.map((e) => e.at - T0);
    expect(await ctx.feed().deleteEventsBefore(T0 + 8, 3)).toBe(3);
    expect(await ats()).toEqual([5, 9, 6, 10, 4, 7]);
    expect(await ctx.feed().deleteEventsBefore(T0 + 8, 2)).toBe(2);
    expect(await ats()).toEqual([9, 6, 10, 7]);
    expect(await ctx.feed().deleteEventsBefore(T0 + 8, 100)).toBe(2);
    const left = (await ctx.feed().readEvents(0, {}, 100)).events;
    expect(left.map((e) => e.at - T0)).toEqual([9, 10]);
    expect(await ctx.feed().feedBounds()).toEqual({ oldestId: left[0]!.id, newestId: left[1]!.id });
    // The ids of the events left did not move.
    expect(left[0]!.id).toBeLessThan(left[1]!.id);
  });

  it("deletes up to the batch size across many appends, then the rest", async () => {
    for (let n = 50; n >= 1; n--) await ctx.feed().appendEvents([feedRecord(n)]);
    expect(await ctx.feed().deleteEventsBefore(T0 + 46, 40)).toBe(40);
    const left = async () =>
      (await ctx.feed().readEvents(0, {}, 100)).events.map((e) => e.at - T0).sort((a, b) => a - b);
    expect(await left()).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
    expect(await ctx.feed().deleteEventsBefore(T0 + 46, 40)).toBe(5);
    expect(await left()).toEqual([46, 47, 48, 49, 50]);
  });

  it("deletes the oldest first when they are spread over many appends with newer ones", async () => {
    for (let k = 1; k <= 40; k++)
      await ctx.feed().appendEvents([feedRecord(k), feedRecord(40 + k)]);
    expect(await ctx.feed().deleteEventsBefore(T0 + 1_000, 40)).toBe(40);
    const left = (await ctx.feed().readEvents(0, {}, 100)).events.map((e) => e.at - T0);
    expect(left).toEqual(Array.from({ length: 40 }, (_, i) => 41 + i));
  });

  it("never reuses an id after the newest events were deleted", async () => {
    const last = await ctx.feed().appendEvents([feedRecord(1), feedRecord(2)]);
    await ctx.feed().deleteEventsBefore(T0 + 100, 10);
    expect(await ctx.feed().appendEvents([feedRecord(3)])).toBeGreaterThan(last);
  });
}

function defineWakeUpTests(ctx: FeedSuiteContext): void {
  it("throws ShuttingDownError from every method after close", async () => {
    const feed = ctx.feed();
    await ctx.close();
    const calls: Record<Exclude<keyof EventFeedStore, "appendGapMs">, () => Promise<unknown>> = {
      appendEvents: () => feed.appendEvents([feedRecord(1)]),
      readEvents: () => feed.readEvents(0, {}, 10),
      feedBounds: () => feed.feedBounds(),
      deleteEventsBefore: () => feed.deleteEventsBefore(T0, 10),
      onEventsAppended: async () => feed.onEventsAppended(() => undefined),
    };
    for (const [name, call] of Object.entries(calls)) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, `${name} after close`).toBeInstanceOf(ShuttingDownError);
    }
  });

  it("tells listeners of a local append; unsubscribe stops it", async () => {
    let calls = 0;
    const off = ctx.feed().onEventsAppended(() => (calls += 1));
    await ctx.feed().appendEvents([feedRecord(1)]);
    await until(() => calls > 0);
    off();
  });

  it("tells listeners of an append by another store instance on the same database", async () => {
    const other = await ctx.openPeer();
    if (other === null) return; // an in-memory database has no other instance
    let calls = 0;
    const off = ctx.feed().onEventsAppended(() => (calls += 1));
    // The listener may take a moment to start listening: append until it hears one.
    let n = 0;
    await until(async () => {
      if (calls > 0) return true;
      n += 1;
      await other.appendEvents([feedRecord(n, { instance: "other" })]);
      return false;
    });
    off();
    const { events } = await ctx.feed().readEvents(0, {}, 100);
    expect(events.every((e) => e.instance === "other")).toBe(true);
    expect(events.length).toBeGreaterThan(0);
  });
}
