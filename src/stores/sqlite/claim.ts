/**
 * @module stores/sqlite/claim
 * Statement family: the atomic claim. One `BEGIN IMMEDIATE` transaction:
 *
 * 1. promote due scheduled/retrying jobs of the requested fns to queued;
 * 2. read how many jobs run per concurrency key;
 * 3. select queued jobs in claim order (priority DESC, run_at, id), with SQL excluding every
 *    job whose key is already full *for that job's limit*;
 * 4. choose from them in order, counting each against its key; when a key fills up mid-batch,
 *    the rest of that pass's rows of the key are skipped; then take all chosen jobs with one
 *    UPDATE. If a row was skipped the select runs again, now excluding the key.
 *
 * A full key never blocks other keys, and the number of passes is bounded by the number of keys
 * that fill up during the claim, not by the number of queued jobs.
 *
 * How "full" is expressed: a job with key k and limit L may start while fewer than L jobs with
 * key k run. The select excludes the pairs (k, L) with L <= running(k), passed as a JSON array
 * of [k, L] pairs (L = 1..running(k) for each running key). SQLite materialises that list once
 * per select, so each scanned row costs one lookup, and jobs that share a key but differ in
 * limit are each held to their own limit. The list's size is the number of running jobs that
 * have a key, which worker capacity bounds.
 *
 * The claimed rows are built in JS from the selected rows and the UPDATE's SET list, not read
 * back with RETURNING: under the write lock nothing else can change them in between, and the
 * UPDATE reports how many rows it changed (checked: anything else rolls the claim back).
 * RETURNING costs about 3 µs per job (its rows go through a temporary table), selecting whole
 * rows up front about 1.5 µs more than selecting the three columns the choice needs: about
 * 1.5 µs per job saved.
 *
 * `LIMIT ? + 0`, not `LIMIT ?`: SQLite (3.53) reads a bare LIMIT parameter while planning, which
 * marks the statement to be compiled again whenever the parameter is bound — that is, on every
 * call — costing about 12 µs per select of whole rows. The other statements here, and in
 * read-jobs and logs, follow the same rule.
 *
 * Lease tokens: one random prefix per claim call, and each job's token is `<prefix>:<job id>`,
 * written by the UPDATE. A token is therefore unique per claim of a job (the prefix is fresh for
 * each call, the id unique within it) and unguessable, which is all the compare-and-set of
 * finalize, heartbeat and progress need.
 *
 * Cost note: rows of full keys that sort ahead of runnable rows are still walked by the index
 * scan (and skipped in SQL); that walk is cheap, but it is linear in those rows.
 */
import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { ClaimRequest, StoredJob } from "../../ports/job-store.js";
import { COL, JOB_COLUMNS, type JobTuple, tupleToJob } from "./job-row.js";

interface TakeParams {
  ids: string;
  workerId: string;
  tokenPrefix: string;
  leaseExpiresAt: number;
  now: number;
}

/**
 * Contract: inputs updated_at (now), now and a JSON array of fns. Moves their scheduled/retrying
 * jobs with run_at <= now to queued (run_at kept, so they sort by when they became due). Runs
 * under the claim's write lock; one range of jobs_waiting_fn_run_at_idx per fn, so waiting
 * jobs of other functions are never walked.
 */
export const PROMOTE_SQL = `UPDATE jobs INDEXED BY jobs_waiting_fn_run_at_idx
        SET state = 'queued', updated_at = ?
      WHERE state IN ('scheduled', 'retrying') AND run_at <= ?
        AND fn IN (SELECT value FROM json_each(?))`;

/** Prepare the claim statements once; the returned function claims atomically. */
export function prepareClaim(db: Database.Database): (request: ClaimRequest) => StoredJob[] {
  const { promote, runningPerKey, candidates, take } = prepareStatements(db);

  const claim = db.transaction((request: ClaimRequest): StoredJob[] => {
    const { now, limit } = request;
    const fns = JSON.stringify(request.fns);
    promote.run(now, now, fns);

    const { running, blocked } = keyCounts(runningPerKey.all());

    const params: TakeParams = {
      ids: "",
      workerId: request.workerId,
      tokenPrefix: `${randomUUID()}:`,
      leaseExpiresAt: now + request.leaseMs,
      now,
    };
    const claimed: StoredJob[] = [];
    // Loop bound (so that a bug here throws instead of spinning inside synchronous code, which
    // no test timeout can interrupt). A pass runs again only if it skipped a row of a full key.
    // A pass that chose no row skipped only rows whose (key, limit) pair was not yet blocked,
    // which can only be a pair with limit < 1 (every key that filled up had its pairs added),
    // and it blocks them: so every pass but the last claims at least one job (at most `limit`
    // passes) or blocks a new limit < 1 pair (counted in `oddPairs`).
    let passes = 0;
    let oddPairs = 0;
    for (;;) {
      const want = limit - claimed.length;
      if (want <= 0) break;
      if (++passes > limit + oddPairs + 1) {
        throw new Error(
          `claim invariant broken: pass ${passes} exceeds limit (${limit}) + newly blocked ` +
            `limit<1 pairs (${oddPairs}) + 1; every repeated pass must claim a job or block a new key`,
        );
      }
      const rows = candidates.all(fns, JSON.stringify(blocked), want);
      const pass = choose(rows, running, blocked);
      oddPairs += pass.oddPairs;
      if (pass.chosen.length > 0) {
        params.ids = JSON.stringify(pass.chosen.map((row) => row[COL.id]));
        const changed = take.run(params).changes;
        if (changed !== pass.chosen.length) {
          throw new Error(
            `claim took ${changed} of ${pass.chosen.length} queued jobs under the write lock`,
          );
        }
        for (const row of pass.chosen) claimed.push(tupleToJob(claimedRow(row, params)));
      }
      // No row skipped: either the limit is reached or there are no more candidates.
      if (!pass.skipped) break;
    }
    return claimed;
  });

  return (request) =>
    request.limit <= 0 || request.fns.length === 0 ? [] : claim.immediate(request);
}

/** The four statements of the claim, prepared once (steps 1 to 4 of the module notes). */
function prepareStatements(db: Database.Database) {
  const promote = db.prepare<[number, number, string]>(PROMOTE_SQL);

  // Contract: no input; returns [key, number of running jobs] per concurrency key (keys with
  // none running are absent). Covering scan of jobs_running_key_idx: cost is the running jobs
  // that have a key.
  const runningPerKey = db
    .prepare<[], readonly [key: string, n: number]>(
      `SELECT concurrency_key, COUNT(*) FROM jobs INDEXED BY jobs_running_key_idx
        WHERE state = 'running' AND concurrency_key IS NOT NULL
        GROUP BY concurrency_key`,
    )
    .raw();

  // Contract: inputs a JSON array of fns, a JSON array of blocked [key, limit] pairs and a row
  // limit; returns queued jobs of those fns (JOB_COLUMNS) in claim order, skipping blocked
  // pairs. Reads only; the caller holds the write lock. Walks jobs_queued_claim_idx in order and
  // stops at the limit.
  const candidates = db
    .prepare<[string, string, number], JobTuple>(
      `SELECT ${JOB_COLUMNS}
         FROM jobs INDEXED BY jobs_queued_claim_idx
        WHERE state = 'queued'
          AND fn IN (SELECT value FROM json_each(?))
          AND (concurrency_key IS NULL
               OR (concurrency_key, concurrency_limit) NOT IN
                  (SELECT value ->> 0, value ->> 1 FROM json_each(?)))
        ORDER BY priority DESC, run_at, id
        LIMIT ? + 0`,
    )
    .raw();

  // Contract: input a JSON array of queued job ids and the lease; makes them running under a
  // fresh lease: attempt + 1, started and updated now, token `<prefix>:<id>`, owner and expiry
  // as given, every other column unchanged (claimedRow mirrors this SET list). Guarded by
  // state = 'queued'; the caller compares the number of changed rows with the ids.
  // NOT INDEXED: look the ids up by rowid, never through a state index.
  const take = db.prepare<TakeParams>(
    `UPDATE jobs NOT INDEXED
        SET state = 'running', attempt = attempt + 1,
            lease_owner = @workerId, lease_token = @tokenPrefix || id,
            lease_expires_at = @leaseExpiresAt, started_at = @now, updated_at = @now
      WHERE id IN (SELECT value FROM json_each(@ids)) AND state = 'queued'`,
  );

  return { promote, runningPerKey, candidates, take };
}

/**
 * The running count per concurrency key, and the [key, limit] pairs it blocks (L = 1..n for a
 * key with n running jobs), from the rows of `runningPerKey`.
 */
function keyCounts(perKey: readonly (readonly [key: string, n: number])[]): {
  running: Map<string, number>;
  blocked: [string, number][];
} {
  const running = new Map<string, number>();
  const blocked: [string, number][] = [];
  for (const [key, n] of perKey) {
    running.set(key, n);
    for (let l = 1; l <= n; l++) blocked.push([key, l]);
  }
  return { running, blocked };
}

/** One pass: the rows chosen, whether a row of a full key was skipped, new limit < 1 pairs. */
interface Pass {
  chosen: JobTuple[];
  skipped: boolean;
  oddPairs: number;
}

/**
 * Choose from one pass's candidate rows, in claim order (step 4): each chosen row with a key
 * counts against it, so `running` and `blocked` are updated in place as the claim goes on; a
 * row whose key filled up earlier in the pass (or whose limit is below 1) is skipped. No I/O.
 */
function choose(
  rows: readonly JobTuple[],
  running: Map<string, number>,
  blocked: [string, number][],
): Pass {
  const chosen: JobTuple[] = [];
  let skipped = false;
  let oddPairs = 0;
  for (const row of rows) {
    const key = row[COL.concurrencyKey];
    if (key !== null) {
      const keyLimit = row[COL.concurrencyLimit];
      const n = running.get(key) ?? 0;
      if (n >= keyLimit) {
        // The key filled up earlier in this pass (or the limit is below 1). Pairs with
        // limit >= 1 are already in `blocked`; add the odd ones so the next pass skips them.
        if (keyLimit < 1) {
          blocked.push([key, keyLimit]);
          oddPairs++;
        }
        skipped = true;
        continue;
      }
      running.set(key, n + 1);
      blocked.push([key, n + 1]);
    }
    chosen.push(row);
  }
  return { chosen, skipped, oddPairs };
}

/** A queued row as `take` leaves it (mirrors take's SET list). */
function claimedRow(row: JobTuple, lease: TakeParams): JobTuple {
  const next = row.slice() as Writable<JobTuple>;
  next[COL.state] = "running";
  next[COL.attempt] = row[COL.attempt] + 1;
  next[COL.leaseOwner] = lease.workerId;
  next[COL.leaseToken] = `${lease.tokenPrefix}${row[COL.id]}`;
  next[COL.leaseExpiresAt] = lease.leaseExpiresAt;
  next[COL.startedAt] = lease.now;
  next[COL.updatedAt] = lease.now;
  return next;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };
