/**
 * @module runtime/duties/start-grace
 * The leader's start-grace duty (docs/control.md): a start of a stopped job that no worker has
 * begun within the grace window (no live worker defines its function, all are busy for that
 * long, or the function is gone) fails visibly instead of waiting forever: the start request
 * is marked `failed` with the reason, the job goes back to `stopped`, and nothing retries it;
 * a new start may be asked once the cause is fixed. Each failed start is announced
 * (`control:resolved`, status `failed`) and its error written into the job's log (`job:log`), so `kairos
 * jobs logs ID` shows it beside the run's own lines.
 */
import type { ControlRequest, ControlStore } from "../../ports/control-store.js";
import type { JobStore } from "../../ports/job-store.js";
import { emitControlResolved } from "../control-events.js";
import { emitLogEvents, logSourceOf } from "../worker/log-events.js";
import type { EventBus } from "../event-bus.js";
import type { Logger } from "../../ports/logger.js";
import type { LeaderDuty } from "../leader-duties.js";

/** Default start grace window: a minute. */
export const START_GRACE_MS = 60_000;

/** Starts given up per pass at most; the next pass takes the rest. */
const BATCH = 100;

/** What the duty is handed. */
export interface StartGraceCapabilities {
  readonly control: Pick<ControlStore, "failOverdueStarts">;
  readonly graceMs: number;
  now(): number;
  readonly logger: Logger;
  /** Where `control:resolved` goes (absent: not emitted). */
  readonly events?: EventBus;
  /** The jobs of failed starts: their function for the event, and their log (absent: neither). */
  readonly jobs?: Pick<JobStore, "get" | "appendLogs">;
}

/** The message a failed start carries. */
export function startGraceError(graceMs: number): string {
  return (
    `no worker began the restarted job within the start grace window (${graceMs} ms): ` +
    `it stays stopped; check that a live worker defines its function, then start it again`
  );
}

/** The duty: looks for overdue starts every quarter of the window (at most every 5 s). */
export function createStartGraceDuty(caps: StartGraceCapabilities): LeaderDuty {
  const error = startGraceError(caps.graceMs);
  return {
    name: "start-grace",
    intervalMs: Math.max(50, Math.min(5_000, Math.floor(caps.graceMs / 4))),
    run: async () => {
      const now = caps.now();
      const failed = await caps.control.failOverdueStarts(now - caps.graceMs, now, error, BATCH);
      if (failed.length > 0) {
        await announceFailedStarts(caps, failed, now);
        caps.logger.warn(
          { jobs: failed.map((r) => r.targetId), graceMs: caps.graceMs },
          "starts failed: no worker began the jobs within the start grace window",
        );
      }
    },
  };
}

/**
 * Each failed start: its error appended to the job's log (level `error`, at the job's current
 * attempt) and `control:resolved` emitted. A failed read or write is logged, never thrown: the
 * requests are failed already.
 */
async function announceFailedStarts(
  caps: StartGraceCapabilities,
  failed: readonly ControlRequest[],
  now: number,
): Promise<void> {
  for (const request of failed) {
    try {
      const job = caps.jobs ? await caps.jobs.get(request.targetId) : null;
      if (job && caps.jobs) {
        const message = `start (generation ${request.generation}) failed: ${request.error ?? ""}`;
        await caps.jobs.appendLogs([
          { jobId: job.id, attempt: job.attempt, at: now, level: "error", message },
        ]);
        if (caps.events)
          emitLogEvents(caps.events, now, [{ jobId: job.id, ...logSourceOf(job), lines: 1 }]);
      }
      if (caps.events) emitControlResolved(caps.events, request, now, job?.fn);
    } catch (error) {
      caps.logger.warn({ err: error, job: request.targetId }, "failed start: could not report it");
    }
  }
}
