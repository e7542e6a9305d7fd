/**
 * @module stores/sqlite/claim
 * Statement family: the atomic claim. One `BEGIN IMMEDIATE` transaction:
 *
 * 1. promote due scheduled/retrying jobs of the requested fns to queued;
 * 2. read how many jobs run per concurrency key;
 * 3. select queued jobs in claim order (priority DESC, run_at, id), with SQL excluding every
 *    job whose key is already full *for that job's limit*;
 * 4. take them one by one (UPDATE ... RETURNING), counting each against its key; when a key
 *    fills up mid-batch, the rest of that pass's rows of the key are skipped and the select runs
 *    again, now excluding the key.
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
 * Cost note: rows of full keys that sort ahead of runnable rows are still walked by the index
 * scan (and skipped in SQL); that walk is cheap, but it is linear in those rows.
 */
import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { ClaimRequest, StoredJob } from "../../ports/job-store.js";
import { type JobRow, rowToJob } from "./job-row.js";

interface CandidateRow {
  id: number;
  concurrency_key: string | null;
  concurrency_limit: number;
}

interface TakeParams {
  id: number;
  workerId: string;
  token: string;
  leaseExpiresAt: number;
  now: number;
}

/** Prepare the claim statements once; the returned function claims atomically. */
export function prepareClaim(db: Database.Database): (request: ClaimRequest) => StoredJob[] {
  // Contract: inputs now and a JSON array of fns. Moves their scheduled/retrying jobs with
  // run_at <= now to queued (run_at kept, so they sort by when they became due). Runs under the
  // claim's write lock; uses jobs_waiting_run_at_idx.
  const promote = db.prepare<[number, number, string]>(
    `UPDATE jobs INDEXED BY jobs_waiting_run_at_idx
        SET state = 'queued', updated_at = ?
      WHERE state IN ('scheduled', 'retrying') AND run_at <= ?
        AND fn IN (SELECT value FROM json_each(?))`,
  );

  // Contract: no input; returns the number of running jobs per concurrency key (keys with none
  // running are absent). Covering scan of jobs_running_key_idx: cost is the running jobs.
  const runningPerKey = db.prepare<[], { key: string; n: number }>(
    `SELECT concurrency_key AS key, COUNT(*) AS n FROM jobs
      WHERE state = 'running' AND concurrency_key IS NOT NULL
      GROUP BY concurrency_key`,
  );

  // Contract: inputs a JSON array of fns, a JSON array of blocked [key, limit] pairs and a row
  // limit; returns queued jobs of those fns in claim order, skipping blocked pairs. Reads only;
  // the caller holds the write lock. Walks jobs_queued_claim_idx in order and stops at the limit.
  const candidates = db.prepare<[string, string, number], CandidateRow>(
    `SELECT id, concurrency_key, concurrency_limit
       FROM jobs INDEXED BY jobs_queued_claim_idx
      WHERE state = 'queued'
        AND fn IN (SELECT value FROM json_each(?))
        AND (concurrency_key IS NULL
             OR (concurrency_key, concurrency_limit) NOT IN
                (SELECT value ->> 0, value ->> 1 FROM json_each(?)))
      ORDER BY priority DESC, run_at, id
      LIMIT ?`,
  );

  // Contract: input one queued job id and the lease; makes it running under a fresh lease
  // (attempt + 1, started now). Guarded by state = 'queued'; returns the row, or nothing if the
  // job was not queued. cancel_requested_at is left as it is.
  const take = db.prepare<TakeParams, JobRow>(
    `UPDATE jobs
        SET state = 'running', attempt = attempt + 1,
            lease_owner = @workerId, lease_token = @token, lease_expires_at = @leaseExpiresAt,
            started_at = @now, updated_at = @now
      WHERE id = @id AND state = 'queued'
      RETURNING *`,
  );

  const claim = db.transaction((request: ClaimRequest): StoredJob[] => {
    const { now, limit } = request;
    const fns = JSON.stringify(request.fns);
    promote.run(now, now, fns);

    const running = new Map<string, number>();
    const blocked: [string, number][] = [];
    for (const { key, n } of runningPerKey.all()) {
      running.set(key, n);
      for (let l = 1; l <= n; l++) blocked.push([key, l]);
    }

    const claimed: StoredJob[] = [];
    for (;;) {
      const want = limit - claimed.length;
      if (want <= 0) break;
      const rows = candidates.all(fns, JSON.stringify(blocked), want);
      let skipped = false;
      for (const row of rows) {
        const key = row.concurrency_key;
        if (key !== null) {
          const n = running.get(key) ?? 0;
          if (n >= row.concurrency_limit) {
            // The key filled up earlier in this pass (or the limit is below 1). Pairs with
            // limit >= 1 are already in `blocked`; add the odd ones so the next pass skips them.
            if (row.concurrency_limit < 1) blocked.push([key, row.concurrency_limit]);
            skipped = true;
            continue;
          }
          running.set(key, n + 1);
          blocked.push([key, n + 1]);
        }
        const taken = take.get({
          id: row.id,
          workerId: request.workerId,
          token: randomUUID(),
          leaseExpiresAt: now + request.leaseMs,
          now,
        });
        if (taken !== undefined) claimed.push(rowToJob(taken));
      }
      // No row skipped: either the limit is reached or there are no more candidates.
      if (!skipped) break;
    }
    return claimed;
  });

  return (request) =>
    request.limit <= 0 || request.fns.length === 0 ? [] : claim.immediate(request);
}
