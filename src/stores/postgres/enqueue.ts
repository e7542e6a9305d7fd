/**
 * @module stores/postgres/enqueue
 * Statement family: insert jobs, honouring idempotency keys and bounded queues (`maxPending`).
 *
 * `insertJobs` runs inside a transaction the caller owns (`enqueue` here; the schedule store's
 * `fireSlot`, which inserts a slot's job in the same transaction that moves its cursor). Any
 * throw rolls the caller's transaction back, so a batch is all or nothing.
 *
 * Concurrency (READ COMMITTED, several processes):
 * - Idempotency keys: the INSERT has `ON CONFLICT (idempotency_key) DO NOTHING`. A concurrent
 *   transaction inserting the same key makes ours wait for it; if it commits, our row is skipped
 *   and the committed job is read back and compared (same fn and payload: returned with
 *   `created: false`; else ConflictError). No unique-violation error ever reaches the caller.
 * - maxPending: before counting a function's pending jobs, the batch takes
 *   `pg_advisory_xact_lock(<schema, "pending", fn>)` for every function it bounds (sorted, so
 *   two batches never wait on each other in a cycle). Bounded enqueues of one function are
 *   therefore serialised and the bound is exact across processes; claims never take this lock.
 * - Wake-up: when a row was inserted, `pg_notify(<channel>, 'enqueue')` in the same
 *   transaction, delivered to listeners when it commits (PostgreSQL drops duplicates within one
 *   transaction).
 *
 * Round trips for a batch of n jobs: a constant number (the rows go in one INSERT ... SELECT
 * FROM unnest), not n.
 */
import { ConflictError, QueueFullError, StoreError } from "../../core/errors.js";
import { checkOrigin, type JobOrigin } from "../../core/jobs/origin.js";
import type { EnqueueOutcome, NewJob, StoredJob } from "../../ports/job-store.js";
import { exec, type PgDatabase, type Queryable } from "./database.js";
import { advisoryKey } from "./identifiers.js";
import { backoffToJson, insertedJob } from "../job-row.js";
import { type JobRow, jobColumns, rowToJob } from "./job-row.js";

const COLS = jobColumns();

/** What `insertJobs` needs of the database: the quoted schema, its name and NOTIFY channel. */
export type JobsSchema = Pick<PgDatabase, "s" | "schema" | "channel">;

/**
 * Insert jobs in order inside the caller's open transaction on `client`; see the module notes.
 * Throws ConflictError, QueueFullError (nothing must then be committed) or ValidationError.
 * A job whose origin (kind, id, key) with a key already exists fails with PostgreSQL's unique
 * violation (23505 on `jobs_origin_key_idx`): the owner (the schedule store) looks it up first.
 */
export async function insertJobs(
  client: Queryable,
  db: JobsSchema,
  jobs: readonly NewJob[],
  now: number,
): Promise<EnqueueOutcome[]> {
  if (jobs.length === 0) return [];
  const { s } = db;
  const origins = jobs.map((job) => checkOrigin(job.origin));

  const boundedFns = [...new Set(jobs.filter((j) => j.maxPending !== null).map((j) => j.fn))];
  if (boundedFns.length > 0) await lockPending(client, db.schema, boundedFns);

  const keys = [
    ...new Set(jobs.flatMap((j) => (j.idempotencyKey === null ? [] : [j.idempotencyKey]))),
  ];
  const existing = new Map<string, JobRow>();
  if (keys.length > 0) await readKeyHolders(client, s, keys, existing);

  const pending =
    boundedFns.length > 0 ? await countPending(client, s, boundedFns) : new Map<string, number>();

  const { plans, toInsert } = planBatch(jobs, existing, pending);

  const inserted =
    toInsert.length > 0
      ? await insertRows(client, s, jobs, origins, toInsert, now)
      : new Map<number, StoredJob>();

  // Keys taken by a concurrent transaction between our read and our insert.
  const raced = toInsert.filter((index) => !inserted.has(index));
  if (raced.length > 0) {
    const racedKeys = raced.map((index) => jobs[index]!.idempotencyKey!);
    await readKeyHolders(client, s, racedKeys, existing);
  }

  const outcomes = batchOutcomes(jobs, plans, inserted, existing);

  // Contract: wakes the listeners of this schema when the transaction commits.
  if (inserted.size > 0) await exec(client, "SELECT pg_notify($1, 'enqueue')", [db.channel]);
  return outcomes;
}

/** Insert a batch in its own transaction (the JobStore's `enqueue`). */
export function enqueue(
  db: PgDatabase,
  jobs: readonly NewJob[],
  now: number,
): Promise<EnqueueOutcome[]> {
  if (jobs.length === 0) return Promise.resolve([]);
  return db.transaction((client) => insertJobs(client, db, jobs, now));
}

// Contract: input the advisory keys of the bounded fns, sorted; waits for other bounded
// enqueues of those fns and holds the locks until the transaction ends.
async function lockPending(client: Queryable, schema: string, fns: string[]): Promise<void> {
  const keys = fns.map((fn) => advisoryKey(schema, "pending", fn)).sort();
  await exec(client, "SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k", [keys]);
}

// Contract: input idempotency keys; the jobs holding them (keys are global, held while the
// row exists), added to `holders` by key. A plain read: a concurrent insert of the same key is
// caught by ON CONFLICT.
async function readKeyHolders(
  client: Queryable,
  s: string,
  keys: string[],
  holders: Map<string, JobRow>,
): Promise<void> {
  const { rows } = await exec<JobRow>(
    client,
    `SELECT ${COLS} FROM ${s}.jobs WHERE idempotency_key = ANY($1::text[])`,
    [keys],
  );
  for (const row of rows) holders.set(row.idempotency_key!, row);
}

/**
 * The maxPending count for schema `s` (exported for the plan test). Contract: input $1, an
 * array of fns; per fn with any, how many of its jobs are pending (scheduled, queued,
 * retrying). Ranges of jobs_pending_fn_state_id_idx (migration 17; its condition repeated).
 */
export const countPendingSql = (s: string): string => `SELECT fn, count(*) AS n FROM ${s}.jobs
        WHERE fn = ANY($1::text[]) AND state IN ('scheduled', 'queued', 'retrying')
        GROUP BY fn`;

// Contract: input fns; how many of their jobs are pending, every fn present (0 when none).
// Read under the fns' pending locks; see countPendingSql.
async function countPending(
  client: Queryable,
  s: string,
  boundedFns: string[],
): Promise<Map<string, number>> {
  const { rows } = await exec<{ fn: string; n: number }>(client, countPendingSql(s), [boundedFns]);
  const pending = new Map<string, number>();
  for (const fn of boundedFns) pending.set(fn, 0);
  for (const row of rows) pending.set(row.fn, row.n);
  return pending;
}

/** What a job of the batch turns into: a committed job, an earlier job of the batch, or a row. */
type Plan =
  { kind: "existing"; row: JobRow } | { kind: "batch"; index: number } | { kind: "insert" };

/**
 * Decide, in batch order, which jobs are new, which repeat a key, which break a rule (throws
 * ConflictError or QueueFullError). `pending` (the counts of the bounded fns) is updated in
 * place as jobs are planned for insertion. No I/O.
 */
function planBatch(
  jobs: readonly NewJob[],
  existing: ReadonlyMap<string, JobRow>,
  pending: Map<string, number>,
): { plans: Plan[]; toInsert: number[] } {
  const plans: Plan[] = [];
  const keyInBatch = new Map<string, number>();
  const toInsert: number[] = [];
  jobs.forEach((job, index) => {
    const key = job.idempotencyKey;
    if (key !== null) {
      const row = existing.get(key);
      const earlier = keyInBatch.get(key);
      const holder =
        row !== undefined
          ? { id: String(row.id), fn: row.fn, payload: row.payload }
          : earlier !== undefined
            ? { id: null, fn: jobs[earlier]!.fn, payload: jobs[earlier]!.payloadJson }
            : null;
      if (holder !== null) {
        if (holder.fn !== job.fn || holder.payload !== job.payloadJson) throw conflict(key, holder);
        plans.push(
          row !== undefined ? { kind: "existing", row } : { kind: "batch", index: earlier! },
        );
        return;
      }
      keyInBatch.set(key, index);
    }
    if (job.maxPending !== null) {
      const count = pending.get(job.fn) ?? 0;
      if (count >= job.maxPending) throw new QueueFullError(job.fn, job.maxPending);
    }
    if (pending.has(job.fn)) pending.set(job.fn, pending.get(job.fn)! + 1);
    plans.push({ kind: "insert" });
    toInsert.push(index);
  });
  return { plans, toInsert };
}

/** What the INSERT returns of each row: the row is otherwise the inputs (`insertedJob`). */
interface InsertedRow {
  readonly id: number;
  readonly idempotency_key: string | null;
}

// Contract: inserts the new jobs in batch order (ids ascend in that order), attempt 0, no
// lease; a row whose idempotency key another transaction committed meanwhile is skipped
// (ON CONFLICT DO NOTHING waits for that transaction first). Returns the inserted jobs, by
// index in the batch. Only the id and key come back: every other column is an input or
// `now`, so the job is built from them (as on SQLite) instead of 29 columns per row crossing
// the socket and the driver's parser.
async function insertRows(
  client: Queryable,
  s: string,
  jobs: readonly NewJob[],
  origins: readonly JobOrigin[],
  toInsert: number[],
  now: number,
): Promise<Map<number, StoredJob>> {
  const pick = <T>(f: (job: NewJob, index: number) => T): T[] =>
    toInsert.map((index) => f(jobs[index]!, index));
  const backoffs = pick((j) => backoffToJson(j.backoff));
  const { rows } = await exec<InsertedRow>(
    client,
    `INSERT INTO ${s}.jobs (fn, state, attempt, max_attempts, payload, priority, run_at,
                              idempotency_key, concurrency_key, concurrency_limit,
                              created_at, updated_at, origin_kind, origin_id, origin_key,
                              backoff, timeout_ms)
       SELECT fn, CASE WHEN run_at > $13 THEN 'scheduled' ELSE 'queued' END, 0, max_attempts,
              payload, priority, run_at, idempotency_key, concurrency_key, concurrency_limit,
              $13, $13, origin_kind, origin_id, origin_key, backoff, timeout_ms
         FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::bigint[], $6::text[],
                     $7::text[], $8::int[], $9::text[], $10::text[], $11::text[], $12::int[],
                     $14::text[], $15::bigint[])
              AS t(fn, max_attempts, payload, priority, run_at, idempotency_key,
                   concurrency_key, concurrency_limit, origin_kind, origin_id, origin_key, ord,
                   backoff, timeout_ms)
        ORDER BY ord
       ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id, idempotency_key`,
    [
      pick((j) => j.fn),
      pick((j) => j.maxAttempts),
      pick((j) => j.payloadJson),
      pick((j) => j.priority),
      pick((j) => j.runAt),
      pick((j) => j.idempotencyKey),
      pick((j) => j.concurrencyKey),
      pick((j) => j.concurrencyLimit),
      pick((_, i) => origins[i]!.kind),
      pick((_, i) => origins[i]!.id),
      pick((_, i) => origins[i]!.key),
      pick((_, i) => i),
      now,
      backoffs,
      pick((j) => j.timeoutMs),
    ],
  );
  const matched = matchInserted(jobs, toInsert, rows);
  const inserted = new Map<number, StoredJob>();
  toInsert.forEach((index, n) => {
    const id = matched.get(index);
    if (id === undefined) return;
    const job = jobs[index]!;
    const state = job.runAt > now ? "scheduled" : "queued";
    inserted.set(index, insertedJob(id, job, state, origins[index]!, backoffs[n]!, now));
  });
  return inserted;
}

/**
 * Pair the inserted rows' ids with the batch: rows come back in insertion order = ascending
 * id; a skipped row is one whose key is not among the returned keys. No I/O.
 */
function matchInserted(
  jobs: readonly NewJob[],
  toInsert: readonly number[],
  rows: readonly InsertedRow[],
): Map<number, number> {
  const inserted = new Map<number, number>();
  const byId = [...rows].sort((a, b) => a.id - b.id);
  const returnedKeys = new Set(rows.map((row) => row.idempotency_key));
  let next = 0;
  for (const index of toInsert) {
    const key = jobs[index]!.idempotencyKey;
    if (key !== null && !returnedKeys.has(key)) continue;
    inserted.set(index, byId[next++]!.id);
  }
  if (next !== byId.length) {
    throw new StoreError(`enqueue: ${byId.length} rows inserted but ${next} matched the batch`);
  }
  return inserted;
}

/**
 * The outcome of each job, in batch order, from its plan, the rows inserted and the key holders
 * (including those of raced keys). Throws when a raced key is held by another fn or payload.
 */
function batchOutcomes(
  jobs: readonly NewJob[],
  plans: readonly Plan[],
  inserted: ReadonlyMap<number, StoredJob>,
  existing: ReadonlyMap<string, JobRow>,
): EnqueueOutcome[] {
  const outcomes: EnqueueOutcome[] = [];
  const jobOf = (index: number): StoredJob => outcomes[index]!.job;
  jobs.forEach((job, index) => {
    const plan = plans[index]!;
    if (plan.kind === "existing") {
      outcomes.push({ job: rowToJob(plan.row), created: false });
    } else if (plan.kind === "batch") {
      outcomes.push({ job: jobOf(plan.index), created: false });
    } else {
      const created = inserted.get(index);
      if (created !== undefined) {
        outcomes.push({ job: created, created: true });
        return;
      }
      const key = job.idempotencyKey!;
      const holder = existing.get(key);
      if (holder === undefined) {
        throw new StoreError(`enqueue: idempotency key "${key}" conflicted but no job holds it`);
      }
      if (holder.fn !== job.fn || holder.payload !== job.payloadJson) {
        throw conflict(key, { id: String(holder.id), fn: holder.fn });
      }
      outcomes.push({ job: rowToJob(holder), created: false });
    }
  });
  return outcomes;
}

function conflict(key: string, holder: { id: string | null; fn: string }): ConflictError {
  const who = holder.id === null ? "an earlier job of this batch" : `job ${holder.id}`;
  return new ConflictError(
    `idempotency key "${key}" is already used by ${who} (function "${holder.fn}") with a ` +
      `different function or payload; reuse a key only for the same function and payload, or ` +
      `choose a new key`,
    // A job earlier in the batch has no id yet (and never will: the batch rolls back).
    holder.id ?? "",
  );
}
