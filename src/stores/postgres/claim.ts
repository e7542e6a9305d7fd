/**
 * @module stores/postgres/claim
 * Statement family: the atomic claim.
 *
 * Fast path first: ONE autocommit statement, `claim_keyless` (migration 14), promotes due jobs
 * and takes up to the limit of queued ones in claim order when none of those candidates has a
 * concurrency key (the common case: one round trip and one commit per claim). When it takes
 * nothing (empty queue, or a keyed candidate) the full claim below runs.
 *
 * Full claim, one transaction (READ COMMITTED):
 *
 * 1. promote: due scheduled/retrying jobs of the requested fns become queued
 *    (`FOR UPDATE SKIP LOCKED`: rows another transaction holds are left to it);
 * 2. candidates: queued jobs of the fns in claim order (priority DESC, run_at, id),
 *    `FOR UPDATE SKIP LOCKED`, at most the number still wanted, excluding keys known to be full
 *    (or held by another claimer) for the row's limit;
 * 3. per-key locks: for every concurrency key among the candidates not yet locked, an advisory
 *    transaction lock on <schema, "concurrency_key", key>; then, under the lock, count the
 *    key's running jobs (a new statement, so READ COMMITTED sees every claim of the key that
 *    committed before we got the lock);
 * 4. take, in claim order, every keyless candidate and every keyed one whose key still has room
 *    (running < the row's limit), counting each against its key; UPDATE ... RETURNING;
 * 5. when a row was skipped because its key filled up and fewer than `limit` were taken, run
 *    2-4 again, now excluding that (key, limit).
 *
 * Why the per-key limit holds across processes: every claim of a key takes the key's advisory
 * lock before counting its running jobs and keeps it until COMMIT, and the lock is released
 * only after the commit is visible. So the claims of one key are serialised, each counts the
 * running jobs of all claims before it, and no key ever has more running than its limit.
 *
 * Lock order (no deadlock): the first pass WAITS for its keys' locks, taking them in ascending
 * key order in one statement, so two claimers never wait on each other in a cycle; it holds no
 * other advisory lock then, and waits for nothing else (every row lock is SKIP LOCKED). Later
 * passes only TRY (`pg_try_advisory_xact_lock`) and skip a key another claimer holds: waiting
 * there could close a cycle. Waiting in the first pass is what lets several claimers that start
 * together fill every key to its limit (a claimer that skipped a busy key would leave the key
 * short when the holder's batch is smaller than the key's room).
 */
import { randomUUID } from "node:crypto";
import type { ClaimRequest, StoredJob } from "../../ports/job-store.js";
import { exec, type PgDatabase, type Queryable } from "./database.js";
import { advisoryKey } from "./identifiers.js";
import { JOB_COLUMNS, type JobRow, jobColumns, rowToJob } from "./job-row.js";

interface CandidateRow {
  id: number;
  concurrency_key: string | null;
  concurrency_limit: number;
}

/** A cap larger than any limit: excludes every row of a key another claimer holds. */
const HELD_ELSEWHERE = 2_147_483_647;

/**
 * Contract: inputs $1 now and $2 an array of fns; their scheduled/retrying jobs with run_at <=
 * now become queued (run_at kept). Rows locked by another transaction are skipped, never waited
 * for. One range of jobs_waiting_fn_run_at_idx per fn: waiting jobs of other functions are
 * never walked. (`claim_keyless`, migration 14, runs the same statement.)
 */
export const promoteSql = (
  s: string,
): string => `UPDATE ${s}.jobs SET state = 'queued', updated_at = $1
        WHERE id IN (SELECT id FROM ${s}.jobs
                      WHERE state IN ('scheduled', 'retrying') AND run_at <= $1
                        AND fn = ANY($2::text[])
                      FOR UPDATE SKIP LOCKED)`;

/** Claim atomically; see the module notes. */
export async function claim(db: PgDatabase, request: ClaimRequest): Promise<StoredJob[]> {
  const limit = Math.floor(request.limit);
  if (!(limit > 0) || request.fns.length === 0) return [];
  const { s } = db;
  const { now, workerId } = request;
  const fns = [...request.fns];

  // Fast path (migration 14): one round trip when no candidate has a concurrency key.
  const fast = await claimKeyless(db, fns, limit, workerId, now, now + request.leaseMs);
  if (fast.length > 0) return fast;

  return db.transaction(async (client) => {
    // Plan guard: the candidates must be read by walking jobs_queued_claim_idx in claim order
    // and stop at the limit. With stale statistics (a burst of enqueues before autovacuum
    // analyzes) the planner may instead fetch every queued job and sort it, making each claim
    // O(queued). Forbidding sorts for this transaction keeps the ordered index walk.
    await client.query("SET LOCAL enable_sort = off");

    // Due scheduled/retrying jobs of the fns become queued (see promoteSql).
    await exec(client, promoteSql(s), [now, fns]);

    // Per key: running count (keys whose lock we hold) or HELD_ELSEWHERE.
    const caps = new Map<string, number>();
    const claimed: StoredJob[] = [];
    for (let pass = 0; claimed.length < limit; pass += 1) {
      const rows = await candidates(client, s, fns, caps, limit - claimed.length);
      const newKeys = [
        ...new Set(rows.flatMap((r) => (r.concurrency_key === null ? [] : [r.concurrency_key]))),
      ].filter((key) => !caps.has(key));
      if (newKeys.length > 0) {
        const locked = await lockKeys(client, db.schema, newKeys, pass === 0);
        const running = await runningPerKey(client, s, locked);
        for (const key of newKeys) {
          caps.set(key, locked.includes(key) ? (running.get(key) ?? 0) : HELD_ELSEWHERE);
        }
      }

      const take: number[] = [];
      let skipped = false;
      for (const row of rows) {
        const key = row.concurrency_key;
        if (key !== null) {
          const n = caps.get(key)!;
          if (n >= row.concurrency_limit) {
            skipped = true;
            continue;
          }
          caps.set(key, n + 1);
        }
        take.push(row.id);
      }
      if (take.length > 0) {
        const taken = await takeJobs(client, s, take, workerId, now, now + request.leaseMs);
        claimed.push(...taken);
      }
      // No row skipped: either the limit is reached or there are no more candidates.
      if (!skipped) break;
    }
    return claimed;
  });
}

/**
 * Contract: the claim's fast path, one autocommit statement (`claim_keyless`, migration 14):
 * promotes due jobs of the fns, then takes up to `limit` queued ones in claim order when none
 * of them has a concurrency key. Returns the jobs taken, in claim order; none when the queue
 * is empty or a candidate has a key (the caller then runs the full claim).
 */
async function claimKeyless(
  db: PgDatabase,
  fns: string[],
  limit: number,
  workerId: string,
  now: number,
  leaseExpiresAt: number,
): Promise<StoredJob[]> {
  const { rows } = await exec<JobRow>(
    db.pool,
    `SELECT ${KEYLESS_COLUMNS} FROM ${db.s}.claim_keyless($1::text[], $2::int, $3, $4, $5) AS c`,
    [fns, limit, workerId, now, leaseExpiresAt],
  );
  const jobs: StoredJob[] = [];
  for (const row of rows) {
    // The columns the claim set to values we passed: not sent back (see SET_BY_CLAIM).
    row.state = "running";
    row.lease_owner = workerId;
    row.lease_expires_at = leaseExpiresAt;
    row.started_at = now;
    row.updated_at = now;
    jobs.push(rowToJob(row));
  }
  return jobs;
}

/**
 * Columns `claim_keyless` sets every taken row's to a value of the call (running, lease owner
 * and expiry, started and updated now): the fast path does not read them back, it fills them
 * in (fewer values on the wire to encode, send, parse and map per claimed job).
 */
const SET_BY_CLAIM: ReadonlySet<string> = new Set([
  "state",
  "lease_owner",
  "lease_expires_at",
  "started_at",
  "updated_at",
]);

/** The select list of the fast path: every job column but SET_BY_CLAIM. */
const KEYLESS_COLUMNS = JOB_COLUMNS.filter((c) => !SET_BY_CLAIM.has(c))
  .map((c) => `c.${c}`)
  .join(", ");

/**
 * Contract: inputs fns, the per-key caps (a row is excluded when its limit <= its key's cap)
 * and a row limit; queued jobs of the fns in claim order, locked FOR UPDATE SKIP LOCKED (rows
 * another claimer holds are not seen). Walks jobs_queued_claim_idx and stops at the limit.
 */
async function candidates(
  client: Queryable,
  s: string,
  fns: string[],
  caps: ReadonlyMap<string, number>,
  want: number,
): Promise<CandidateRow[]> {
  const { rows } = await exec<CandidateRow>(
    client,
    `SELECT id, concurrency_key, concurrency_limit FROM ${s}.jobs
      WHERE state = 'queued' AND fn = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::int[]) AS b(k, n)
                         WHERE b.k = jobs.concurrency_key AND jobs.concurrency_limit <= b.n)
      ORDER BY priority DESC, run_at, id
      LIMIT $4
      FOR UPDATE SKIP LOCKED`,
    [fns, [...caps.keys()], [...caps.values()], want],
  );
  return rows;
}

/**
 * Contract: takes the advisory locks of concurrency keys for this transaction: waiting for
 * each, in ascending lock-key order (`wait`), or only trying. Returns the keys now held.
 */
async function lockKeys(
  client: Queryable,
  schema: string,
  keys: readonly string[],
  wait: boolean,
): Promise<string[]> {
  const locks = keys
    .map((key) => ({ key, lock: BigInt(advisoryKey(schema, "concurrency_key", key)) }))
    .sort((a, b) => (a.lock < b.lock ? -1 : a.lock > b.lock ? 1 : 0));
  const lockParams = locks.map((l) => l.lock.toString());
  if (wait) {
    // unnest yields the array in order, and each row's lock is taken as the row is produced.
    await exec(client, "SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k", [
      lockParams,
    ]);
    return locks.map((l) => l.key);
  }
  const { rows } = await exec<{ ord: number; ok: boolean }>(
    client,
    `SELECT ord, pg_try_advisory_xact_lock(k) AS ok
       FROM unnest($1::bigint[]) WITH ORDINALITY AS t(k, ord)`,
    [lockParams],
  );
  return rows.filter((row) => row.ok).map((row) => locks[row.ord - 1]!.key);
}

/**
 * Contract: input keys whose locks this transaction holds; the number of running jobs per key
 * (absent: none). Uses jobs_running_key_idx.
 */
async function runningPerKey(
  client: Queryable,
  s: string,
  keys: readonly string[],
): Promise<Map<string, number>> {
  const running = new Map<string, number>();
  if (keys.length === 0) return running;
  const { rows } = await exec<{ key: string; n: number }>(
    client,
    `SELECT concurrency_key AS key, count(*) AS n FROM ${s}.jobs
      WHERE state = 'running' AND concurrency_key IS NOT NULL
        AND concurrency_key = ANY($1::text[])
      GROUP BY concurrency_key`,
    [keys],
  );
  for (const row of rows) running.set(row.key, row.n);
  return running;
}

/**
 * Contract: input queued job ids this transaction has locked, in claim order; each becomes
 * running under a fresh lease token (attempt + 1, started now, lease until `leaseExpiresAt`).
 * Guarded by state = 'queued'. Returns the jobs in the given order.
 */
async function takeJobs(
  client: Queryable,
  s: string,
  ids: readonly number[],
  workerId: string,
  now: number,
  leaseExpiresAt: number,
): Promise<StoredJob[]> {
  const { rows } = await exec<JobRow>(
    client,
    `UPDATE ${s}.jobs AS j
        SET state = 'running', attempt = j.attempt + 1, lease_owner = $3, lease_token = t.token,
            lease_expires_at = $4, started_at = $5, updated_at = $5
       FROM unnest($1::bigint[], $2::text[], $6::text[]) AS t(id, token, st)
      WHERE j.id = t.id AND j.state = t.st
      RETURNING ${jobColumns("j")}`,
    // The expected state comes in as data, not a literal, so the planner cannot pick the
    // partial "WHERE state = 'queued'" index and scan it per id: it probes the primary key.
    [ids, ids.map(() => randomUUID()), workerId, leaseExpiresAt, now, ids.map(() => "queued")],
  );
  const order = new Map(ids.map((id, index) => [id, index]));
  return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!).map(rowToJob);
}
