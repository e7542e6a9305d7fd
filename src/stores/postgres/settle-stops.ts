/**
 * @module stores/postgres/settle-stops
 * The PostgreSQL ControlStore's sweeps that settle what would otherwise stay pending forever:
 * `failStopsOfEnded` (a job stop whose job ended, or was removed, before the stop reached it)
 * and `failOverdueStarts` (a start no worker began within the grace window).
 */
import type { ControlRequest } from "../../core/control/types.js";
import {
  CONTROL_COLUMNS,
  endedBeforeStop,
  toControlRequest,
  type ControlDbRow,
} from "../control-row.js";
import type { PgDatabase } from "./database.js";
import { resolveRequestPg } from "./run-control.js";

/** Give up the starts no worker acknowledged in time (see ports/control-store). */
export async function failOverdueStartsPg(
  db: PgDatabase,
  askedBefore: number,
  now: number,
  error: string,
  limit: number,
): Promise<ControlRequest[]> {
  const { s } = db;
  // Contract: inputs (before, now, error, limit); one statement: the oldest pending starts
  // asked at or before `before` whose job is not running (a worker has a running one) are
  // failed with `error`, and those jobs still queued go back to stopped. Row locks on the
  // requests (SKIP LOCKED) keep two leaders from failing the same start twice.
  const { rows } = await db.query<ControlDbRow>(
    `WITH due AS (
           SELECT r.id, r.target_id FROM ${s}.control_requests r
             LEFT JOIN ${s}.jobs j ON j.id = r.target_id::bigint
            WHERE r.status = 'pending' AND r.kind = 'start' AND r.target_kind = 'job'
              AND r.created_at <= $1 AND (j.state IS NULL OR j.state <> 'running')
            ORDER BY r.created_at LIMIT $4
            FOR UPDATE OF r SKIP LOCKED
         ), unqueued AS (
           UPDATE ${s}.jobs j SET state = 'stopped', updated_at = $2
             FROM due WHERE j.id = due.target_id::bigint AND j.state = 'queued'
         )
         UPDATE ${s}.control_requests r SET status = 'failed', resolved_at = $2, error = $3
           FROM due WHERE r.id = due.id
         RETURNING ${CONTROL_COLUMNS.split(", ")
           .map((c) => `r.${c}`)
           .join(", ")}`,
    [askedBefore, now, error, limit],
  );
  return rows.map(toControlRequest);
}

/** Fail the stops that came too late (see ports/control-store `failStopsOfEnded`). */
export async function failStopsOfEndedPg(
  db: PgDatabase,
  now: number,
  limit: number,
): Promise<ControlRequest[]> {
  const { s } = db;
  // Contract: pending job stops whose job is finished or gone, oldest first, locked
  // (control_requests_pending_idx, then the jobs primary key); each marked failed with the
  // error the shared mapping words for the job's state (an array of texts, in order).
  const { rows } = await db.query<ControlDbRow & { job_state: string | null }>(
    `SELECT ${CONTROL_COLUMNS.split(", ")
      .map((c) => `r.${c}`)
      .join(", ")}, j.state AS job_state
       FROM ${s}.control_requests r LEFT JOIN ${s}.jobs j ON j.id = r.target_id::bigint
      WHERE r.status = 'pending' AND r.kind = 'stop' AND r.target_kind = 'job'
        AND (j.id IS NULL OR j.state IN ('succeeded', 'failed', 'cancelled', 'timed_out'))
      ORDER BY r.created_at LIMIT $1`,
    [limit],
  );
  const failed: ControlRequest[] = [];
  for (const row of rows) {
    const error = endedBeforeStop(row.job_state);
    if (await resolveRequestPg(db, String(row.id), "failed", error, now)) {
      failed.push({ ...toControlRequest(row), status: "failed", resolvedAt: now, error });
    }
  }
  return failed;
}
