/**
 * @module stores/postgres/retention
 * Statement family: retention of finished jobs (`deleteFinishedJobs`). One call is ONE
 * statement (hence one short transaction) that deletes at most `limit` jobs; their log lines
 * go with them (ON DELETE CASCADE through `job_logs_job_at_idx`), and so do their attempt
 * records (a stage `attempts` of the same statement, through the job_attempts key: that table
 * has no foreign key, see migration 6). The statement returns the number of jobs deleted.
 *
 * Index: `jobs_finished_fn_idx` (migration 4), finished jobs by (fn, finished_at). With a `fn`
 * the expired jobs are one range of it. Without one, a recursive CTE skips from function to
 * function through it (one probe per function that has finished jobs), leaves out the
 * excluded functions, and takes from each function's range until the batch is full (the
 * executor pulls lazily, so it stops once `limit` ids are found): jobs a function keeps
 * (longer retention, or forever) are never walked, so a batch costs O(limit + functions),
 * whatever the number of jobs kept. Each statement repeats the index's condition.
 *
 * Locking: the DELETE locks the rows it deletes. Finished rows are written by nobody else
 * (terminal states never change); a concurrent `cancel` of a finished job only reads it under
 * `FOR UPDATE`, so the DELETE waits at most for that one statement. Stopped, pending, running
 * and retrying jobs are not in the index and are never deleted.
 */
import type { FinishedJobsDeletion } from "../../ports/job-store.js";
import { checkJobsDeletion } from "../retention-args.js";
import type { PgDatabase } from "./database.js";

/** The terminal states, exactly as `jobs_finished_fn_idx` states them. */
const FINISHED = "state IN ('succeeded', 'failed', 'cancelled', 'timed_out')";

/**
 * The statements' SQL for schema `s` (exported for the plan test).
 *
 * `ofFn` — contract: inputs fn, cutoff, limit; deletes up to `limit` finished jobs of fn that
 * finished before the cutoff, oldest first. A range of jobs_finished_fn_idx.
 *
 * `anyFn` — contract: inputs cutoff, limit, excluded fns; deletes up to `limit` finished jobs of
 * any other fn that finished before the cutoff. `fns` walks the distinct fns of
 * jobs_finished_fn_idx (one index probe each); `victims` takes each fn's oldest expired jobs
 * from its range of the same index and stops at `limit`.
 *
 * Both delete `WHERE id = ANY (ARRAY(...))`: the ids are collected first (an init plan) and the
 * rows found by primary key. With `id IN (subquery)` the planner, estimating thousands of ids,
 * prefers a hash semi-join over a sequential scan of the whole table. The attempts go the same
 * way (`job_id = ANY (ARRAY(SELECT id FROM gone))`).
 */
export function retentionSql(s: string): { readonly ofFn: string; readonly anyFn: string } {
  return {
    ofFn: `WITH gone AS (
       DELETE FROM ${s}.jobs WHERE id = ANY (ARRAY(
         SELECT id FROM ${s}.jobs
          WHERE fn = $1 AND ${FINISHED} AND finished_at < $2
          ORDER BY finished_at LIMIT $3))
       RETURNING id
     )${attemptsOf(s)}`,
    anyFn: `WITH RECURSIVE fns (fn) AS (
       (SELECT fn FROM ${s}.jobs WHERE ${FINISHED} ORDER BY fn LIMIT 1)
       UNION ALL
       SELECT (SELECT j.fn FROM ${s}.jobs AS j
                WHERE j.fn > fns.fn AND j.${FINISHED} ORDER BY j.fn LIMIT 1)
         FROM fns WHERE fns.fn IS NOT NULL
     ),
     victims AS (
       SELECT v.id FROM fns
        CROSS JOIN LATERAL (
          SELECT j.id FROM ${s}.jobs AS j
           WHERE j.fn = fns.fn AND j.${FINISHED} AND j.finished_at < $1
           ORDER BY j.finished_at LIMIT $2) AS v
        WHERE fns.fn IS NOT NULL AND fns.fn <> ALL ($3::text[])
        LIMIT $2
     ),
     gone AS (DELETE FROM ${s}.jobs WHERE id = ANY (ARRAY(SELECT id FROM victims)) RETURNING id)
     ${attemptsOf(s)}`,
  };
}

/** The stage deleting the attempt records of the jobs in `gone`, and the count of those jobs. */
function attemptsOf(s: string): string {
  return `,
     attempts AS (
       DELETE FROM ${s}.job_attempts WHERE job_id = ANY (ARRAY(SELECT id FROM gone))
     )
     SELECT count(*)::int AS deleted FROM gone`;
}

/** Delete up to `limit` expired finished jobs (see the module header); returns how many. */
export async function deleteFinishedJobs(
  db: PgDatabase,
  deletion: FinishedJobsDeletion,
): Promise<number> {
  const { finishedBefore, fn, excludeFns, limit } = checkJobsDeletion(deletion);
  if (limit === 0) return 0;
  const s = db.s;
  if (fn !== null) {
    if (excludeFns.includes(fn)) return 0;
    const { rows } = await db.query<{ deleted: number }>(retentionSql(s).ofFn, [
      fn,
      finishedBefore,
      limit,
    ]);
    return rows[0]?.deleted ?? 0;
  }
  const { rows } = await db.query<{ deleted: number }>(retentionSql(s).anyFn, [
    finishedBefore,
    limit,
    excludeFns,
  ]);
  return rows[0]?.deleted ?? 0;
}
