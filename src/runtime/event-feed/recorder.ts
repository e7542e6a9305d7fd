/**
 * @module runtime/event-feed/recorder
 * Records this engine's bus events (jobs, schedules, runs, leadership) into the store's event
 * feed. Best effort and never in the engine's way: events are buffered (bounded; the oldest
 * are dropped, counted, when the store falls behind) and written in one `appendEvents` at most
 * `flushMs` after the oldest buffered event, sooner once `flushRows` are buffered, but then no
 * sooner than `minGapMs` after the previous append ended (a store whose every append is a
 * commit flushed to disk asks for a gap: fewer, larger appends; an event still waits at most
 * `flushMs`, plus an append in progress). One append at a time. A failed flush keeps its rows
 * for the next attempt once, then drops them with a `worker:error` (where `event-feed`).
 * `stop()` unsubscribes and flushes what remains.
 */
import { FeedBuffer, type PendingFeedRow } from "../../core/feed/buffer.js";
import {
  FEED_EVENT_NAMES,
  feedRecordOf,
  withWorkflow,
  type FeedSourceEvent,
} from "../../core/feed/record.js";
import type { FeedRecord } from "../../core/feed/types.js";
import type { Clock, TimerHandle } from "../../ports/clock.js";
import type { EventFeedStore } from "../../ports/event-feed-store.js";
import type { KairosEventMap, KairosEventName, KairosListener } from "../../ports/events.js";
import type { Logger } from "../../ports/logger.js";
import { setUnrefTimer } from "./timers.js";

/** What the recorder listens to and reports on: an EventBus, or anything with its `on`. */
export interface FeedBus {
  on<E extends KairosEventName>(name: E, listener: KairosListener<E>): () => void;
  /** Where a dropped batch is reported as `worker:error` (optional). */
  emit?<E extends KairosEventName>(name: E, event: KairosEventMap[E]): void;
}

/** What the recorder needs. */
export interface RecorderDeps {
  readonly store: EventFeedStore;
  readonly bus: FeedBus;
  readonly clock: Clock;
  /** This process's worker id, recorded on every row. */
  readonly instance: string;
  readonly logger: Logger;
  /** Flush at most this long after the first buffered event, ms (default 20). */
  readonly flushMs?: number;
  /** Flush as soon as this many rows are buffered (default 100), subject to `minGapMs`. */
  readonly flushRows?: number;
  /**
   * A flush triggered by `flushRows` starts no sooner than this long after the previous append
   * ended, ms (default: the store's `appendGapMs`, else 0). Never delays past `flushMs`.
   */
  readonly minGapMs?: number;
  /** The most rows buffered; past it the oldest are dropped (default 10,000). */
  readonly maxBufferRows?: number;
  /** The workflow of a run, for the jobs of workflow tasks whose run this process did not see. */
  readonly workflowOfRun?: (runId: string) => Promise<string | null>;
  /** Called after each successful append (wakes this process's feed readers). */
  readonly flushed?: () => void;
}

/** Counters of a recorder. */
export interface RecorderStats {
  readonly recorded: number;
  readonly dropped: number;
  readonly failedFlushes: number;
}

/** The recorder's handle: start listening, flush now, stop (flushes what remains). */
export interface FeedRecorder {
  /** Subscribe to the bus (idempotent). */
  start(): void;
  /** Write what is buffered now; resolves when done. Never rejects. */
  flush(): Promise<void>;
  /** Unsubscribe, then flush what remains (retrying a failed batch once). Idempotent. */
  stop(): Promise<void>;
  stats(): RecorderStats;
}

const MAX_KNOWN_RUNS = 1_000;

/** A recorder over a store; see the module header. */
export function createFeedRecorder(deps: RecorderDeps): FeedRecorder {
  return new Recorder(deps);
}

class Recorder implements FeedRecorder {
  private readonly buffer: FeedBuffer;
  private readonly flushMs: number;
  private readonly flushRows: number;
  private readonly minGapMs: number;
  /** When the oldest buffered row arrived (clock ms), null when the buffer is empty. */
  private firstAt: number | null = null;
  /** When the armed timer fires (clock ms). */
  private dueAt = 0;
  /** When the last append ended (clock ms). */
  private lastEnd = Number.NEGATIVE_INFINITY;
  private flushing = false;
  /** Rows whose append failed once: retried with the next flush, then dropped. */
  private carried: FeedRecord[] = [];
  private readonly runs = new Map<string, string>();
  private offs: (() => void)[] = [];
  private timer: TimerHandle | null = null;
  private tail: Promise<void> = Promise.resolve();
  private pending: Promise<void> | null = null;
  private state: "idle" | "running" | "stopped" = "idle";
  private stopping: Promise<void> | null = null;
  private counts = { recorded: 0, dropped: 0, failedFlushes: 0 };

  constructor(private readonly deps: RecorderDeps) {
    this.buffer = new FeedBuffer(deps.maxBufferRows ?? 10_000);
    this.flushMs = deps.flushMs ?? 20;
    this.flushRows = deps.flushRows ?? 100;
    this.minGapMs = Math.max(0, deps.minGapMs ?? deps.store.appendGapMs ?? 0);
  }

  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    for (const name of FEED_EVENT_NAMES) {
      this.offs.push(
        this.deps.bus.on(name, (event) => this.record(name, event as unknown as FeedSourceEvent)),
      );
    }
  }

  stats(): RecorderStats {
    return { ...this.counts };
  }

  flush(): Promise<void> {
    if (this.pending) return this.pending;
    const run = this.tail
      .then(async () => {
        this.pending = null;
        await this.flushOnce();
      })
      .catch((error: unknown) => {
        this.deps.logger.error({ err: error }, "event feed: flush failed unexpectedly");
      });
    this.pending = run;
    this.tail = run;
    return run;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = "stopped";
      for (const off of this.offs) off();
      this.offs = [];
      this.timer?.cancel();
      this.timer = null;
      await this.flush();
      if (this.carried.length > 0) await this.flush();
    })();
    return this.stopping;
  }

  private record(name: (typeof FEED_EVENT_NAMES)[number], event: FeedSourceEvent): void {
    if (this.state !== "running") return;
    const { record, runId } = feedRecordOf(name, event, this.deps.instance);
    if (record.kind === "run" && runId !== null && record.workflow !== null) {
      this.remember(runId, record.workflow);
    }
    const row: PendingFeedRow =
      (record.kind === "job" || record.kind === "control") && runId !== null
        ? this.runs.has(runId)
          ? { record: withWorkflow(record, this.runs.get(runId) ?? null), runId: null }
          : { record, runId }
        : { record, runId: null };
    this.buffer.push(row);
    this.firstAt ??= this.deps.clock.now();
    this.arm();
  }

  /**
   * Flush now or arm the timer for when the buffer is due: `flushMs` after its oldest row, or,
   * with `flushRows` buffered, `minGapMs` after the last append ended, whichever is sooner.
   * While an append runs nothing is armed: its end calls `arm` again.
   */
  private arm(): void {
    if (this.state === "stopped" || this.flushing) return;
    if (this.buffer.size === 0 && this.carried.length === 0) return;
    const now = this.deps.clock.now();
    let due = (this.firstAt ?? now) + this.flushMs;
    if (this.buffer.size >= this.flushRows) due = Math.min(due, this.lastEnd + this.minGapMs);
    if (due <= now) {
      this.timer?.cancel();
      this.timer = null;
      void this.flush();
      return;
    }
    if (this.timer && this.dueAt <= due) return;
    this.timer?.cancel();
    this.dueAt = due;
    this.timer = setUnrefTimer(this.deps.clock, due - now, () => {
      this.timer = null;
      void this.flush();
    });
  }

  private async flushOnce(): Promise<void> {
    this.timer?.cancel();
    this.timer = null;
    this.flushing = true;
    try {
      await this.appendBuffered();
    } finally {
      this.flushing = false;
      this.lastEnd = this.deps.clock.now();
    }
    this.arm();
  }

  private async appendBuffered(): Promise<void> {
    const dropped = this.buffer.takeDropped();
    if (dropped > 0) {
      this.counts.dropped += dropped;
      this.deps.logger.warn(
        { dropped },
        `event feed: buffer full (the store is slow), dropped the ${dropped} oldest events`,
      );
    }
    const carried = this.carried;
    this.firstAt = null;
    const fresh = await this.resolve(this.buffer.take());
    this.carried = [];
    if (carried.length + fresh.length === 0) return;
    try {
      await this.deps.store.appendEvents([...carried, ...fresh]);
      this.counts.recorded += carried.length + fresh.length;
    } catch (error) {
      this.failed(error, carried.length, fresh);
      return;
    }
    this.deps.flushed?.();
  }

  private failed(error: unknown, droppedCount: number, fresh: FeedRecord[]): void {
    this.counts.failedFlushes++;
    this.carried = fresh;
    if (droppedCount === 0) {
      this.deps.logger.warn(
        { err: error, rows: fresh.length },
        "event feed: writing events failed; retrying them with the next batch",
      );
      return;
    }
    this.counts.dropped += droppedCount;
    this.deps.logger.error(
      { err: error, dropped: droppedCount },
      `event feed: writing events failed twice; dropped ${droppedCount} events`,
    );
    this.deps.bus.emit?.("worker:error", {
      error,
      at: this.deps.clock.now(),
      where: "event-feed",
    });
  }

  /** The records of `rows`, with the workflow of each workflow task's job filled in. */
  private async resolve(rows: PendingFeedRow[]): Promise<FeedRecord[]> {
    const lookup = this.deps.workflowOfRun;
    const missing = new Set<string>();
    for (const row of rows) {
      if (row.runId !== null && !this.runs.has(row.runId)) missing.add(row.runId);
    }
    if (lookup && missing.size > 0) {
      await Promise.all(
        [...missing].map(async (runId) => {
          const workflow = await lookup(runId).catch(() => null);
          if (workflow !== null) this.remember(runId, workflow);
        }),
      );
    }
    return rows.map((row) =>
      row.runId === null ? row.record : withWorkflow(row.record, this.runs.get(row.runId) ?? null),
    );
  }

  private remember(runId: string, workflow: string): void {
    if (this.runs.size >= MAX_KNOWN_RUNS && !this.runs.has(runId)) {
      const oldest = this.runs.keys().next();
      if (!oldest.done) this.runs.delete(oldest.value);
    }
    this.runs.set(runId, workflow);
  }
}
