/**
 * @module runtime/worker/log-events
 * `job:log` announcements: who a logged line belongs to (its function, its workflow run) and
 * the one event per job of a written batch.
 */
import { workflowRunOf } from "../../core/feed/record.js";
import type { JobOrigin } from "../../core/jobs/origin.js";
import type { EventBus } from "../event-bus.js";
import type { Clock } from "../../ports/clock.js";
import type { JobLogLine } from "../../ports/job-store.js";
import { LogBuffer, type LogBatchShare, type LogSource } from "./log-buffer.js";

/** The source of a job's lines: its function and, for a workflow task's job, its run. */
export function logSourceOf(job: { readonly fn: string; readonly origin: JobOrigin }): LogSource {
  return { fn: job.fn, runId: workflowRunOf(job.origin) };
}

/** Emit one `job:log` per share of a written batch, all at `at`. */
export function emitLogEvents(
  events: Pick<EventBus, "emit">,
  at: number,
  shares: readonly LogBatchShare[],
): void {
  for (const share of shares) {
    events.emit("job:log", {
      jobId: share.jobId,
      fn: share.fn,
      ...(share.runId === null ? {} : { runId: share.runId }),
      lines: share.lines,
      at,
    });
  }
}

/** A LogBuffer writing to `store` that emits `job:log` after each written batch. */
export function announcedLogBuffer(
  store: { appendLogs(lines: readonly JobLogLine[]): Promise<void> },
  events: Pick<EventBus, "emit">,
  clock: Pick<Clock, "now">,
  reportError: (error: unknown) => void,
): LogBuffer {
  return new LogBuffer(
    (lines) => store.appendLogs(lines),
    reportError,
    (shares) => emitLogEvents(events, clock.now(), shares),
  );
}
