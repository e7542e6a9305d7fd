/**
 * @module stores/sqlite/cancel
 * Statement family: cancellation. One `BEGIN IMMEDIATE` transaction reads the job and applies
 * the one change its state allows:
 *
 *   scheduled, queued, retrying, stopped -> cancelled now (nothing runs it any more)
 *   running                              -> cancel_requested_at set (first request only); the
 *                                           worker sees it on its next heartbeat and finalizes
 *   succeeded, failed, cancelled, timed_out -> unchanged (already_finished)
 *
 * A job cancelled at once has reached a terminal state: the completion hook of its origin kind
 * (`completion-hooks.ts`) runs in the same transaction, after its UPDATE; a hook that throws
 * rolls the cancel back. A cancel request on a running job runs no hook (its worker's
 * finalization will).
 */
import type Database from "better-sqlite3";
import { isTerminal } from "../../core/jobs/states.js";
import type { CancelOutcome, JobErrorInfo } from "../../ports/job-store.js";
import { parseJobId } from "./arguments.js";
import type { CompletionHooks } from "./completion-hooks.js";
import { errorToJson, type JobRow, rowToJob } from "./job-row.js";

/** The error stored on a job cancelled before it ran. */
export const CANCELLED_BEFORE_RUN: JobErrorInfo = {
  name: "JobCancelledError",
  message: "cancelled before it ran",
  code: "JOB_CANCELLED",
};

/** Prepare the cancel statements once; the returned function cancels one job atomically. */
export function prepareCancel(
  db: Database.Database,
  hooks: CompletionHooks,
): (jobId: string, now: number) => CancelOutcome {
  // Contract: input a job id; the row, read under the write lock.
  const find = db.prepare<[number], JobRow>("SELECT * FROM jobs WHERE id = ?");

  // Contract: inputs id, now, error JSON; a job that is not running and not finished becomes
  // cancelled, finished now. Guarded by state so it can never touch a running or finished job.
  const cancelWaiting = db.prepare<{ id: number; now: number; error: string }, JobRow>(
    `UPDATE jobs
        SET state = 'cancelled', error = @error, finished_at = @now, updated_at = @now,
            lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
      WHERE id = @id AND state IN ('scheduled', 'queued', 'retrying', 'stopped')
      RETURNING *`,
  );

  // Contract: inputs id, now; marks a running job cancel-requested. Only the first request
  // sets the instant (cancel_requested_at IS NULL guard); later ones change nothing.
  const requestCancel = db.prepare<{ id: number; now: number }, JobRow>(
    `UPDATE jobs SET cancel_requested_at = @now, updated_at = @now
      WHERE id = @id AND state = 'running' AND cancel_requested_at IS NULL
      RETURNING *`,
  );

  const cancel = db.transaction((id: number, now: number): CancelOutcome => {
    const row = find.get(id);
    if (row === undefined) return { kind: "not_found" };
    const job = rowToJob(row);
    if (job.state === "running") {
      const updated = requestCancel.get({ id, now });
      return { kind: "cancel_requested", job: updated === undefined ? job : rowToJob(updated) };
    }
    if (isTerminal(job.state)) return { kind: "already_finished", job };
    const updated = cancelWaiting.get({ id, now, error: errorToJson(CANCELLED_BEFORE_RUN) });
    if (updated === undefined) throw new Error(`job ${id} in state ${job.state} was not cancelled`);
    const cancelled = rowToJob(updated);
    hooks.run({ id: cancelled.id, state: "cancelled", origin: cancelled.origin, finishedAt: now });
    return { kind: "cancelled", job: cancelled };
  });

  return (jobId, now) => {
    const id = parseJobId(jobId);
    return id === null ? { kind: "not_found" } : cancel.immediate(id, now);
  };
}
