/**
 * @module stores/sqlite/workflows/planner-queries
 * Statement family: what the planner and the reapers ask — runs to plan (running, needsPlan or
 * nextPlanAt due; oldest change first), the next planned look, stalled runs (running, no
 * progress since the cutoff), tasks queued before the cutoff whose job never started, and the
 * context of a task's job (its run and its direct upstreams' results).
 */
import type Database from "better-sqlite3";
import type { QueuedTaskRef, TaskContextRecord } from "../../../ports/workflow-store.js";
import { clampLimit, parseJobId } from "../arguments.js";
import { prepareRunHeads } from "./run-heads.js";

/** Prepare the planner's and reapers' queries once. */
export function preparePlannerQueries(db: Database.Database) {
  // Contract: running runs to plan, oldest change first: the flagged ones
  // (workflow_runs_plan_idx) and those whose planned look is due (workflow_runs_plan_at_idx).
  // INDEXED BY: without statistics SQLite would scan every running run instead.
  const toPlan = db.prepare<{ now: number; limit: number }, { id: number }>(
    `SELECT id, updated_at FROM workflow_runs INDEXED BY workflow_runs_plan_idx
      WHERE state = 'running' AND needs_plan = 1
     UNION
     SELECT id, updated_at FROM workflow_runs INDEXED BY workflow_runs_plan_at_idx
      WHERE state = 'running' AND next_plan_at IS NOT NULL AND next_plan_at <= @now
     ORDER BY updated_at, id LIMIT @limit`,
  );
  // Contract: the earliest next_plan_at of running runs (first entry of workflow_runs_plan_at_idx).
  const nextPlan = db.prepare<[], { at: number | null }>(
    `SELECT MIN(next_plan_at) AS at FROM workflow_runs INDEXED BY workflow_runs_plan_at_idx
      WHERE state = 'running' AND next_plan_at IS NOT NULL`,
  );
  // Contract: running runs without progress since the cutoff, in index order
  // (workflow_runs_progress_idx).
  const stalled = db.prepare<[number, number], { id: number }>(
    `SELECT id FROM workflow_runs INDEXED BY workflow_runs_progress_idx
      WHERE state = 'running' AND last_progress_at < ?
      ORDER BY last_progress_at, id LIMIT ?`,
  );
  // Contract: queued tasks queued before the cutoff whose job has never started
  // (task_instances_queued_idx, then the job by primary key).
  const queuedBefore = db.prepare<
    [number, number],
    { run_id: number; task_id: string; job_id: number; queued_at: number }
  >(
    `SELECT t.run_id, t.task_id, t.job_id, t.queued_at
       FROM task_instances t JOIN jobs j ON j.id = t.job_id
      WHERE t.state = 'queued' AND t.queued_at < ?
        AND j.state IN ('scheduled', 'queued') AND j.started_at IS NULL
      ORDER BY t.queued_at, t.run_id, t.task_id LIMIT ?`,
  );
  // Contract: the task whose current job is `job_id` (task_instances_job_idx).
  const taskOfJob = db.prepare<[number], { run_id: number; task_id: string }>(
    "SELECT run_id, task_id FROM task_instances WHERE job_id = ? LIMIT 1",
  );
  const runHead = prepareRunHeads(db);
  // Contract: a task's current job's state and result (primary keys).
  const upstreamJob = db.prepare<[number, string], { state: string; result: string | null }>(
    `SELECT j.state, j.result FROM task_instances t JOIN jobs j ON j.id = t.job_id
      WHERE t.run_id = ? AND t.task_id = ?`,
  );

  return {
    runsToPlan(now: number, limit: number): string[] {
      return toPlan.all({ now, limit: clampLimit(limit, 100, 10_000) }).map((r) => String(r.id));
    },
    nextPlanAt(): number | null {
      return nextPlan.get()?.at ?? null;
    },
    stalledRuns(before: number, limit: number): string[] {
      return stalled.all(before, clampLimit(limit, 100, 10_000)).map((r) => String(r.id));
    },
    queuedTasksBefore(before: number, limit: number): QueuedTaskRef[] {
      return queuedBefore.all(before, clampLimit(limit, 100, 10_000)).map((r) => ({
        runId: String(r.run_id),
        taskId: r.task_id,
        jobId: String(r.job_id),
        queuedAt: r.queued_at,
      }));
    },
    taskContext(jobId: string): TaskContextRecord | null {
      const id = parseJobId(jobId);
      const task = id === null ? undefined : taskOfJob.get(id);
      if (task === undefined) return null;
      const run = runHead(task.run_id);
      if (run === null) return null;
      const upstream = run.definition.tasks.find((t) => t.id === task.task_id)?.dependsOn ?? [];
      const upstreamResults: Record<string, unknown> = {};
      for (const up of upstream) {
        const job = upstreamJob.get(task.run_id, up);
        upstreamResults[up] =
          job?.state === "succeeded" && job.result !== null
            ? (JSON.parse(job.result) as unknown)
            : null;
      }
      return { run, taskId: task.task_id, upstreamResults };
    },
  };
}
