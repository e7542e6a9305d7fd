/**
 * @module stores/sqlite/read-jobs
 * Statement family: reads of `jobs` (get, list, expired leases, next run-at, a key's running
 * jobs, the queue ahead of a job). Single SELECTs,
 * each a consistent snapshot on its own; none takes the write lock. Rows are read in raw mode
 * (`JOB_COLUMNS`, see job-row).
 */
import type Database from "better-sqlite3";
import { ValidationError } from "../../core/errors.js";
import { JOB_STATES, type JobState } from "../../core/jobs/states.js";
import type { ClaimOrderPosition, JobListQuery, StoredJob } from "../../ports/job-store.js";
import { containsPattern } from "../search-pattern.js";
import { clampLimit, parseJobId } from "./arguments.js";
import { JOB_COLUMNS, type JobTuple, tupleToJob } from "./job-row.js";

/** Default and maximum page size of `list`. */
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 10_000;

/**
 * Contract: input a JSON array of fns; the earliest run_at of their scheduled/retrying jobs
 * (null when none). The first entry of each fn's range of jobs_waiting_fn_run_at_idx, so
 * waiting jobs of other functions are never walked.
 */
export const NEXT_RUN_AT_SQL = `SELECT min(first) AS run_at FROM (
       SELECT (SELECT run_at FROM jobs INDEXED BY jobs_waiting_fn_run_at_idx
                WHERE state IN ('scheduled', 'retrying') AND fn = f.value
                ORDER BY run_at LIMIT 1) AS first
         FROM json_each(?) AS f)`;

/** The read statements, prepared once per store. */
export interface JobReads {
  get(jobId: string): StoredJob | null;
  list(query: JobListQuery): StoredJob[];
  listExpired(now: number, limit: number): StoredJob[];
  nextRunAt(fns: readonly string[]): number | null;
  listRunningWithKey(key: string, limit: number): StoredJob[];
  countQueuedAhead(position: ClaimOrderPosition, limit: number): number;
}

/** Which index lists jobs of a state (see migration 001). */
type StateGroup = "pending" | "running" | "settled";

const STATE_GROUP: Readonly<Record<JobState, StateGroup>> = {
  scheduled: "pending",
  queued: "pending",
  retrying: "pending",
  running: "running",
  succeeded: "settled",
  failed: "settled",
  cancelled: "settled",
  timed_out: "settled",
  stopped: "settled",
};

/** The shape of a `list` call: one statement is prepared (and cached) per shape. */
interface ListShape {
  readonly fn: boolean;
  readonly before: boolean;
  /** A text search (@qid, @qlike; see SEARCH_SQL). */
  readonly search: boolean;
  /** Groups of the requested states, one entry per state, in parameter order; null: no filter. */
  readonly groups: readonly StateGroup[] | null;
}

/**
 * The text search of `list`: the exact id @qid (null when the text is not an id), or @qlike (a
 * `containsPattern`) in the idempotency key, the fn or the last error's message. SQLite's LIKE
 * folds ASCII case only. No index serves a substring: the list walks its index newest first and
 * tests each row until @limit match (early when matches are common, the whole range when rare).
 */
const SEARCH_SQL =
  " AND (id = @qid OR idempotency_key LIKE @qlike ESCAPE '\\' OR fn LIKE @qlike ESCAPE '\\'" +
  " OR (error IS NOT NULL AND json_extract(error, '$.message') LIKE @qlike ESCAPE '\\'))";

/**
 * The SQL of a `list` shape. Contract of each: newest first (id DESC), at most @limit rows,
 * optionally of fn @fn, below id @before, and in one of the states @s0, @s1, ... Every shape is
 * index-driven:
 *
 * - no state: the rowid, or jobs_fn_id_idx for a fn, walked newest first;
 * - per requested state, the ids of its newest @limit jobs from the index of its group:
 *   jobs_settled_state_id_idx (walked in id order), jobs_pending_state_fn_idx (walked in id
 *   order for a fn; else that state's entries are read from the index alone and the newest
 *   kept), jobs_running_lease_idx (running jobs, few, read from the index alone); then the
 *   union of those ids, newest first, selects the rows. The group conditions repeat the
 *   indexes' conditions word for word, which is what lets SQLite use them.
 */
export function listSql(shape: ListShape): string {
  const filters =
    (shape.fn ? " AND fn = @fn" : "") +
    (shape.before ? " AND id < @before" : "") +
    (shape.search ? SEARCH_SQL : "");
  if (shape.groups === null) {
    const where = filters === "" ? "" : ` WHERE ${filters.slice(" AND ".length)}`;
    return (
      `SELECT ${JOB_COLUMNS} FROM jobs${shape.fn ? " INDEXED BY jobs_fn_id_idx" : ""}${where}` +
      " ORDER BY id DESC LIMIT @limit + 0"
    );
  }
  const sources = shape.groups.map((group, i) => {
    const state = `+@s${i}`;
    let from: string;
    switch (group) {
      case "pending":
        from =
          "jobs INDEXED BY jobs_pending_state_fn_idx" +
          " WHERE (state = 'scheduled' OR state = 'queued' OR state = 'retrying')" +
          ` AND state = ${state}`;
        break;
      case "running":
        from = `jobs INDEXED BY jobs_running_lease_idx WHERE state = 'running' AND state = ${state}`;
        break;
      case "settled":
        // With a fn, SQLite may walk jobs_fn_id_idx instead, whichever it deems narrower.
        from =
          `jobs${shape.fn ? "" : " INDEXED BY jobs_settled_state_id_idx"}` +
          " WHERE (state = 'succeeded' OR state = 'failed' OR state = 'cancelled'" +
          " OR state = 'timed_out' OR state = 'stopped')" +
          ` AND state = ${state}`;
        break;
    }
    return `SELECT id FROM (SELECT id FROM ${from}${filters} ORDER BY id DESC LIMIT @limit + 0)`;
  });
  return (
    `SELECT ${JOB_COLUMNS} FROM jobs WHERE id IN (${sources.join(" UNION ALL ")})` +
    " ORDER BY id DESC LIMIT @limit + 0"
  );
}

/** Prepare the read statements once. */
export function prepareReads(db: Database.Database): JobReads {
  // Contract: input a job id; the row or nothing.
  const byId = db.prepare<[number], JobTuple>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`).raw();

  // Contract: inputs now and a limit; running jobs whose lease expired before now, oldest
  // expiry first (id breaks ties). Uses jobs_running_lease_idx.
  const expired = db
    .prepare<[number, number], JobTuple>(
      `SELECT ${JOB_COLUMNS} FROM jobs
        WHERE state = 'running' AND lease_expires_at < ?
        ORDER BY lease_expires_at, id LIMIT ? + 0`,
    )
    .raw();

  const earliest = db.prepare<[string], { run_at: number | null }>(NEXT_RUN_AT_SQL);

  // `list` statements (see listSql), prepared on first use and cached per shape.
  const listStatements = new Map<string, Database.Statement<Record<string, unknown>, JobTuple>>();
  const listStatement = (shape: ListShape) => {
    const cacheKey = `${shape.fn}/${shape.before}/${shape.search}/${shape.groups?.join(",") ?? "-"}`;
    let statement = listStatements.get(cacheKey);
    if (statement === undefined) {
      statement = db.prepare<Record<string, unknown>, JobTuple>(listSql(shape)).raw();
      listStatements.set(cacheKey, statement);
    }
    return statement;
  };

  return {
    get: (jobId) => {
      const id = parseJobId(jobId);
      const row = id === null ? undefined : byId.get(id);
      return row === undefined ? null : tupleToJob(row);
    },

    list: (query) => {
      const limit = clampLimit(query.limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
      let before: number | undefined;
      if (query.beforeId !== undefined) {
        const parsed = parseJobId(query.beforeId);
        if (parsed === null) {
          throw new ValidationError(
            `beforeId "${query.beforeId}" is not a job id; pass the id of the last job of the previous page`,
          );
        }
        before = parsed;
      }
      const params: Record<string, unknown> = { limit };
      let groups: StateGroup[] | null = null;
      if (query.state !== undefined) {
        // A state no job can be in matches nothing; so does an empty list of states.
        // Canonical order (JOB_STATES), so that each set of states has one cached statement.
        const wanted = new Set<string>(([] as string[]).concat(query.state));
        const states = JOB_STATES.filter((state) => wanted.has(state));
        if (states.length === 0) return [];
        groups = states.map((state, i) => {
          params[`s${i}`] = state;
          return STATE_GROUP[state];
        });
      }
      if (query.fn !== undefined) params.fn = query.fn;
      if (before !== undefined) params.before = before;
      const search = query.search !== undefined && query.search !== "";
      if (search) {
        params.qid = parseJobId(query.search);
        params.qlike = containsPattern(query.search);
      }
      const statement = listStatement({
        fn: query.fn !== undefined,
        before: before !== undefined,
        search,
        groups,
      });
      return statement.all(params).map(tupleToJob);
    },

    listExpired: (now, limit) =>
      expired.all(now, clampLimit(limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT)).map(tupleToJob),

    ...prepareQueueReads(db),

    nextRunAt: (fns) =>
      fns.length === 0 ? null : (earliest.get(JSON.stringify(fns))?.run_at ?? null),
  };
}

/** The reads behind "why isn't it running?": a key's running jobs, the queue ahead of a job. */
function prepareQueueReads(
  db: Database.Database,
): Pick<JobReads, "listRunningWithKey" | "countQueuedAhead"> {
  // Contract: inputs a concurrency key and a limit; its running jobs, oldest id first. Uses
  // jobs_running_key_idx (its condition repeated word for word); worker capacity bounds them.
  const runningWithKey = db
    .prepare<[string, number], JobTuple>(
      `SELECT ${JOB_COLUMNS} FROM jobs INDEXED BY jobs_running_key_idx
        WHERE state = 'running' AND concurrency_key IS NOT NULL AND concurrency_key = ?
        ORDER BY id LIMIT ? + 0`,
    )
    .raw();

  // Contract: inputs a claim-order position (@p priority, @r run_at, @id) and @limit; the
  // queued jobs ahead of it, up to @limit from each of the two ranges of jobs_queued_claim_idx
  // it walks: higher priorities, then the same priority with an earlier (run_at, id).
  const queuedAhead = db.prepare<Record<string, number>, { n: number }>(
    `SELECT
       (SELECT count(*) FROM (SELECT 1 FROM jobs INDEXED BY jobs_queued_claim_idx
          WHERE state = 'queued' AND priority > @p LIMIT @limit + 0))
     + (SELECT count(*) FROM (SELECT 1 FROM jobs INDEXED BY jobs_queued_claim_idx
          WHERE state = 'queued' AND priority = @p AND (run_at, id) < (@r, @id)
          LIMIT @limit + 0)) AS n`,
  );

  return {
    listRunningWithKey: (key, limit) =>
      runningWithKey
        .all(key, clampLimit(limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT))
        .map(tupleToJob),

    countQueuedAhead: (position, limit) => {
      const id = parseJobId(position.jobId) ?? Number.MAX_SAFE_INTEGER;
      const cap = clampLimit(limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
      const params = { p: position.priority, r: position.runAt, id, limit: cap };
      return Math.min(cap, queuedAhead.get(params)?.n ?? 0);
    },
  };
}
