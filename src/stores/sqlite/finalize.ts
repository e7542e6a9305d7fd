/**
 * @module stores/sqlite/finalize
 * Statement family: finalization of running jobs, compare-and-set on (state, lease token).
 *
 * Every statement here is guarded by `WHERE id = ? AND state = 'running' AND lease_token = ?`
 * and clears the lease, so the first finalization under a token wins and any later one (a
 * duplicate, or a worker whose lease expired and was reclaimed) changes nothing. A batch runs
 * in one `BEGIN IMMEDIATE` transaction.
 */
import type Database from "better-sqlite3";
import type { FinalizeRequest } from "../../ports/job-store.js";
import { parseJobId } from "./arguments.js";
import { errorToJson } from "./job-row.js";

interface Guard {
  id: number;
  token: string;
  now: number;
}

/** Prepare the finalize statements once; the returned function applies a batch atomically. */
export function prepareFinalize(
  db: Database.Database,
): (requests: readonly FinalizeRequest[], now: number) => boolean[] {
  // Contract: input the result JSON; running -> succeeded, finished now, lease cleared. The
  // last error (of an earlier attempt) is kept.
  const succeed = db.prepare<Guard & { result: string }>(
    `UPDATE jobs
        SET state = 'succeeded', result = @result, finished_at = @now, updated_at = @now,
            lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
      WHERE id = @id AND state = 'running' AND lease_token = @token`,
  );

  // Contract: input a terminal state (failed, timed_out, cancelled) and the error JSON;
  // running -> that state, finished now, lease cleared.
  const finish = db.prepare<Guard & { state: string; error: string }>(
    `UPDATE jobs
        SET state = @state, error = @error, finished_at = @now, updated_at = @now,
            lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
      WHERE id = @id AND state = 'running' AND lease_token = @token`,
  );

  // Contract: input the error JSON and the next run_at; running -> retrying, due at runAt,
  // lease cleared, finished_at stays NULL. The attempt count is kept (it counts started attempts).
  const retry = db.prepare<Guard & { error: string; runAt: number }>(
    `UPDATE jobs
        SET state = 'retrying', error = @error, run_at = @runAt, updated_at = @now,
            lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
      WHERE id = @id AND state = 'running' AND lease_token = @token`,
  );

  // Contract: running -> queued, runnable now, the attempt not counted (attempt - 1,
  // started_at NULL), lease cleared. Used to hand work back at shutdown.
  const release = db.prepare<Guard>(
    `UPDATE jobs
        SET state = 'queued', attempt = attempt - 1, run_at = @now, started_at = NULL,
            updated_at = @now, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
      WHERE id = @id AND state = 'running' AND lease_token = @token`,
  );

  const apply = (request: FinalizeRequest, now: number): boolean => {
    const id = parseJobId(request.jobId);
    if (id === null) return false;
    const guard: Guard = { id, token: request.leaseToken, now };
    const outcome = request.outcome;
    let changes: number;
    switch (outcome.kind) {
      case "succeeded":
        changes = succeed.run({ ...guard, result: outcome.resultJson }).changes;
        break;
      case "failed":
      case "timed_out":
      case "cancelled":
        changes = finish.run({
          ...guard,
          state: outcome.kind,
          error: errorToJson(outcome.error),
        }).changes;
        break;
      case "retrying":
        changes = retry.run({
          ...guard,
          error: errorToJson(outcome.error),
          runAt: outcome.runAt,
        }).changes;
        break;
      case "released":
        changes = release.run(guard).changes;
        break;
      default: {
        const never: never = outcome;
        throw new Error(`unknown finalization ${JSON.stringify(never)}`);
      }
    }
    return changes === 1;
  };

  const batch = db.transaction((requests: readonly FinalizeRequest[], now: number) =>
    requests.map((request) => apply(request, now)),
  );

  return (requests, now) => (requests.length === 0 ? [] : batch.immediate(requests, now));
}
