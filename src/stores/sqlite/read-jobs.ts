/**
 * @module stores/sqlite/read-jobs
 * Statement family: reads of `jobs` (get, list, expired leases, next run-at). Single SELECTs,
 * each a consistent snapshot on its own; none takes the write lock.
 */
import type Database from "better-sqlite3";
import { ValidationError } from "../../core/errors.js";
import type { JobListQuery, StoredJob } from "../../ports/job-store.js";
import { clampLimit, parseJobId } from "./arguments.js";
import { type JobRow, rowToJob } from "./job-row.js";

/** Default and maximum page size of `list`. */
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 10_000;

/** The read statements, prepared once per store. */
export interface JobReads {
  get(jobId: string): StoredJob | null;
  list(query: JobListQuery): StoredJob[];
  listExpired(now: number, limit: number): StoredJob[];
  nextRunAt(fns: readonly string[]): number | null;
}

/** Prepare the read statements once. */
export function prepareReads(db: Database.Database): JobReads {
  // Contract: input a job id; the row or nothing.
  const byId = db.prepare<[number], JobRow>("SELECT * FROM jobs WHERE id = ?");

  // Contract: inputs now and a limit; running jobs whose lease expired before now, oldest
  // expiry first (id breaks ties). Uses jobs_running_lease_idx.
  const expired = db.prepare<[number, number], JobRow>(
    `SELECT * FROM jobs
      WHERE state = 'running' AND lease_expires_at < ?
      ORDER BY lease_expires_at, id LIMIT ?`,
  );

  // Contract: input a JSON array of fns; the earliest run_at of their scheduled/retrying jobs.
  // Walks jobs_waiting_run_at_idx in run_at order and stops at the first job of one of the fns.
  const earliest = db.prepare<[string], { run_at: number }>(
    `SELECT run_at FROM jobs INDEXED BY jobs_waiting_run_at_idx
      WHERE state IN ('scheduled', 'retrying') AND fn IN (SELECT value FROM json_each(?))
      ORDER BY run_at LIMIT 1`,
  );

  // `list` has one statement per filter shape (fn? state one/many? beforeId?), prepared on first
  // use and cached. Contract of each: newest first (id DESC), at most `limit` rows. A single
  // state is bound with `=` so SQLite can walk jobs_state_id_idx / jobs_fn_state_id_idx in id
  // order; several states use json_each and may sort.
  const listStatements = new Map<string, Database.Statement<Record<string, unknown>, JobRow>>();
  const listStatement = (shape: {
    fn: boolean;
    state: "none" | "one" | "many";
    before: boolean;
  }) => {
    const cacheKey = `${shape.fn}/${shape.state}/${shape.before}`;
    let statement = listStatements.get(cacheKey);
    if (statement === undefined) {
      const where: string[] = [];
      if (shape.fn) where.push("fn = @fn");
      if (shape.state === "one") where.push("state = @state");
      if (shape.state === "many") where.push("state IN (SELECT value FROM json_each(@states))");
      if (shape.before) where.push("id < @before");
      const sql =
        "SELECT * FROM jobs" +
        (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
        " ORDER BY id DESC LIMIT @limit";
      statement = db.prepare<Record<string, unknown>, JobRow>(sql);
      listStatements.set(cacheKey, statement);
    }
    return statement;
  };

  return {
    get: (jobId) => {
      const id = parseJobId(jobId);
      const row = id === null ? undefined : byId.get(id);
      return row === undefined ? null : rowToJob(row);
    },

    list: (query) => {
      const limit = clampLimit(query.limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
      const states = query.state === undefined ? undefined : ([] as string[]).concat(query.state);
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
      const statement = listStatement({
        fn: query.fn !== undefined,
        state: states === undefined ? "none" : states.length === 1 ? "one" : "many",
        before: before !== undefined,
      });
      const params: Record<string, unknown> = { limit };
      if (query.fn !== undefined) params.fn = query.fn;
      if (states?.length === 1) params.state = states[0];
      else if (states !== undefined) params.states = JSON.stringify(states);
      if (before !== undefined) params.before = before;
      return statement.all(params).map(rowToJob);
    },

    listExpired: (now, limit) =>
      expired.all(now, clampLimit(limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT)).map(rowToJob),

    nextRunAt: (fns) =>
      fns.length === 0 ? null : (earliest.get(JSON.stringify(fns))?.run_at ?? null),
  };
}
