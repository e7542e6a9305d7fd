/**
 * @module runtime/duties/event-retention
 * The event feed's retention duty: while this process leads, delete feed events older than
 * the retention (default 1 day), in batches (one short transaction each) until a batch comes
 * back short or the signal aborts. Readers resuming from a deleted id get a `reset`.
 */
import type { EventFeedStore } from "../../ports/event-feed-store.js";
import type { Logger } from "../../ports/logger.js";
import type { LeaderDuty } from "../leader-duties.js";

/** Default retention of feed events: 1 day (about four events per job; jobs keep 7 days). */
export const EVENT_RETENTION_MS = 86_400_000;

/** What the duty is handed. */
export interface EventRetentionCapabilities {
  deleteEventsBefore: EventFeedStore["deleteEventsBefore"];
  /** How long events are kept, ms; null: forever (the duty does nothing). */
  readonly retentionMs: number | null;
  now(): number;
  readonly logger: Logger;
}

/** Create the duty; `intervalMs` default 10 minutes, `batchSize` default 10,000 rows. */
export function createEventRetentionDuty(
  caps: EventRetentionCapabilities,
  options: { readonly intervalMs?: number; readonly batchSize?: number } = {},
): LeaderDuty {
  const batchSize = options.batchSize ?? 10_000;
  return {
    name: "event-retention",
    intervalMs: options.intervalMs ?? 10 * 60_000,
    async run(signal) {
      if (caps.retentionMs === null) return;
      const before = caps.now() - caps.retentionMs;
      let deleted = 0;
      while (!signal.aborted) {
        const n = await caps.deleteEventsBefore(before, batchSize);
        deleted += n;
        if (n < batchSize) break;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (deleted > 0)
        caps.logger.info({ duty: "event-retention", deleted }, "deleted old feed events");
    },
  };
}
