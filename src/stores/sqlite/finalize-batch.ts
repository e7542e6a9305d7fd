/**
 * @module stores/sqlite/finalize-batch
 * Statement family: the successes of api jobs in a finalize batch, as two statements for many
 * jobs instead of two per job (the attempt records, then the job updates), over a JSON array of
 * `[id, token, result]` triples (`json_each`, one rowid probe per element).
 *
 * Same effect as the per-job statements of `finalize.ts`, or nothing: the caller gives a run of
 * consecutive requests of one batch whose job ids are distinct, so no request of the run can
 * change another's row and their order within the run does not matter. Both statements run
 * under a savepoint with the per-job guard (`state = 'running' AND lease_token = ?`, and
 * `origin_kind = 'api'` for the update); unless every request of the run applied to both, the
 * savepoint is rolled back and the caller applies the run one request at a time, as before.
 * So a request that loses its race (lease lost, job already finished), or whose job is not an
 * api job after all, is decided exactly as the per-job path decides it.
 *
 * A result is taken only when it round-trips through a JSON string unchanged in SQLite
 * (`->>`): no NUL and no UTF-16 surrogate (a lone one would be re-encoded differently than the
 * driver binds it); any other result makes the request take the per-job path.
 */
import type Database from "better-sqlite3";
import type { FinalizeRequest } from "../../ports/job-store.js";

/** Shortest run worth the two statements and the savepoint; shorter runs go job by job. */
export const MIN_BATCHED_RUN = 4;

/** Results the JSON round trip could change (see the module notes). */
const UNSAFE_RESULT = /[\0\uD800-\uDFFF]/;

/** The result of a request the batched statements can take, else null. */
export function batchableResult(request: FinalizeRequest): string | null {
  const { outcome } = request;
  if (outcome.kind !== "succeeded" || request.originKind !== "api" || request.workerLost === true)
    return null;
  return UNSAFE_RESULT.test(outcome.resultJson) ? null : outcome.resultJson;
}

/** Thrown inside the savepoint to roll it back when not every request applied. */
class NotAllApplied extends Error {
  constructor() {
    super("not every request of the batched run applied");
  }
}

/**
 * Prepare the batched statements once. The returned function applies `[id, token, result]`
 * triples (distinct ids) and returns true when every one applied; false, with nothing
 * written, otherwise. Must run inside the finalize transaction.
 */
export function prepareSucceedApiRun(
  db: Database.Database,
): (triples: readonly (readonly [number, string, string])[], now: number) => boolean {
  // Contract: inputs now, now, a JSON array of [id, token, result]; for each element whose job is
  // running under the token, inserts the record of the attempt it ends (outcome succeeded,
  // as the per-job record statement of finalize.ts). Probes each job by rowid (json_each is
  // the outer loop) and its last seq through the job_attempts key.
  const record = db.prepare<[now: number, now: number, triples: string]>(
    `INSERT INTO job_attempts (job_id, seq, attempt, worker_id, started_at, finished_at, outcome,
                               error, duration_ms)
     SELECT jobs.id,
            COALESCE((SELECT a.seq FROM job_attempts AS a WHERE a.job_id = jobs.id
                       ORDER BY a.seq DESC LIMIT 1), 0) + 1,
            jobs.attempt, jobs.lease_owner, jobs.started_at, ?, 'succeeded', NULL,
            ? - jobs.started_at
       FROM json_each(?) AS r CROSS JOIN jobs NOT INDEXED
      WHERE jobs.id = r.value ->> 0 AND jobs.state = 'running'
        AND jobs.lease_token = r.value ->> 1`,
  );
  // Contract: inputs now, now, a JSON array of [id, token, result]; each element's api job running
  // under the token -> succeeded with that result, as finalize.ts's succeedApi: finished now,
  // lease and error cleared. Probes each job by rowid.
  const succeed = db.prepare<[now: number, now: number, triples: string]>(
    `UPDATE jobs NOT INDEXED
        SET state = 'succeeded', result = r.value ->> 2, error = NULL, finished_at = ?,
            updated_at = ?, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
       FROM json_each(?) AS r
      WHERE jobs.id = r.value ->> 0 AND jobs.state = 'running'
        AND jobs.lease_token = r.value ->> 1 AND jobs.origin_kind = 'api'`,
  );
  const run = db.transaction((json: string, count: number, now: number) => {
    if (record.run(now, now, json).changes !== count) throw new NotAllApplied();
    if (succeed.run(now, now, json).changes !== count) throw new NotAllApplied();
  });
  return (triples, now) => {
    try {
      run(JSON.stringify(triples), triples.length, now);
      return true;
    } catch (error) {
      if (error instanceof NotAllApplied) return false;
      throw error;
    }
  };
}
