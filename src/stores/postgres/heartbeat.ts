/**
 * @module stores/postgres/heartbeat
 * Statement family: lease renewal. One statement per heartbeat (atomic on its own).
 */
import type { HeartbeatOutcome } from "../../ports/job-store.js";
import { parseId } from "./arguments.js";
import type { PgDatabase } from "./database.js";

/**
 * Contract: inputs the worker id, (job id, lease token) pairs and the new expiry; extends the
 * lease of each job still running under that token AND owner (compare-and-set), and reports
 * which ones have a cancel request. A pair that matches no row is lost (finalized, reclaimed
 * after expiry, or never held). updated_at is left alone: a heartbeat is not a change of the
 * job. Row locks: the matched rows, for the statement.
 */
export async function heartbeat(
  db: PgDatabase,
  workerId: string,
  leases: readonly { jobId: string; leaseToken: string }[],
  now: number,
  leaseMs: number,
): Promise<HeartbeatOutcome> {
  if (leases.length === 0) return { lost: [], cancelRequested: [] };
  const valid = leases.flatMap((lease) => {
    const id = parseId(lease.jobId);
    return id === null ? [] : [{ id, token: lease.leaseToken }];
  });
  const kept = new Map<string, boolean>();
  if (valid.length > 0) {
    const { rows } = await db.query<{
      id: number;
      lease_token: string;
      cancel_requested_at: number | null;
    }>(
      `UPDATE ${db.s}.jobs AS j SET lease_expires_at = $3
         FROM unnest($1::bigint[], $2::text[]) AS r(id, token)
        WHERE j.id = r.id AND j.state = 'running' AND j.lease_token = r.token
          AND j.lease_owner = $4
        RETURNING j.id, j.lease_token, j.cancel_requested_at`,
      [valid.map((v) => v.id), valid.map((v) => v.token), now + leaseMs, workerId],
    );
    for (const row of rows) {
      kept.set(leaseKey(String(row.id), row.lease_token), row.cancel_requested_at !== null);
    }
  }
  const lost: string[] = [];
  const cancelRequested: string[] = [];
  for (const lease of leases) {
    const id = parseId(lease.jobId);
    const cancel = id === null ? undefined : kept.get(leaseKey(id, lease.leaseToken));
    if (cancel === undefined) lost.push(lease.jobId);
    else if (cancel) cancelRequested.push(lease.jobId);
  }
  return { lost, cancelRequested };
}

function leaseKey(id: string, token: string): string {
  return `${id}\u0000${token}`;
}
