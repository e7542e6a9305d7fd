import { describe, expect, it } from "vitest";
import { taskTryOrigin } from "../../src/core/workflows/task-errors.js";
import type { KairosEventMap } from "../../src/ports/events.js";
import { silentLogger, type Logger } from "../../src/ports/logger.js";
import { EventBus } from "../../src/runtime/event-bus.js";
import { createEventFeed } from "../../src/runtime/event-feed/index.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { MemoryFeedStore } from "../helpers/memory-feed-store.js";

const T0 = Date.parse("2026-12-01T00:00:00Z");

/** A store that asks recorders for a gap between appends, as the PostgreSQL store does. */
class PacedFeedStore extends MemoryFeedStore {
  readonly appendGapMs = 10;
}

function setup(
  options: {
    flushRows?: number;
    maxBufferRows?: number;
    logger?: Logger;
    paced?: boolean;
    minGapMs?: number;
  } = {},
) {
  const clock = new ManualClock(T0);
  const store = options.paced === true ? new PacedFeedStore() : new MemoryFeedStore();
  const bus = new EventBus(silentLogger);
  const errors: KairosEventMap["worker:error"][] = [];
  bus.on("worker:error", (e) => errors.push(e));
  const feed = createEventFeed({
    store,
    bus,
    clock,
    instance: "w1",
    logger: options.logger ?? silentLogger,
    flushRows: options.flushRows ?? 100,
    ...(options.maxBufferRows !== undefined ? { maxBufferRows: options.maxBufferRows } : {}),
    ...(options.minGapMs !== undefined ? { minGapMs: options.minGapMs } : {}),
    workflowOfRun: async (runId) => (runId === "77" ? "stored-wf" : null),
  });
  feed.recorder.start();
  return { clock, store, bus, feed, errors };
}

const job = <X extends object>(jobId: string, extra: X) => ({
  jobId,
  fn: "email",
  attempt: 1,
  at: T0,
  ...extra,
});

describe("event feed recorder", () => {
  it("records each event family with its kind, fn, workflow and subject", async () => {
    const { bus, store, feed } = setup();
    bus.emit("job:queued", job("1", { runAt: T0 }));
    bus.emit("schedule:skipped", { schedule: "nightly", slotAt: T0, reason: "overlap", at: T0 });
    bus.emit("run:created", { runId: "5", workflow: "etl", logicalDate: T0, at: T0 });
    bus.emit(
      "job:started",
      job("2", { workerId: "w1", runAt: T0, origin: taskTryOrigin("5", "load", 1) }),
    );
    bus.emit("job:succeeded", job("3", { durationMs: 1, origin: taskTryOrigin("77", "x", 1) }));
    bus.emit("leader:elected", { at: T0 });
    bus.emit("worker:error", { error: new Error("x"), at: T0, where: "claim" });
    bus.emit("store:error", { where: "claim", error: new Error("x"), at: T0 });
    await feed.recorder.flush();
    expect(
      store.events.map((e) => [e.name, e.kind, e.fn, e.workflow, e.subject, e.instance]),
    ).toEqual([
      ["job:queued", "job", "email", null, "1", "w1"],
      ["schedule:skipped", "schedule", null, null, "nightly", "w1"],
      ["run:created", "run", null, "etl", "5", "w1"],
      ["job:started", "job", "email", "etl", "2", "w1"],
      ["job:succeeded", "job", "email", "stored-wf", "3", "w1"],
      ["leader:elected", "leader", null, null, null, "w1"],
    ]);
    expect(store.events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("flushes after flushMs by the clock, in one append", async () => {
    const { bus, store, clock } = setup();
    bus.emit("job:queued", job("1", { runAt: T0 }));
    bus.emit("job:queued", job("2", { runAt: T0 }));
    await clock.advanceAsync(19);
    expect(store.calls.append).toBe(0);
    await clock.advanceAsync(1);
    expect(store.batches.map((b) => b.length)).toEqual([2]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("flushes as soon as flushRows rows are buffered", async () => {
    const { bus, store } = setup({ flushRows: 3 });
    for (let i = 0; i < 3; i++) bus.emit("job:queued", job(String(i), { runAt: T0 }));
    await new Promise((r) => setImmediate(r));
    expect(store.batches.map((b) => b.length)).toEqual([3]);
  });

  it("leaves the store's appendGapMs after an append before the next full batch", async () => {
    const { bus, store, clock } = setup({ flushRows: 3, paced: true });
    const emit = (from: number) => {
      for (let i = from; i < from + 3; i++) bus.emit("job:queued", job(String(i), { runAt: T0 }));
    };
    emit(0);
    await clock.advanceAsync(0);
    expect(store.batches.map((b) => b.length)).toEqual([3]);
    emit(3);
    emit(6);
    await clock.advanceAsync(9);
    expect(store.batches.map((b) => b.length)).toEqual([3]);
    await clock.advanceAsync(1);
    expect(store.batches.map((b) => b.length)).toEqual([3, 6]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("a gap never delays an event past flushMs", async () => {
    const { bus, store, clock } = setup({ flushRows: 2, minGapMs: 50 });
    const emit = (id: string) => bus.emit("job:queued", job(id, { runAt: T0 }));
    emit("1");
    emit("2");
    await clock.advanceAsync(0);
    emit("3");
    emit("4");
    await clock.advanceAsync(19);
    expect(store.batches.map((b) => b.length)).toEqual([2]);
    await clock.advanceAsync(1);
    expect(store.batches.map((b) => b.length)).toEqual([2, 2]);
  });

  it("stop does not wait for a gap", async () => {
    const { bus, store, clock, feed } = setup({ flushRows: 2, paced: true });
    const emit = (id: string) => bus.emit("job:queued", job(id, { runAt: T0 }));
    emit("1");
    emit("2");
    await clock.advanceAsync(0);
    emit("3");
    emit("4");
    await feed.recorder.stop();
    expect(store.batches.map((b) => b.length)).toEqual([2, 2]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("coalesces a job's progress to the latest per flush", async () => {
    const { bus, store, feed } = setup();
    for (const percent of [10, 20, 30])
      bus.emit("job:progress", job("1", { percent, message: null }));
    bus.emit("job:progress", job("2", { percent: 5, message: "x" }));
    await feed.recorder.flush();
    expect(
      store.events.map((e) => [e.subject, (JSON.parse(e.data) as { percent: number }).percent]),
    ).toEqual([
      ["1", 30],
      ["2", 5],
    ]);
  });

  it("stop flushes what remains, unsubscribes and leaves no timer", async () => {
    const { bus, store, feed, clock } = setup();
    bus.emit("job:queued", job("1", { runAt: T0 }));
    await feed.recorder.stop();
    expect(store.events).toHaveLength(1);
    bus.emit("job:queued", job("2", { runAt: T0 }));
    await clock.advanceAsync(1_000);
    expect(store.events).toHaveLength(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("a failed flush is retried once with the next batch, then dropped with a worker:error", async () => {
    const { bus, store, feed, clock, errors } = setup();
    store.failAppends = 1;
    bus.emit("job:queued", job("1", { runAt: T0 }));
    await clock.advanceAsync(20);
    expect(store.events).toHaveLength(0);
    bus.emit("job:queued", job("2", { runAt: T0 }));
    await clock.advanceAsync(20);
    expect(store.events.map((e) => e.subject)).toEqual(["1", "2"]);
    expect(errors).toHaveLength(0);

    store.failAppends = 2;
    bus.emit("job:queued", job("3", { runAt: T0 }));
    await clock.advanceAsync(20); // fails: kept
    await clock.advanceAsync(20); // fails again: dropped
    expect(errors).toHaveLength(1);
    expect(errors[0]!.where).toBe("event-feed");
    bus.emit("job:queued", job("4", { runAt: T0 }));
    await feed.recorder.flush();
    expect(store.events.map((e) => e.subject)).toEqual(["1", "2", "4"]);
    expect(feed.recorder.stats()).toMatchObject({ recorded: 3, dropped: 1, failedFlushes: 3 });
  });

  it("bounds the buffer: past maxBufferRows the oldest rows are dropped with a counted warning", async () => {
    const warnings: object[] = [];
    const logger = { ...silentLogger, warn: (obj: object) => void warnings.push(obj) };
    const { bus, store, feed } = setup({ flushRows: 1_000_000, maxBufferRows: 100, logger });
    for (let i = 0; i < 150; i++) bus.emit("job:queued", job(String(i), { runAt: T0 }));
    await feed.recorder.flush();
    expect(store.events.length).toBeLessThanOrEqual(100);
    expect(store.events.at(-1)!.subject).toBe("149");
    expect(warnings).toContainEqual({ dropped: 150 - store.events.length });
  });
});
