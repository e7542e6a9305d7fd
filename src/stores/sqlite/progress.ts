/**
 * @module stores/sqlite/progress
 * Statement family: progress reports of running jobs.
 */
import type Database from "better-sqlite3";
import { parseJobId } from "./arguments.js";

interface ProgressParams {
  id: number;
  token: string;
  percent: number;
  message: string | null;
  now: number;
}

/** Prepare the progress statement once; the returned function records progress. */
export function prepareSetProgress(
  db: Database.Database,
): (
  jobId: string,
  leaseToken: string,
  percent: number,
  message: string | null,
  now: number,
) => boolean {
  // Contract: inputs id, lease token, percent, message, now; records progress only while the
  // job runs under that token (compare-and-set), so a worker that lost its lease cannot write.
  // A single statement, atomic on its own.
  const update = db.prepare<ProgressParams>(
    `UPDATE jobs
        SET progress_percent = @percent, progress_message = @message, progress_at = @now,
            updated_at = @now
      WHERE id = @id AND state = 'running' AND lease_token = @token`,
  );

  return (jobId, leaseToken, percent, message, now) => {
    const id = parseJobId(jobId);
    if (id === null) return false;
    return update.run({ id, token: leaseToken, percent, message, now }).changes === 1;
  };
}
