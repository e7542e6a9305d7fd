/**
 * @module stores/postgres/job-stats
 * The grouped read behind `jobStats`: one statement (one snapshot) returning both series,
 * finished jobs per bucket and state (a range of `jobs_finished_at_idx`, migration 12) and
 * created jobs per bucket (a range of `jobs_created_at_idx`, migration 12). Offsets from `since` are non-negative, so bigint
 * division is the floor.
 */
import type { JobState } from "../../core/jobs/states.js";
import type { JobStatsQuery, JobStatsRows } from "../../ports/job-store.js";
import type { PgDatabase } from "./database.js";

/**
 * The statement of `jobStats` for schema `s` (exported for the plan test). Contract: inputs
 * since, until, bucketMs; rows of kind 'finished' (bucket, state, count) and 'enqueued'
 * (bucket, count), sorted by kind, bucket, state.
 */
export const jobStatsSql = (s: string): string =>
  `SELECT 'finished' AS kind, ((finished_at - $1::bigint) / $3::bigint)::int AS bucket, state,
            count(*)::int AS count
       FROM ${s}.jobs
      WHERE state IN ('succeeded', 'failed', 'cancelled', 'timed_out')
        AND finished_at >= $1::bigint AND finished_at < $2::bigint
      GROUP BY 2, 3
     UNION ALL
     SELECT 'enqueued', ((created_at - $1::bigint) / $3::bigint)::int, NULL, count(*)::int
       FROM ${s}.jobs
      WHERE created_at >= $1::bigint AND created_at < $2::bigint
      GROUP BY 2
     ORDER BY 1, 2, 3`;

/** Both series of a stats window (see `JobStore.jobStats`). */
export async function jobStats(db: PgDatabase, query: JobStatsQuery): Promise<JobStatsRows> {
  const { s } = db;
  // Contract: see jobStatsSql. Unnamed: planned for the window's own bounds on each call.
  const { rows } = await db.queryUnnamed<{
    kind: "finished" | "enqueued";
    bucket: number;
    state: string | null;
    count: number;
  }>(jobStatsSql(s), [query.since, query.until, query.bucketMs]);
  return {
    finished: rows
      .filter((r) => r.kind === "finished")
      .map((r) => ({ bucket: r.bucket, state: r.state as JobState, count: r.count })),
    enqueued: rows
      .filter((r) => r.kind === "enqueued")
      .map((r) => ({ bucket: r.bucket, count: r.count })),
  };
}
