/**
 * @module stores/postgres/progress
 * Statement family: progress reports of running jobs.
 */
import { parseId, pgText } from "./arguments.js";
import type { PgDatabase } from "./database.js";

/**
 * Contract: inputs id, lease token, percent, message, now; records progress only while the job
 * runs under that token (compare-and-set), so a worker that lost its lease cannot write. One
 * statement, atomic on its own. Returns whether it applied.
 */
export async function setProgress(
  db: PgDatabase,
  jobId: string,
  leaseToken: string,
  percent: number,
  message: string | null,
  now: number,
): Promise<boolean> {
  const id = parseId(jobId);
  if (id === null) return false;
  const { rowCount } = await db.query(
    `UPDATE ${db.s}.jobs
        SET progress_percent = $3, progress_message = $4, progress_at = $5, updated_at = $5
      WHERE id = $1 AND state = 'running' AND lease_token = $2`,
    [id, leaseToken, percent, message === null ? null : pgText(message), now],
  );
  return rowCount === 1;
}
