/**
 * @module stores/sqlite/workflows/read-runs
 * Statement family: reading runs — one run with its task instances and their jobs (getRun and
 * the snapshot `updateRun` decides on), by (workflow, logical date), and listRuns (newest
 * logical date first, filtered by workflow and state, paged by `before`).
 */
import type Database from "better-sqlite3";
import type { RunFilter } from "../../../ports/workflow-store.js";
import type {
  RunDetail,
  RunSnapshot,
  StoredRun,
  TaskJobView,
} from "../../../ports/workflow-store.js";
import { clampLimit, parseJobId } from "../arguments.js";
import {
  type RunRow,
  rowToJobView,
  rowToRun,
  rowToTask,
  type TaskJobRow,
  type TaskRow,
} from "./rows.js";
import { prepareRunHeads } from "./run-heads.js";

/** Prepare the run reads once. */
export function prepareRunReads(db: Database.Database) {
  // Contract: the run of (workflow, logical date), through the unique index.
  const byDate = db.prepare<[string, number], RunRow>(
    "SELECT * FROM workflow_runs WHERE workflow = ? AND logical_date = ?",
  );
  // Contract: a run's task instances (primary key prefix).
  const tasksOf = db.prepare<[number], TaskRow>(
    "SELECT * FROM task_instances WHERE run_id = ? ORDER BY task_id",
  );
  // Contract: the jobs the run's task instances point at.
  const jobsOf = db.prepare<[number], TaskJobRow>(
    `SELECT j.id, j.state, j.started_at, j.finished_at, j.error, j.result, j.cancel_requested_at
       FROM task_instances t JOIN jobs j ON j.id = t.job_id
      WHERE t.run_id = ?`,
  );
  // Contract: runs filtered and paged; each NULL parameter disables its filter. Ordered by
  // the workflow_runs_* indexes on logical_date.
  const list = db.prepare<
    { workflow: string | null; state: string | null; before: number | null; limit: number },
    RunRow
  >(
    `SELECT * FROM workflow_runs
      WHERE (@workflow IS NULL OR workflow = @workflow)
        AND (@state IS NULL OR state = @state)
        AND (@before IS NULL OR logical_date < @before)
      ORDER BY logical_date DESC, id DESC LIMIT @limit`,
  );

  const runHead = prepareRunHeads(db);

  const snapshot = (id: number): RunSnapshot | null => {
    const run = runHead(id);
    if (run === null) return null;
    const jobs = new Map<string, TaskJobView>();
    for (const job of jobsOf.all(id)) jobs.set(String(job.id), rowToJobView(job));
    return { run, tasks: tasksOf.all(id).map(rowToTask), jobs };
  };

  return {
    /** The run by its rowid, or null (its definition shared and frozen, see run-heads.ts). */
    runById: runHead,
    snapshot,
    detail(id: string): RunDetail | null {
      const rowid = parseJobId(id);
      const snap = rowid === null ? null : snapshot(rowid);
      return snap === null ? null : { ...snap.run, tasks: snap.tasks, jobs: snap.jobs };
    },
    find(workflow: string, logicalDate: number): StoredRun | null {
      const row = byDate.get(workflow, logicalDate);
      return row === undefined ? null : rowToRun(row);
    },
    list(filter: RunFilter = {}): StoredRun[] {
      return list
        .all({
          workflow: filter.workflow ?? null,
          state: filter.state ?? null,
          before: filter.before ?? null,
          limit: clampLimit(filter.limit, 100, 10_000),
        })
        .map(rowToRun);
    },
  };
}
