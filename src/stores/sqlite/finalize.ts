/**
 * @module stores/sqlite/finalize
 * Statement family: finalization of running jobs, compare-and-set on (state, lease token).
 *
 * Every statement here is guarded by `WHERE id = ? AND state = 'running' AND lease_token = ?`
 * and clears the lease, so the first finalization under a token wins and any later one (a
 * duplicate, or a worker whose lease expired and was reclaimed) changes nothing. A batch runs
 * in one `BEGIN IMMEDIATE` transaction, one UPDATE per job; each finds its row by rowid
 * (`NOT INDEXED`: never through a state index). Runs of consecutive api successes (distinct
 * jobs, at least MIN_BATCHED_RUN) are written with two statements for the whole run instead
 * (stores/sqlite/finalize-batch), under a savepoint that keeps them only when every request of
 * the run applied; otherwise the run goes one request at a time, as described here.
 *
 * Completion hooks: the two terminal statements (succeed, finish) return the job's origin
 * (`RETURNING origin_kind, origin_id, origin_key`, raw); for a job whose kind is not `api` the
 * hook of its kind (`completion-hooks.ts`) runs right after its UPDATE, inside the batch's
 * transaction — a hook that throws rolls the whole batch back. An api job costs only the
 * three returned columns. Retry and release are not terminal and run no hook.
 *
 * Attempt history (core/jobs/attempts, migration 6): before its UPDATE, each request inserts
 * the record of the attempt it ends with `INSERT ... SELECT` from the job row under the same
 * guard (attempt, worker and start as the claim wrote them; the next `seq` is one probe of the
 * key). A request whose guard fails inserts nothing and skips its UPDATE; one whose insert
 * applied is then applied by its UPDATE (same guard, same write lock). A succeeded job's error
 * is cleared (earlier attempts' errors stay in their records).
 *
 * Parameters are positional, guard last (`... id, token`): binding named parameters costs
 * better-sqlite3 a property lookup each, and with the object built per job that was about 1 µs
 * of the 4 µs a finalization costs in a batch of 100.
 */
import type Database from "better-sqlite3";
import { attemptErrorOf, attemptOutcomeOf } from "../../core/jobs/attempts.js";
import type { FinalizeRequest } from "../../ports/job-store.js";
import { toOrigin } from "../job-row.js";
import { parseJobId } from "./arguments.js";
import type { CompletionHooks, FinishedJob } from "./completion-hooks.js";
import { batchableResult, MIN_BATCHED_RUN, prepareSucceedApiRun } from "./finalize-batch.js";
import { errorToJson } from "./job-row.js";

/** The origin columns a terminal UPDATE returns (raw mode). */
type OriginTuple = [kind: string, id: string | null, key: string | null];

/** Prepare the finalize statements once; the returned function applies a batch atomically. */
export function prepareFinalize(
  db: Database.Database,
  hooks: CompletionHooks,
): (requests: readonly FinalizeRequest[], now: number) => boolean[] {
  const { succeed, finish, succeedApi } = prepareTerminal(db);
  const { retry, release } = prepareNonTerminal(db);
  const record = prepareAttemptRecord(db);

  // Tell the owner of a finished job's kind (api jobs: nothing to do).
  const finished = (
    id: number,
    state: FinishedJob["state"],
    origin: OriginTuple | undefined,
    now: number,
  ): boolean => {
    if (origin === undefined) return false;
    if (origin[0] !== "api") {
      hooks.run({
        id: String(id),
        state,
        origin: toOrigin(id, origin[0], origin[1], origin[2]),
        finishedAt: now,
      });
    }
    return true;
  };

  const apply = (request: FinalizeRequest, now: number): boolean => {
    const id = parseJobId(request.jobId);
    if (id === null) return false;
    const token = request.leaseToken;
    const outcome = request.outcome;
    const error = attemptErrorOf(outcome);
    const ended = attemptOutcomeOf(outcome, request.workerLost === true);
    const errorJson = error === null ? null : errorToJson(error);
    if (record.run(now, ended, errorJson, now, id, token).changes !== 1) return false;
    switch (outcome.kind) {
      case "succeeded":
        // A job the caller says is api: the plain UPDATE (it re-checks the origin, so a wrong
        // hint falls back to the statement that runs the hook).
        if (
          request.originKind === "api" &&
          succeedApi.run(outcome.resultJson, now, now, id, token).changes === 1
        ) {
          return true;
        }
        return finished(id, "succeeded", succeed.get(outcome.resultJson, now, now, id, token), now);
      case "failed":
      case "timed_out":
      case "cancelled":
        return finished(
          id,
          outcome.kind,
          finish.get(outcome.kind, errorJson ?? errorToJson(outcome.error), now, now, id, token),
          now,
        );
      case "retrying":
        return (
          retry.run(errorJson ?? errorToJson(outcome.error), outcome.runAt, now, id, token)
            .changes === 1
        );
      case "released":
        return release.run(now, now, id, token).changes === 1;
      default: {
        const never: never = outcome;
        throw new Error(`unknown finalization ${JSON.stringify(never)}`);
      }
    }
  };

  const succeedApiRun = prepareSucceedApiRun(db);
  const batch = db.transaction((requests: readonly FinalizeRequest[], now: number) =>
    applyInRuns(requests, now, apply, succeedApiRun),
  );

  return (requests, now) => (requests.length === 0 ? [] : batch.immediate(requests, now));
}

/** The most result text one batched run carries (UTF-16 units), past its first result. */
const MAX_RUN_RESULT_CHARS = 1 << 20;

/**
 * Apply a batch in order: each run of requests the batched statements can take (at least
 * MIN_BATCHED_RUN long) with them, every other request, and every run they did not apply
 * whole, one request at a time with `apply`. One boolean per request, in order.
 */
function applyInRuns(
  requests: readonly FinalizeRequest[],
  now: number,
  apply: (request: FinalizeRequest, now: number) => boolean,
  succeedApiRun: ReturnType<typeof prepareSucceedApiRun>,
): boolean[] {
  const applied: boolean[] = [];
  for (let start = 0; start < requests.length;) {
    const run = batchableRun(requests, start);
    const end = start + Math.max(1, run.length);
    if (run.length >= MIN_BATCHED_RUN && succeedApiRun(run, now)) {
      for (let i = start; i < end; i++) applied.push(true);
    } else {
      for (let i = start; i < end; i++) applied.push(apply(requests[i]!, now));
    }
    start = end;
  }
  return applied;
}

/**
 * The `[id, token, result]` triples of the longest run of requests from `start` that the
 * batched statements can take (stores/sqlite/finalize-batch): consecutive, each batchable, job
 * ids distinct, results at most MAX_RUN_RESULT_CHARS together (the run's JSON is one more copy
 * of them) unless the first alone is larger. Empty when the request at `start` is not
 * batchable.
 */
function batchableRun(
  requests: readonly FinalizeRequest[],
  start: number,
): [number, string, string][] {
  const run: [number, string, string][] = [];
  const ids = new Set<number>();
  let chars = 0;
  for (let i = start; i < requests.length; i++) {
    const request = requests[i]!;
    const result = batchableResult(request);
    const id = result === null ? null : parseJobId(request.jobId);
    if (result === null || id === null || ids.has(id)) break;
    chars += result.length;
    if (chars > MAX_RUN_RESULT_CHARS && run.length > 0) break;
    ids.add(id);
    run.push([id, request.leaseToken, result]);
  }
  return run;
}

/** The terminal statements (succeed, finish): they return the job's origin for its hook. */
function prepareTerminal(db: Database.Database) {
  // Contract: inputs result JSON, now, now, id, token; running -> succeeded, finished now,
  // lease cleared, error cleared (earlier attempts' errors are in job_attempts). Returns the
  // job's origin when it applied (no row otherwise).
  const succeed = db
    .prepare<
      [result: string, finishedAt: number, updatedAt: number, id: number, token: string],
      OriginTuple
    >(
      `UPDATE jobs NOT INDEXED
          SET state = 'succeeded', result = ?, error = NULL, finished_at = ?, updated_at = ?,
              lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
        WHERE id = ? AND state = 'running' AND lease_token = ?
        RETURNING origin_kind, origin_id, origin_key`,
    )
    .raw();

  // Contract: inputs a terminal state (failed, timed_out, cancelled), error JSON, now, now, id,
  // token; running -> that state, finished now, lease cleared. Returns the job's origin when it
  // applied (no row otherwise).
  const finish = db
    .prepare<
      [
        state: string,
        error: string,
        finishedAt: number,
        updatedAt: number,
        id: number,
        token: string,
      ],
      OriginTuple
    >(
      `UPDATE jobs NOT INDEXED
          SET state = ?, error = ?, finished_at = ?, updated_at = ?,
              lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
        WHERE id = ? AND state = 'running' AND lease_token = ?
        RETURNING origin_kind, origin_id, origin_key`,
    )
    .raw();

  // Contract: as `succeed`, for a job the caller knows has the api origin (no completion hook):
  // nothing returned, so SQLite builds no RETURNING row. The hot path of plain jobs.
  const succeedApi = db.prepare<
    [result: string, finishedAt: number, updatedAt: number, id: number, token: string]
  >(
    `UPDATE jobs NOT INDEXED
        SET state = 'succeeded', result = ?, error = NULL, finished_at = ?, updated_at = ?,
            lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
      WHERE id = ? AND state = 'running' AND lease_token = ? AND origin_kind = 'api'`,
  );

  return { succeed, finish, succeedApi };
}

/** The statements that hand a job back to the queue (retry, release): no hook, no RETURNING. */
function prepareNonTerminal(db: Database.Database) {
  // Contract: inputs error JSON, the next run_at, now, id, token; running -> retrying, due at
  // runAt, lease cleared, finished_at stays NULL. The attempt count is kept (it counts started
  // attempts).
  const retry = db.prepare<
    [error: string, runAt: number, updatedAt: number, id: number, token: string]
  >(
    `UPDATE jobs NOT INDEXED
        SET state = 'retrying', error = ?, run_at = ?, updated_at = ?,
            lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
      WHERE id = ? AND state = 'running' AND lease_token = ?`,
  );

  // Contract: inputs now, now, id, token; running -> queued, runnable now, the attempt not
  // counted (attempt - 1, started_at NULL), lease cleared. Used to hand work back at shutdown.
  const release = db.prepare<[runAt: number, updatedAt: number, id: number, token: string]>(
    `UPDATE jobs NOT INDEXED
        SET state = 'queued', attempt = attempt - 1, run_at = ?, started_at = NULL,
            updated_at = ?, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
      WHERE id = ? AND state = 'running' AND lease_token = ?`,
  );

  return { retry, release };
}

/** The statement that records the attempt a finalization ends (see the module notes). */
function prepareAttemptRecord(db: Database.Database) {
  // Contract: inputs now, outcome, error JSON (or NULL), now, id, token; when the job is
  // running under the token, inserts its attempt's record (attempt, worker, start from the job
  // row, as the claim wrote them; finished now; the job's next seq) and changes 1 row, else
  // none. Reads the job by rowid and the last seq through the job_attempts key.
  return db.prepare<
    [now: number, outcome: string, error: string | null, now: number, id: number, token: string]
  >(
    `INSERT INTO job_attempts (job_id, seq, attempt, worker_id, started_at, finished_at, outcome,
                               error, duration_ms)
     SELECT id,
            COALESCE((SELECT a.seq FROM job_attempts AS a WHERE a.job_id = jobs.id
                       ORDER BY a.seq DESC LIMIT 1), 0) + 1,
            attempt, lease_owner, started_at, ?, ?, ?, ? - started_at
       FROM jobs NOT INDEXED
      WHERE id = ? AND state = 'running' AND lease_token = ?`,
  );
}
