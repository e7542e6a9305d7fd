/**
 * @module stores/sqlite/live-counts
 * The grouped reads behind `liveCounts` (jobs) and `liveRunCounts` (workflow runs), for
 * metrics. Each live state is its own `state = '<state>'` branch, so SQLite can use the
 * partial index of that state (a set of states would not match a partial index's condition;
 * see migration 1). The running branch names its index: left alone, the planner prefers
 * walking every job in `jobs_fn_id_idx` order to skip the GROUP BY's sort.
 */
import type Database from "better-sqlite3";
import type { LiveJobCounts } from "../../ports/job-store.js";
import type { RunState } from "../../core/workflows/states.js";
import { toLiveJobCounts, toLiveRunCounts } from "../live-counts.js";

/** The live jobs per (fn, state). */
export const LIVE_JOBS_SQL = `SELECT fn, 'scheduled' AS state, count(*) AS count FROM jobs
      WHERE state = 'scheduled' GROUP BY fn
     UNION ALL
     SELECT fn, 'queued', count(*) FROM jobs
      WHERE state = 'queued' GROUP BY fn
     UNION ALL
     SELECT fn, 'retrying', count(*) FROM jobs
      WHERE state = 'retrying' GROUP BY fn
     UNION ALL
     SELECT fn, 'running', count(*) FROM jobs INDEXED BY jobs_running_lease_idx
      WHERE state = 'running' GROUP BY fn`;

/** Per fn, the due waiting jobs: how many, earliest run_at (input now). */
export const LIVE_QUEUES_SQL = `SELECT fn, count(*) AS depth, min(run_at) AS oldest FROM (
       SELECT fn, run_at FROM jobs WHERE state = 'queued'
       UNION ALL
       SELECT fn, run_at FROM jobs
        WHERE state = 'retrying' AND run_at <= ?)
     GROUP BY fn`;

/** Runs queued and running per workflow. */
export const LIVE_RUNS_SQL = `SELECT workflow, state, count(*) AS count FROM workflow_runs
      WHERE state = 'queued' GROUP BY workflow
     UNION ALL
     SELECT workflow, state, count(*) FROM workflow_runs
      WHERE state = 'running' GROUP BY workflow`;

/** Prepare the live job counts read. */
export function prepareLiveCounts(db: Database.Database): (now: number) => LiveJobCounts {
  // Contract: the live jobs per (fn, state); pending states from the covering
  // jobs_pending_state_fn_idx, running ones through jobs_running_lease_idx.
  const jobs = db.prepare<[], { fn: string; state: string; count: number }>(LIVE_JOBS_SQL);
  // Contract: input now; per fn the jobs due and waiting (queued, or retrying with
  // run_at <= now), how many and the earliest run_at (jobs_pending_state_fn_idx per state).
  const queues = db.prepare<[number], { fn: string; depth: number; oldest: number | null }>(
    LIVE_QUEUES_SQL,
  );
  const read = db.transaction((now: number) => toLiveJobCounts(jobs.all(), queues.all(now)));
  return (now) => read(now);
}

/** Prepare the live run counts read. */
export function prepareLiveRunCounts(
  db: Database.Database,
): () => { workflow: string; state: RunState; count: number }[] {
  // Contract: runs queued and running per workflow (a workflow_runs_state_idx range per
  // state, then the row for its workflow).
  const runs = db.prepare<[], { workflow: string; state: string; count: number }>(LIVE_RUNS_SQL);
  return () => toLiveRunCounts(runs.all());
}
