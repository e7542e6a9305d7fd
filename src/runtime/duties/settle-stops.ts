/**
 * @module runtime/duties/settle-stops
 * The leader's settle-stops duty (docs/control.md): a stop that reached its job too late (the
 * handler returned, failed or was cancelled before the stop was delivered) would stay pending
 * forever; this duty marks it `failed` with the reason ("the job ended succeeded before the stop
 * reached it"), so every request resolves and the job keeps the outcome it ended with. Each is
 * announced as `control:resolved` (status `failed`).
 */
import type { ControlStore } from "../../ports/control-store.js";
import type { Logger } from "../../ports/logger.js";
import { emitControlResolved } from "../control-events.js";
import type { EventBus } from "../event-bus.js";
import type { LeaderDuty } from "../leader-duties.js";

/** Stops settled per pass at most; the next pass takes the rest. */
const BATCH = 100;

/** What the duty is handed. */
export interface SettleStopsCapabilities {
  readonly control: Pick<ControlStore, "failStopsOfEnded">;
  now(): number;
  readonly logger: Logger;
  /** How often to look (ms). */
  readonly intervalMs: number;
  /** Where `control:resolved` goes (absent: not emitted). */
  readonly events?: EventBus;
}

/** The duty. */
export function createSettleStopsDuty(caps: SettleStopsCapabilities): LeaderDuty {
  return {
    name: "settle-stops",
    intervalMs: caps.intervalMs,
    run: async () => {
      const now = caps.now();
      const failed = await caps.control.failStopsOfEnded(now, BATCH);
      const events = caps.events;
      if (events) for (const r of failed) emitControlResolved(events, r, now);
      if (failed.length > 0) {
        caps.logger.info(
          { jobs: failed.map((r) => r.targetId) },
          "stops failed: their jobs ended before the stop reached them",
        );
      }
    },
  };
}
