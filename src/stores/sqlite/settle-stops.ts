/**
 * @module stores/sqlite/settle-stops
 * The SQLite ControlStore's sweeps that settle what would otherwise stay pending forever:
 * `failStopsOfEnded` (a job stop whose job ended, or was removed, before the stop reached it)
 * and `failOverdueStarts` (a start no worker began within the grace window).
 */
import type Database from "better-sqlite3";
import type { ControlRequest } from "../../core/control/types.js";
import {
  CONTROL_COLUMNS,
  endedBeforeStop,
  toControlRequest,
  type ControlDbRow,
} from "../control-row.js";
import { parseJobId } from "./arguments.js";
import type { JobRow } from "./job-row.js";

/** The transaction of `failStopsOfEnded` (see the port). */
export function prepareFailStopsOfEnded(
  db: Database.Database,
): Database.Transaction<(now: number, limit: number) => ControlRequest[]> {
  // Contract: pending job stops whose job is finished or gone, oldest first, with the job's
  // state (control_requests_pending_idx, then the jobs primary key).
  const ended = db.prepare<{ limit: number }, ControlDbRow & { job_state: string | null }>(
    `SELECT ${CONTROL_COLUMNS.split(", ")
      .map((c) => `r.${c}`)
      .join(", ")}, j.state AS job_state
       FROM control_requests r LEFT JOIN jobs j ON j.id = CAST(r.target_id AS INTEGER)
      WHERE r.status = 'pending' AND r.kind = 'stop' AND r.target_kind = 'job'
        AND (j.id IS NULL OR j.state IN ('succeeded', 'failed', 'cancelled', 'timed_out'))
      ORDER BY r.created_at LIMIT @limit`,
  );
  // Contract: a pending request becomes failed with its error.
  const fail = db.prepare<{ id: number; now: number; error: string }>(
    `UPDATE control_requests SET status = 'failed', resolved_at = @now, error = @error
      WHERE id = @id AND status = 'pending'`,
  );
  return db.transaction((now: number, limit: number) =>
    ended.all({ limit }).map((row) => {
      const error = endedBeforeStop(row.job_state);
      fail.run({ id: Number(row.id), now, error });
      return { ...toControlRequest(row), status: "failed" as const, resolvedAt: now, error };
    }),
  );
}

/** The transaction of `failOverdueStarts` (see the port). */
export function prepareFailOverdue(
  db: Database.Database,
): Database.Transaction<
  (before: number, now: number, error: string, limit: number) => ControlRequest[]
> {
  // Contract: pending starts asked at or before `before`, oldest first
  // (control_requests_pending_idx).
  const overdue = db.prepare<{ before: number; limit: number }, ControlDbRow>(
    `SELECT ${CONTROL_COLUMNS} FROM control_requests
      WHERE status = 'pending' AND kind = 'start' AND target_kind = 'job'
        AND created_at <= @before
      ORDER BY created_at LIMIT @limit`,
  );
  // Contract: a pending request becomes failed with its error.
  const failStart = db.prepare<{ id: number; now: number; error: string }>(
    `UPDATE control_requests SET status = 'failed', resolved_at = @now, error = @error
      WHERE id = @id AND status = 'pending'`,
  );
  // Contract: a queued (never claimed) job goes back to stopped (state-guarded).
  const unqueue = db.prepare<{ id: number; now: number }, JobRow>(
    `UPDATE jobs SET state = 'stopped', updated_at = @now
      WHERE id = @id AND state = 'queued'
      RETURNING *`,
  );
  // Contract: input a job id; its state, if the job exists.
  const stateOf = db.prepare<[number], { state: string }>("SELECT state FROM jobs WHERE id = ?");
  return db.transaction((before: number, now: number, error: string, limit: number) => {
    const failed: ControlRequest[] = [];
    for (const row of overdue.all({ before, limit })) {
      const jobId = parseJobId(row.target_id) ?? -1;
      // Running: a worker has it (its acknowledgement is on the way); anything else but
      // queued (cancelled, deleted) can no longer start either: the request fails.
      if (
        unqueue.get({ id: jobId, now }) === undefined &&
        stateOf.get(jobId)?.state === "running"
      ) {
        continue;
      }
      failStart.run({ id: Number(row.id), now, error });
      failed.push({ ...toControlRequest(row), status: "failed", resolvedAt: now, error });
    }
    return failed;
  });
}
