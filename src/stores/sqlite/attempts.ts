/**
 * @module stores/sqlite/attempts
 * Statement family: reading a job's attempt history (`getAttempts`). The records are written by
 * `finalize.ts` (migration 6) and deleted with their job (ON DELETE CASCADE), which is how
 * retention deletes them.
 *
 * One statement, so one snapshot: the job's records through the job_attempts key, oldest first,
 * then its running attempt from the job row (by rowid, `NOT INDEXED`). An attempt that ends
 * meanwhile is either still running in that snapshot or already recorded, never both.
 */
import type Database from "better-sqlite3";
import type { StoredJobAttempt } from "../../ports/job-store.js";
import { ATTEMPT_COLUMNS, type AttemptRow, rowToAttempt } from "../attempt-row.js";
import { parseJobId } from "./arguments.js";

/** Prepare the read once; returns `getAttempts`. */
export function prepareAttempts(db: Database.Database): (jobId: string) => StoredJobAttempt[] {
  // Contract: inputs the job id twice; its attempt records in seq order, then, when it is running, one
  // row for the running attempt (outcome 'running', finished_at, error, duration_ms NULL).
  const select = db.prepare<[number, number], AttemptRow>(
    `SELECT ${ATTEMPT_COLUMNS} FROM (
       SELECT ${ATTEMPT_COLUMNS}, 0 AS part, seq FROM job_attempts WHERE job_id = ?
       UNION ALL
       SELECT id, attempt, lease_owner, started_at, NULL, 'running', NULL, NULL, 1, 0
         FROM jobs NOT INDEXED WHERE id = ? AND state = 'running' AND started_at IS NOT NULL
     ) ORDER BY part, seq`,
  );
  return (jobId) => {
    const id = parseJobId(jobId);
    return id === null ? [] : select.all(id, id).map(rowToAttempt);
  };
}
