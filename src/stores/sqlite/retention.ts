/**
 * @module stores/sqlite/retention
 * Statement family: retention of finished jobs (`deleteFinishedJobs`). One call is one
 * `BEGIN IMMEDIATE` transaction that deletes at most `limit` jobs, each with its log lines
 * (ON DELETE CASCADE through `job_logs_job_at_idx`), so workers wait for the write lock at most
 * one short batch.
 *
 * Index: `jobs_finished_fn_idx` (migration 4), finished jobs by (fn, finished_at). With a `fn`
 * the expired jobs are one range of it. Without one, the statement skips from function to
 * function through it (one probe per function that has finished jobs), leaving out the
 * excluded functions, and deletes from each function's range until the batch is full: jobs a
 * function keeps (longer retention, or forever) are never walked, so a batch costs O(limit +
 * functions), whatever the number of jobs kept. Every statement repeats the index's condition
 * word for word and names it (`INDEXED BY`), as migration 1 explains.
 *
 * Stopped jobs are not in the index (they can be started again), nor are pending, running or
 * retrying ones: they are never deleted.
 */
import type Database from "better-sqlite3";
import type { FinishedJobsDeletion } from "../../ports/job-store.js";
import { checkJobsDeletion } from "../retention-args.js";

/** The terminal states, exactly as `jobs_finished_fn_idx` states them. */
const FINISHED =
  "(state = 'succeeded' OR state = 'failed' OR state = 'cancelled' OR state = 'timed_out')";

/** The statements' SQL (exported for the plan test). */
export const RETENTION_SQL = {
  nextFn: `SELECT fn FROM jobs INDEXED BY jobs_finished_fn_idx
            WHERE fn > ? AND ${FINISHED} ORDER BY fn LIMIT 1`,
  deleteOfFn: `DELETE FROM jobs WHERE id IN (
                 SELECT id FROM jobs INDEXED BY jobs_finished_fn_idx
                  WHERE fn = ? AND ${FINISHED} AND finished_at < ?
                  ORDER BY finished_at LIMIT ? + 0)`,
} as const;

/** Prepare the retention statements once; returns `deleteFinishedJobs`. */
export function prepareRetention(
  db: Database.Database,
): (deletion: FinishedJobsDeletion) => number {
  // Contract: input a function name (or '' to start); the next function, in name order, that
  // has at least one finished job, or none. One probe of jobs_finished_fn_idx.
  const nextFn = db.prepare<[string], string>(RETENTION_SQL.nextFn).pluck();

  // Contract: inputs fn, cutoff, limit; deletes up to `limit` finished jobs of fn that finished
  // before the cutoff, oldest first, with their log lines (cascade). A range of
  // jobs_finished_fn_idx; the rows are then deleted by rowid.
  const deleteOfFn = db.prepare<[string, number, number]>(RETENTION_SQL.deleteOfFn);

  const run = db.transaction((deletion: FinishedJobsDeletion): number => {
    const { finishedBefore, fn, excludeFns, limit } = checkJobsDeletion(deletion);
    if (limit === 0) return 0;
    if (fn !== null) {
      return excludeFns.includes(fn) ? 0 : deleteOfFn.run(fn, finishedBefore, limit).changes;
    }
    const excluded = new Set(excludeFns);
    let deleted = 0;
    for (let name = nextFn.get(""); name !== undefined; name = nextFn.get(name)) {
      if (excluded.has(name)) continue;
      deleted += deleteOfFn.run(name, finishedBefore, limit - deleted).changes;
      if (deleted >= limit) break;
    }
    return deleted;
  });

  return (deletion) => run.immediate(deletion);
}
