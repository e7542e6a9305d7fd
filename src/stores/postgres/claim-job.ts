/**
 * @module stores/postgres/claim-job
 * Statement family: the claim of one job by id (`JobStore.claimJob`). One UPDATE guarded by
 * state (the row lock it takes serializes it with any claim, finalization or cancel of the
 * job), setting what `claim`'s take sets (claim.ts) and a runAt not after now.
 */
import { randomUUID } from "node:crypto";
import type { ClaimJobRequest, StoredJob } from "../../ports/job-store.js";
import { parseId } from "./arguments.js";
import { exec, type PgDatabase } from "./database.js";
import { type JobRow, jobColumns, rowToJob } from "./job-row.js";

/** Take the job, or return null; see the module notes. */
export async function claimJob(
  db: PgDatabase,
  request: ClaimJobRequest,
): Promise<StoredJob | null> {
  const id = parseId(request.jobId);
  if (id === null) return null;
  // Contract: inputs id and the lease; a scheduled, queued or retrying job becomes running
  // under a fresh lease (attempt + 1, started and updated now), any runAt (a later one becomes
  // now: it started now). No row otherwise.
  // Probes the primary key.
  const { rows } = await exec<JobRow>(
    db.pool,
    `UPDATE ${db.s}.jobs
        SET state = 'running', attempt = attempt + 1, lease_owner = $2, lease_token = $3,
            lease_expires_at = $4, started_at = $5, updated_at = $5,
            run_at = LEAST(run_at, $5)
      WHERE id = $1::bigint AND state IN ('scheduled', 'queued', 'retrying')
      RETURNING ${jobColumns()}`,
    [id, request.workerId, randomUUID(), request.now + request.leaseMs, request.now],
  );
  const row = rows[0];
  return row === undefined ? null : rowToJob(row);
}
