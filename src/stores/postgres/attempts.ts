/**
 * @module stores/postgres/attempts
 * Statement family: reading a job's attempt history (`getAttempts`). The records are written by
 * a stage of the finalize statement (`finalize.ts`, migration 6) and deleted by retention in
 * the statement that deletes their job (`retention.ts`).
 *
 * One statement, so one snapshot: the job's records through the job_attempts key, oldest first,
 * then its running attempt from the job row (by primary key). An attempt that ends meanwhile is
 * either still running in that snapshot or already recorded, never both.
 */
import type { StoredJobAttempt } from "../../ports/job-store.js";
import { ATTEMPT_COLUMNS, type AttemptRow, rowToAttempt } from "../attempt-row.js";
import { parseId } from "./arguments.js";
import type { PgDatabase } from "./database.js";

/**
 * Contract: input a job id; its attempt records in seq order, then, when it is running, one row
 * for the running attempt (outcome 'running', finished_at, error, duration_ms NULL).
 */
export async function getAttempts(db: PgDatabase, jobId: string): Promise<StoredJobAttempt[]> {
  const id = parseId(jobId);
  if (id === null) return [];
  const { rows } = await db.query<AttemptRow>(
    `SELECT ${ATTEMPT_COLUMNS} FROM (
       SELECT ${ATTEMPT_COLUMNS}, 0 AS part, seq FROM ${db.s}.job_attempts WHERE job_id = $1
       UNION ALL
       SELECT id, attempt, lease_owner, started_at, NULL::bigint, 'running', NULL::text,
              NULL::bigint, 1, 0
         FROM ${db.s}.jobs WHERE id = $1 AND state = 'running' AND started_at IS NOT NULL
     ) AS a ORDER BY part, seq`,
    [id],
  );
  return rows.map(rowToAttempt);
}
