/**
 * @module stores/sqlite/job-stats
 * The grouped reads behind `jobStats`: finished jobs per bucket and state, created jobs per
 * bucket. Each names its index (migration 13): the finished read repeats the index's OR-ed
 * condition word for word and reads the index only; the created read is a range of
 * `jobs_created_at_idx`. Instants are non-negative offsets from `since`, so integer division
 * is the floor; the inputs are bound as integers (BigInt: a JS number binds as REAL, which
 * would make the division real).
 */
import type Database from "better-sqlite3";
import type { JobState } from "../../core/jobs/states.js";
import type { JobStatsQuery, JobStatsRows } from "../../ports/job-store.js";

type Bound = { since: bigint; until: bigint; bucketMs: bigint };

/** Finished jobs per (bucket, state) (inputs since, until, bucketMs). */
export const FINISHED_STATS_SQL = `SELECT (finished_at - :since) / :bucketMs AS bucket, state,
       count(*) AS count
  FROM jobs INDEXED BY jobs_finished_at_idx
 WHERE (state = 'succeeded' OR state = 'failed' OR state = 'cancelled' OR state = 'timed_out')
   AND finished_at >= :since AND finished_at < :until
 GROUP BY bucket, state ORDER BY bucket, state`;

/** Created jobs per bucket (inputs since, until, bucketMs). */
export const ENQUEUED_STATS_SQL = `SELECT (created_at - :since) / :bucketMs AS bucket,
       count(*) AS count
  FROM jobs INDEXED BY jobs_created_at_idx
 WHERE created_at >= :since AND created_at < :until
 GROUP BY bucket ORDER BY bucket`;

/** Prepare the stats read (one read transaction, so both series see one snapshot). */
export function prepareJobStats(db: Database.Database): (query: JobStatsQuery) => JobStatsRows {
  // Contract: inputs since, until, bucketMs; finished jobs per bucket and terminal state
  // (a range of jobs_finished_at_idx, index only).
  const finished = db.prepare<[Bound], { bucket: number; state: JobState; count: number }>(
    FINISHED_STATS_SQL,
  );
  // Contract: inputs since, until, bucketMs; created jobs per bucket (a range of
  // jobs_created_at_idx, index only).
  const enqueued = db.prepare<[Bound], { bucket: number; count: number }>(ENQUEUED_STATS_SQL);
  const read = db.transaction((q: Bound) => ({
    finished: finished.all(q),
    enqueued: enqueued.all(q),
  }));
  return (query) => {
    const q = {
      since: BigInt(Math.floor(query.since)),
      until: BigInt(Math.floor(query.until)),
      bucketMs: BigInt(Math.floor(query.bucketMs)),
    };
    return read.deferred(q);
  };
}
