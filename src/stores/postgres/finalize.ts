/**
 * @module stores/postgres/finalize
 * Statement family: finalization of running jobs, compare-and-set on (state, lease token).
 *
 * A batch is ONE statement (hence one transaction): an UPDATE joined to the requests unnested
 * from arrays, guarded by `state = 'running' AND lease_token = <the request's token>`, clearing
 * the lease. The first finalization under a token wins; any later one (a duplicate, a worker
 * whose lease expired and was reclaimed) matches no row. A concurrent finalization of the same
 * job waits for the row lock and then re-checks the guard on the new row version (READ
 * COMMITTED), so exactly one applies. That re-check (EvalPlanQual) covers only the UPDATE's own
 * WHERE clause, not the CTE, whose rows come from the statement's snapshot: the outer token
 * check is what rejects a job reclaimed between the snapshot and the row lock (pinned by
 * test/stores/postgres.finalize-reclaim.test.ts).
 *
 * Within a batch, requests apply as if one after the other: of several requests for one job,
 * only the first whose token matches the job's current lease applies (DISTINCT ON job, in
 * batch order, among the requests that match).
 *
 * Per outcome: succeeded (result), failed / timed_out / cancelled (error) are terminal and
 * finished now; retrying keeps the attempt, stores the error and the new run_at (finished_at
 * stays NULL); released hands the job back: queued, runnable now, attempt - 1, started_at
 * NULL. A released job wakes the schema's listeners (`pg_notify`) so another process can pick
 * it up at once.
 *
 * Attempt history (core/jobs/attempts, migration 6): the stage `attempts`, right after `done`,
 * inserts the record of each attempt `done` ended: attempt, worker and start from the job row
 * as `req` read it (the token guard makes that the same claim's row), finished now, the
 * request's outcome and error, and the job's next `seq` (one probe of the key). Still one
 * statement per batch. A succeeded job's error is cleared (earlier attempts' errors stay in
 * their records).
 *
 * Completion hooks: the UPDATE is the CTE `done`, returning each applied job's state and
 * origin; the registered hooks (`completion-hooks.ts`; the schedule store's `schedule` hook)
 * follow it as extra data-modifying CTE stages that read the jobs of their kind that `done`
 * moved to a terminal state. Still ONE statement and one round trip per batch, api jobs or
 * not: for a batch without a hooked job the stages find no input row and write nothing; for
 * one with, the owner's writes commit or roll back with the finalization. A hook's error aborts
 * the statement (the whole batch) and the call throws.
 */
import { attemptOutcomeOf } from "../../core/jobs/attempts.js";
import type { FinalizeRequest } from "../../ports/job-store.js";
import { parseId } from "./arguments.js";
import type { PgCompletionHooks } from "./completion-hooks.js";
import { exec, type PgDatabase, type Queryable } from "./database.js";
import { errorToJson } from "./job-row.js";

/** Apply a batch of finalizations atomically; returns, in order, whether each applied. */
export async function finalize(
  db: PgDatabase,
  hooks: PgCompletionHooks,
  requests: readonly FinalizeRequest[],
  now: number,
): Promise<boolean[]> {
  const applied = requests.map(() => false);
  const batch = toColumns(requests);
  if (batch.ids.length === 0) return applied;

  const rows = batch.releases
    ? await db.transaction(async (client) => {
        const applied = await applyBatch(client, db.s, hooks, batch, now);
        // Contract: wakes the schema's listeners at commit (a released job is runnable now).
        const released = applied.some((row) => batch.kinds[row.ord - 1] === "released");
        if (released) await exec(client, "SELECT pg_notify($1, 'release')", [db.channel]);
        return applied;
      })
    : await applyBatch(db.pool, db.s, hooks, batch, now);
  for (const row of rows) applied[batch.positions[row.ord - 1]!] = true;
  return applied;
}

/** A batch as the parallel arrays the statement unnests, and where each came from. */
interface Columns {
  ids: string[];
  tokens: string[];
  kinds: string[];
  results: (string | null)[];
  errors: (string | null)[];
  runAts: (number | null)[];
  /** How each request's attempt ended (core/jobs/attempts). */
  ended: string[];
  /** The index in the caller's requests of each entry. */
  positions: number[];
  /** Whether any request releases a job (the batch then notifies listeners). */
  releases: boolean;
}

/** The statement's columns for the requests with a well-formed job id (the others never apply). */
function toColumns(requests: readonly FinalizeRequest[]): Columns {
  const batch: Columns = {
    ids: [],
    tokens: [],
    kinds: [],
    results: [],
    errors: [],
    runAts: [],
    ended: [],
    positions: [],
    releases: false,
  };
  requests.forEach((request, index) => {
    const id = parseId(request.jobId);
    if (id === null) return;
    const outcome = request.outcome;
    let result: string | null = null;
    let error: string | null = null;
    let runAt: number | null = null;
    switch (outcome.kind) {
      case "succeeded":
        result = outcome.resultJson;
        break;
      case "failed":
      case "timed_out":
      case "cancelled":
        error = errorToJson(outcome.error);
        break;
      case "retrying":
        error = errorToJson(outcome.error);
        runAt = outcome.runAt;
        break;
      case "released":
        batch.releases = true;
        break;
      default: {
        const never: never = outcome;
        throw new Error(`unknown finalization ${JSON.stringify(never)}`);
      }
    }
    batch.ids.push(id);
    batch.tokens.push(request.leaseToken);
    batch.kinds.push(outcome.kind);
    batch.results.push(result);
    batch.errors.push(error);
    batch.runAts.push(runAt);
    batch.ended.push(attemptOutcomeOf(outcome, request.workerLost === true));
    batch.positions.push(index);
  });
  return batch;
}

/** Run the finalize statement on `client` (a transaction's client or the pool). */
async function applyBatch(
  client: Queryable | PgDatabase["pool"],
  s: string,
  hooks: PgCompletionHooks,
  batch: Columns,
  now: number,
): Promise<{ ord: number }[]> {
  const { ids, tokens, kinds, results, errors, runAts, ended } = batch;
  // Plan note: the expected state 'running' comes in as data (r.st), not a literal, so the
  // planner cannot match the partial "WHERE state = 'running'" indexes and walk them per
  // request (with stale statistics, and dead entries until vacuum, that made finalize
  // O(running rows) per job); it looks each job up by primary key.
  // Contract: inputs parallel arrays (id, token, kind, result, error, run_at, attempt outcome)
  // and now; applies each request whose job is running under its token (the first such per
  // job), as described in the module notes, records the attempt each one ended (`attempts`),
  // and runs the completion hooks of the jobs it finished (stages after `done`); returns the
  // ordinal (1-based) of each applied request.
  const { rows } = await exec<{ ord: number }>(
    client,
    `WITH req AS (
         SELECT DISTINCT ON (r.id) r.*, c.attempt AS c_attempt, c.lease_owner AS c_worker,
                c.started_at AS c_started
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                       $6::bigint[], $8::text[], $9::text[])
                WITH ORDINALITY AS r(id, token, kind, result, error, run_at, st, ended, ord)
           JOIN ${s}.jobs AS c ON c.id = r.id AND c.state = r.st AND c.lease_token = r.token
          ORDER BY r.id, r.ord
       ),
       done AS (
       UPDATE ${s}.jobs AS j
          SET state = CASE r.kind WHEN 'released' THEN 'queued' ELSE r.kind END,
              result = CASE r.kind WHEN 'succeeded' THEN r.result ELSE j.result END,
              error = CASE r.kind WHEN 'succeeded' THEN NULL ELSE COALESCE(r.error, j.error) END,
              finished_at = CASE WHEN r.kind IN ('succeeded', 'failed', 'timed_out', 'cancelled')
                                 THEN $7 ELSE j.finished_at END,
              run_at = CASE r.kind WHEN 'retrying' THEN r.run_at
                                   WHEN 'released' THEN $7 ELSE j.run_at END,
              attempt = CASE r.kind WHEN 'released' THEN j.attempt - 1 ELSE j.attempt END,
              started_at = CASE r.kind WHEN 'released' THEN NULL ELSE j.started_at END,
              updated_at = $7,
              lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
         FROM req AS r
        WHERE j.id = r.id AND j.state = r.st AND j.lease_token = r.token
        RETURNING r.ord, j.id, j.state, j.origin_kind, j.origin_id, j.origin_key, j.finished_at,
                  j.updated_at, r.c_attempt, r.c_worker, r.c_started, r.ended,
                  r.error AS attempt_error
       ),
       attempts AS (
       INSERT INTO ${s}.job_attempts (job_id, seq, attempt, worker_id, started_at, finished_at,
                                      outcome, error, duration_ms)
       SELECT d.id,
              COALESCE((SELECT max(a.seq) FROM ${s}.job_attempts AS a WHERE a.job_id = d.id), 0)
                + 1,
              d.c_attempt, d.c_worker, COALESCE(d.c_started, $7), $7, d.ended, d.attempt_error,
              $7 - COALESCE(d.c_started, $7)
         FROM done AS d
       )${hooks.ctes(s, "done")}
       SELECT ord FROM done`,
    [ids, tokens, kinds, results, errors, runAts, now, ids.map(() => "running"), ended],
  );
  return rows;
}
