/**
 * @module core/feed/buffer
 * The recorder's pending rows between two flushes: bounded, in arrival order, with a job's
 * progress coalesced (a `job:progress` replaces the job's earlier unflushed one, keeping the
 * later position, so only the latest progress per job per flush is written).
 */
import type { FeedRecord } from "./types.js";

/** A pending row: the record and the run whose workflow it still needs (or null). */
export interface PendingFeedRow {
  record: FeedRecord;
  readonly runId: string | null;
}

/** Pending feed rows; see the module header. */
export class FeedBuffer {
  private rows: (PendingFeedRow | null)[] = [];
  private live = 0;
  /** Index in `rows` of each job's pending progress row. */
  private readonly progress = new Map<string, number>();
  private dropped = 0;

  /**
   * @param maxRows the most rows held; pushing past it drops the oldest tenth (at least one
   * row, counted), so a store that stays slow costs amortized O(1) per push.
   */
  constructor(private readonly maxRows: number) {}

  /** Rows pending. */
  get size(): number {
    return this.live;
  }

  /** Add a row (coalescing progress by job); drops the oldest rows when full. */
  push(row: PendingFeedRow): void {
    if (row.record.name === "job:progress" && row.record.subject !== null) {
      const earlier = this.progress.get(row.record.subject);
      if (earlier !== undefined) {
        this.rows[earlier] = null;
        this.live--;
      }
      this.progress.set(row.record.subject, this.rows.length);
    }
    this.rows.push(row);
    this.live++;
    if (this.live > this.maxRows) this.dropOldest();
  }

  /** Take every pending row in order, leaving the buffer empty. */
  take(): PendingFeedRow[] {
    const taken = this.rows.filter((row): row is PendingFeedRow => row !== null);
    this.rows = [];
    this.live = 0;
    this.progress.clear();
    return taken;
  }

  /** How many rows were dropped for lack of room since the last call (and reset the count). */
  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  private dropOldest(): void {
    // Compact (drop coalesced holes), drop the oldest tenth, then re-index progress.
    const all = this.rows.filter((row): row is PendingFeedRow => row !== null);
    const drop = Math.max(1, Math.floor(this.maxRows / 10));
    const kept = all.slice(drop);
    this.dropped += all.length - kept.length;
    this.rows = kept;
    this.live = kept.length;
    this.progress.clear();
    kept.forEach((row, index) => {
      if (row.record.name === "job:progress" && row.record.subject !== null) {
        this.progress.set(row.record.subject, index);
      }
    });
  }
}
