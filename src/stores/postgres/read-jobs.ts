/**
 * @module stores/postgres/read-jobs
 * Statement family: reads of `jobs` (get, list, expired leases, next run-at, a key's running
 * jobs, the queue ahead of a job). Single SELECTs on
 * a pooled connection, each a consistent snapshot on its own; none locks a row.
 */
import { ValidationError } from "../../core/errors.js";
import { JOB_STATES } from "../../core/jobs/states.js";
import type { ClaimOrderPosition, JobListQuery, StoredJob } from "../../ports/job-store.js";
import { containsPattern } from "../search-pattern.js";
import { clampLimit, parseId } from "./arguments.js";
import type { PgDatabase } from "./database.js";
import { type JobRow, jobColumns, rowToJob } from "./job-row.js";

const COLS = jobColumns();

/** Default and maximum page size of `list`. */
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 10_000;

/** Contract: input a job id; the job or null. */
export async function getJob(db: PgDatabase, jobId: string): Promise<StoredJob | null> {
  const id = parseId(jobId);
  if (id === null) return null;
  const { rows } = await db.query<JobRow>(`SELECT ${COLS} FROM ${db.s}.jobs WHERE id = $1`, [id]);
  return rows[0] === undefined ? null : rowToJob(rows[0]);
}

/**
 * The SQL of one state's branch of a listing: the state as a constant of this fixed map (a
 * partial index is matched only when the planner sees the value; the text never holds input).
 */
const STATE_CONDITION: ReadonlyMap<string, string> = new Map(
  JOB_STATES.map((state) => [state, `state = '${state}'`]),
);

/**
 * The statement of `listJobs` (exported for the plan test). Contract: inputs optional fn,
 * state(s), search, beforeId and a limit; jobs newest first (id DESC), at most the limit.
 *
 * Without fn or state: a backward walk of the primary key. With a fn or states: one branch per
 * state (every state when only fn is given), each an id-ordered range of its state group's
 * partial index (`jobs_pending_*` / `jobs_settled_*`, migration 17; running jobs, which worker
 * capacity bounds, through `jobs_running_lease_idx` and a sort), merged in id order (Merge
 * Append) and cut at the limit. A search is tested on each row of those walks (see searchSql).
 * Null when no requested state exists (nothing can match).
 */
export function listJobsSql(
  s: string,
  query: JobListQuery,
): { readonly text: string; readonly values: unknown[] } | null {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (query.fn !== undefined) where.push(`fn = ${param(query.fn)}`);
  if (query.search !== undefined && query.search !== "") where.push(searchSql(query.search, param));
  if (query.beforeId !== undefined) {
    const before = parseId(query.beforeId);
    if (before === null) {
      throw new ValidationError(
        `beforeId "${query.beforeId}" is not a job id; pass the id of the last job of the previous page`,
      );
    }
    where.push(`id < ${param(before)}::bigint`);
  }
  const limit = param(clampLimit(query.limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT));
  const branch = (conditions: readonly string[]) =>
    `SELECT ${COLS} FROM ${s}.jobs` +
    (conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : "") +
    ` ORDER BY id DESC LIMIT ${limit}`;
  if (query.state === undefined && query.fn === undefined) return { text: branch(where), values };
  const requested = query.state === undefined ? JOB_STATES : ([] as string[]).concat(query.state);
  const states = [...new Set(requested)].flatMap((state) => STATE_CONDITION.get(state) ?? []);
  if (states.length === 0) return null;
  if (states.length === 1) return { text: branch([states[0]!, ...where]), values };
  const branches = states.map((state) => `(${branch([state, ...where])})`);
  return {
    text: `SELECT * FROM (${branches.join(" UNION ALL ")}) AS j ORDER BY id DESC LIMIT ${limit}`,
    values,
  };
}

/**
 * Contract: see `listJobsSql`. Sent unnamed (planned for its values on each call): a listing
 * is not hot, and its text varies with the filters.
 */
export async function listJobs(db: PgDatabase, query: JobListQuery): Promise<StoredJob[]> {
  const statement = listJobsSql(db.s, query);
  if (statement === null) return [];
  const { rows } = await db.queryUnnamed<JobRow>(statement.text, statement.values);
  return rows.map(rowToJob);
}

/**
 * The text search of `listJobs`: the exact id (when the text is one), or the text as a
 * case-insensitive substring (ILIKE, backslash escapes) of the idempotency key, the fn or the
 * last error's message. No index serves a substring: the walk stops once the limit matched.
 */
function searchSql(text: string, param: (value: unknown) => string): string {
  const like = param(containsPattern(text));
  const id = parseId(text);
  return (
    "(" +
    (id === null ? "" : `id = ${param(id)}::bigint OR `) +
    `idempotency_key ILIKE ${like} OR fn ILIKE ${like}` +
    ` OR (error IS NOT NULL AND (error::json ->> 'message') ILIKE ${like}))`
  );
}

/**
 * Contract: inputs now and a limit; running jobs whose lease expired before now, oldest expiry
 * first (id breaks ties). Uses jobs_running_lease_idx.
 */
export async function listExpired(
  db: PgDatabase,
  now: number,
  limit: number,
): Promise<StoredJob[]> {
  const { rows } = await db.query<JobRow>(
    `SELECT ${COLS} FROM ${db.s}.jobs
      WHERE state = 'running' AND lease_expires_at < $1
      ORDER BY lease_expires_at, id LIMIT $2`,
    [now, clampLimit(limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT)],
  );
  return rows.map(rowToJob);
}

/**
 * Contract: input $1, an array of fns; the earliest run_at of their scheduled/retrying jobs
 * (null when none). The first entry of each fn's range of jobs_waiting_fn_run_at_idx, so
 * waiting jobs of other functions are never walked.
 */
export const nextRunAtSql = (s: string): string => `SELECT min(w.run_at) AS run_at
       FROM unnest($1::text[]) AS f(fn)
       CROSS JOIN LATERAL (SELECT run_at FROM ${s}.jobs
                            WHERE state IN ('scheduled', 'retrying') AND fn = f.fn
                            ORDER BY run_at LIMIT 1) AS w`;

/** The earliest run_at of the fns' scheduled/retrying jobs, or null (see `nextRunAtSql`). */
export async function nextRunAt(db: PgDatabase, fns: readonly string[]): Promise<number | null> {
  if (fns.length === 0) return null;
  const { rows } = await db.query<{ run_at: number | null }>(nextRunAtSql(db.s), [[...fns]]);
  return rows[0]?.run_at ?? null;
}

/**
 * Contract: inputs a concurrency key and a limit; its running jobs, oldest id first. Uses
 * jobs_running_key_idx; worker capacity bounds them.
 */
export async function listRunningWithKey(
  db: PgDatabase,
  key: string,
  limit: number,
): Promise<StoredJob[]> {
  const { rows } = await db.query<JobRow>(
    `SELECT ${COLS} FROM ${db.s}.jobs
      WHERE state = 'running' AND concurrency_key IS NOT NULL AND concurrency_key = $1
      ORDER BY id LIMIT $2`,
    [key, clampLimit(limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT)],
  );
  return rows.map(rowToJob);
}

/**
 * Contract: inputs a claim-order position and a limit; the queued jobs ahead of it, up to the
 * limit from each of the two ranges of jobs_queued_claim_idx it walks: higher priorities, then
 * the same priority with an earlier (run_at, id).
 */
export async function countQueuedAhead(
  db: PgDatabase,
  position: ClaimOrderPosition,
  limit: number,
): Promise<number> {
  const cap = clampLimit(limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
  const id = parseId(position.jobId) ?? "9223372036854775807";
  const { rows } = await db.query<{ n: number }>(
    `SELECT
       (SELECT count(*) FROM (SELECT 1 FROM ${db.s}.jobs
          WHERE state = 'queued' AND priority > $1 LIMIT $4) a)::int
     + (SELECT count(*) FROM (SELECT 1 FROM ${db.s}.jobs
          WHERE state = 'queued' AND priority = $1 AND (run_at, id) < ($2, $3::bigint)
          LIMIT $4) b)::int AS n`,
    [position.priority, position.runAt, id, cap],
  );
  return Math.min(cap, Number(rows[0]?.n ?? 0));
}
