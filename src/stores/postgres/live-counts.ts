/**
 * @module stores/postgres/live-counts
 * The grouped reads behind `liveCounts` (jobs) and `liveRunCounts` (workflow runs), for
 * metrics. Both read one snapshot (one statement each; the job read is a single statement
 * returning both groupings) and use the partial indexes of the live state groups, so their
 * cost grows with the live rows only.
 */
import type { RunState } from "../../core/workflows/states.js";
import type { LiveJobCounts } from "../../ports/job-store.js";
import { toLiveJobCounts, toLiveRunCounts } from "../live-counts.js";
import type { PgDatabase } from "./database.js";

/**
 * The job statement of `liveCounts` for schema `s` (exported for the plan test).
 * Contract: input now; one row per live (fn, state) with its count (`kind` 'job'), and one
 * per fn with jobs due and waiting (queued, or retrying with run_at <= now): the count and
 * the earliest run_at (`kind` 'queue'). Each state group is named as written in its partial
 * index (migration 17), so the planner matches them: jobs_pending_fn_state_id_idx and
 * jobs_running_lease_idx.
 */
export const liveCountsSql = (s: string): string =>
  `WITH live AS (
       SELECT fn, state, run_at FROM ${s}.jobs
        WHERE state IN ('scheduled', 'queued', 'retrying')
       UNION ALL
       SELECT fn, state, run_at FROM ${s}.jobs WHERE state = 'running')
     SELECT 'job' AS kind, fn, state, count(*)::int AS count, NULL::bigint AS oldest
       FROM live GROUP BY fn, state
     UNION ALL
     SELECT 'queue', fn, NULL, count(*)::int, min(run_at)
       FROM live WHERE state = 'queued' OR (state = 'retrying' AND run_at <= $1)
      GROUP BY fn`;

/** The live job counts and due queues (see `JobStore.liveCounts`). */
export async function liveCounts(db: PgDatabase, now: number): Promise<LiveJobCounts> {
  const { s } = db;
  const { rows } = await db.query<{
    kind: "job" | "queue";
    fn: string;
    state: string | null;
    count: number;
    oldest: number | null;
  }>(liveCountsSql(s), [now]);
  return toLiveJobCounts(
    rows
      .filter((r) => r.kind === "job")
      .map((r) => ({ fn: r.fn, state: r.state!, count: r.count })),
    rows
      .filter((r) => r.kind === "queue")
      .map((r) => ({ fn: r.fn, depth: r.count, oldest: r.oldest })),
  );
}

/** Runs queued and running per workflow (see `WorkflowStore.liveRunCounts`). */
export async function liveRunCounts(
  db: PgDatabase,
): Promise<{ workflow: string; state: RunState; count: number }[]> {
  // Contract: runs queued and running per workflow (workflow_runs_queued_idx,
  // workflow_runs_running_idx: both partial, per state).
  const { rows } = await db.query<{ workflow: string; state: string; count: number }>(
    `SELECT workflow, 'queued' AS state, count(*)::int AS count FROM ${db.s}.workflow_runs
      WHERE state = 'queued' GROUP BY workflow
     UNION ALL
     SELECT workflow, 'running', count(*)::int FROM ${db.s}.workflow_runs
      WHERE state = 'running' GROUP BY workflow`,
  );
  return toLiveRunCounts(rows);
}
