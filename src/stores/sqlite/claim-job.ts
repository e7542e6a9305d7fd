/**
 * @module stores/sqlite/claim-job
 * Statement family: the claim of one job by id (`JobStore.claimJob`). One UPDATE guarded by
 * state, so it is atomic on its own; it sets what `claim`'s take sets (claim.ts), with a lease
 * token of the same form, `<random prefix>:<job id>`, and a runAt not after now.
 */
import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { ClaimJobRequest, StoredJob } from "../../ports/job-store.js";
import { parseJobId } from "./arguments.js";
import { type JobRow, rowToJob } from "./job-row.js";

interface TakeOneParams {
  id: number;
  workerId: string;
  token: string;
  leaseExpiresAt: number;
  now: number;
}

/** Prepare the statement once; the returned function takes the job, or returns null. */
export function prepareClaimJob(
  db: Database.Database,
): (request: ClaimJobRequest) => StoredJob | null {
  // Contract: inputs id and the lease; a scheduled, queued or retrying job becomes running
  // under the fresh lease (attempt + 1, started and updated now), any runAt (a later one
  // becomes now: it started now); every other column unchanged. No row (nothing written) for any other state. Probes the primary key.
  const take = db.prepare<TakeOneParams, JobRow>(
    `UPDATE jobs
        SET state = 'running', attempt = attempt + 1,
            lease_owner = @workerId, lease_token = @token,
            lease_expires_at = @leaseExpiresAt, started_at = @now, updated_at = @now,
            run_at = MIN(run_at, @now)
      WHERE id = @id AND state IN ('scheduled', 'queued', 'retrying')
      RETURNING *`,
  );
  return (request) => {
    const id = parseJobId(request.jobId);
    if (id === null) return null;
    const row = take.get({
      id,
      workerId: request.workerId,
      token: `${randomUUID()}:${id}`,
      leaseExpiresAt: request.now + request.leaseMs,
      now: request.now,
    });
    return row === undefined ? null : rowToJob(row);
  };
}
