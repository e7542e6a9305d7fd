/**
 * @module runtime/worker/progress
 * A handler's `ctx.progress(...)`: stored on the job (guarded by its lease token, errors
 * reported, never thrown into the handler) and emitted as `job:progress`. A report the store
 * refuses (the run no longer owns the job) is a `job:stale_report`.
 */
import { emitStaleReport } from "../control-events.js";
import type { Clock } from "../../ports/clock.js";
import type { ClaimedJob } from "../../ports/job-store.js";
import type { EventBus } from "../event-bus.js";
import type { WorkerPoolStore } from "./options.js";

/** Store and emit one progress report of `job`. */
export function reportProgress(
  caps: { readonly store: WorkerPoolStore; readonly events: EventBus; readonly clock: Clock },
  job: ClaimedJob,
  percent: number,
  message: string | null,
  generation: number,
  reportError: (error: unknown) => void,
): void {
  const now = caps.clock.now();
  caps.store.setProgress(job.id, job.leaseToken, percent, message, now).then((stored) => {
    if (!stored) emitStaleReport(caps.events, job, "progress", generation, now);
  }, reportError);
  caps.events.emit("job:progress", {
    jobId: job.id,
    fn: job.fn,
    attempt: job.attempt,
    at: now,
    percent,
    message,
  });
}
