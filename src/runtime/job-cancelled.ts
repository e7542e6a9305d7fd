/**
 * @module runtime/job-cancelled
 * The one way the runtime publishes that a job which never started was cancelled: by
 * `jobs.cancel` of a pending job, or by a pause, update or delete of its schedule that
 * cancelled its pre-fired job (ports/schedule-store, "Pre-fired jobs"). Everything that
 * follows cancels — the feed recorder, metrics, `kairos dev`, SSE subscribers, the scheduler
 * loop's `jobEnded` — listens to the `job:cancelled` bus event this emits.
 */
import type { EventBus } from "./event-bus.js";

/** The fields of a cancelled job that its announcement carries (a CancelledPrefire has them). */
export interface CancelledJob {
  readonly jobId: string;
  readonly fn: string;
  readonly attempt: number;
}

/**
 * Emit `job:cancelled` for each job, in order, stamped `at`. Guarantees the same event, with
 * the same fields, whichever path cancelled the job.
 */
export function announceCancelled(
  events: Pick<EventBus, "emit">,
  jobs: readonly CancelledJob[],
  at: number,
): void {
  for (const job of jobs) {
    events.emit("job:cancelled", { jobId: job.jobId, fn: job.fn, attempt: job.attempt, at });
  }
}
