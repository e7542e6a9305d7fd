/**
 * @module stores/sqlite/heartbeat
 * Statement family: lease renewal. One `BEGIN IMMEDIATE` transaction per heartbeat.
 */
import type Database from "better-sqlite3";
import type { HeartbeatOutcome } from "../../ports/job-store.js";
import { parseJobId } from "./arguments.js";

interface ExtendParams {
  id: number;
  token: string;
  workerId: string;
  leaseExpiresAt: number;
}

/** Prepare the heartbeat statement once; the returned function renews a batch of leases. */
export function prepareHeartbeat(
  db: Database.Database,
): (
  workerId: string,
  leases: readonly { jobId: string; leaseToken: string }[],
  now: number,
  leaseMs: number,
) => HeartbeatOutcome {
  // Contract: inputs job id, lease token, worker id and the new expiry; extends the lease only
  // while the job is running under that token and owner (compare-and-set), and returns whether
  // a cancel was requested. No row back means the lease is lost (finalized, reclaimed after
  // expiry, or never held). updated_at is left alone: a heartbeat is not a change of the job.
  const extend = db.prepare<ExtendParams, { cancel_requested_at: number | null }>(
    `UPDATE jobs SET lease_expires_at = @leaseExpiresAt
      WHERE id = @id AND state = 'running' AND lease_token = @token AND lease_owner = @workerId
      RETURNING cancel_requested_at`,
  );

  const batch = db.transaction(
    (
      workerId: string,
      leases: readonly { jobId: string; leaseToken: string }[],
      leaseExpiresAt: number,
    ): HeartbeatOutcome => {
      const lost: string[] = [];
      const cancelRequested: string[] = [];
      for (const lease of leases) {
        const id = parseJobId(lease.jobId);
        const row =
          id === null
            ? undefined
            : extend.get({ id, token: lease.leaseToken, workerId, leaseExpiresAt });
        if (row === undefined) lost.push(lease.jobId);
        else if (row.cancel_requested_at !== null) cancelRequested.push(lease.jobId);
      }
      return { lost, cancelRequested };
    },
  );

  return (workerId, leases, now, leaseMs) =>
    leases.length === 0
      ? { lost: [], cancelRequested: [] }
      : batch.immediate(workerId, leases, now + leaseMs);
}
