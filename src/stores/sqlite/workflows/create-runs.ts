/**
 * @module stores/sqlite/workflows/create-runs
 * Statement family: creating runs. A run and its task instances (state `none`, try 0,
 * maxTries = retries + 1 of the run's definition) are inserted together, with a `run_created`
 * history entry (reason = run type). `INSERT ... ON CONFLICT DO NOTHING` on the
 * UNIQUE (workflow, logical_date) index makes "one run per logical date" hold across
 * connections: the loser reads the winner's run.
 *
 *   createRun            BEGIN IMMEDIATE; NotFoundError when the workflow is unknown;
 *                        `duplicate` (nothing written) when the logical date has a run
 *   createScheduledRuns  BEGIN IMMEDIATE; compare-and-set on `latest_logical_date`: `stale`
 *                        (nothing written) when the workflow is gone, paused or its cursor is
 *                        not the expected one; else inserts the runs that do not exist
 *                        (counting the others), records skipped intervals, and sets the cursor
 *                        (never back) and `next_run_after`
 */
import type Database from "better-sqlite3";
import { NotFoundError } from "../../../core/errors.js";
import type {
  CreateRunOutcome,
  NewRun,
  ScheduledRunsOutcome,
  ScheduledRunsRequest,
  StoredRun,
} from "../../../ports/workflow-store.js";
import { prepareWorkflowHistory } from "./history.js";
import { type RunRow, rowToRun } from "./rows.js";

/** Prepare the run creation statements once. */
export function prepareCreateRuns(db: Database.Database) {
  const history = prepareWorkflowHistory(db);
  const { workflowOf, insertRun, findRun, insertTask, advance } = prepareStatements(db);

  /** Insert the run with its tasks and history; the existing run when the date has one. */
  const insertOne = (run: NewRun, now: number): { created: boolean; run: StoredRun } => {
    const row = insertRun.get({
      workflow: run.workflow,
      logicalDate: run.logicalDate,
      start: run.dataInterval.start,
      end: run.dataInterval.end,
      runType: run.runType,
      params: JSON.stringify(run.params),
      definition: JSON.stringify(run.definition),
      note: run.note ?? null,
      now,
    });
    if (row === undefined) {
      return { created: false, run: rowToRun(findRun.get(run.workflow, run.logicalDate)!) };
    }
    for (const task of run.definition.tasks) insertTask.run(row.id, task.id, task.retries + 1, now);
    history.append({
      workflow: run.workflow,
      at: now,
      kind: "run_created",
      logicalDate: run.logicalDate,
      runId: row.id,
      reason: run.runType,
    });
    return { created: true, run: rowToRun(row) };
  };

  const createRun = db.transaction((run: NewRun, now: number): CreateRunOutcome => {
    if (workflowOf.get(run.workflow) === undefined) {
      throw new NotFoundError(
        `workflow "${run.workflow}" does not exist, so no run can be created for it; ` +
          `put the workflow first`,
      );
    }
    const outcome = insertOne(run, now);
    return outcome.created
      ? { kind: "created", run: outcome.run }
      : { kind: "duplicate", run: outcome.run };
  });

  const createScheduled = db.transaction((req: ScheduledRunsRequest): ScheduledRunsOutcome => {
    const wf = workflowOf.get(req.workflow);
    if (wf === undefined || wf.paused === 1) return { kind: "stale" };
    if (wf.latest_logical_date !== req.expectedLatestLogicalDate) return { kind: "stale" };
    const created: StoredRun[] = [];
    let existing = 0;
    for (const run of req.runs) {
      const outcome = insertOne({ ...run, workflow: req.workflow }, req.now);
      if (outcome.created) created.push(outcome.run);
      else existing += 1;
    }
    for (const skip of req.skipped) {
      history.append({
        workflow: req.workflow,
        at: req.now,
        kind: "interval_skipped",
        logicalDate: skip.logicalDate,
        runId: null,
        reason: skip.reason,
      });
    }
    advance.run({
      latest: req.latestLogicalDate,
      next: req.nextRunAfter,
      now: req.now,
      name: req.workflow,
    });
    return { kind: "applied", created, existing };
  });

  return {
    createRun: (run: NewRun, now: number) => createRun.immediate(run, now),
    createScheduledRuns: (req: ScheduledRunsRequest) => createScheduled.immediate(req),
  };
}

/** The statements of run creation, prepared once. */
function prepareStatements(db: Database.Database) {
  // Contract: the workflow's cursor and pause, under the write lock.
  const workflowOf = db.prepare<[string], { paused: 0 | 1; latest_logical_date: number | null }>(
    "SELECT paused, latest_logical_date FROM workflows WHERE name = ?",
  );
  // Contract: inserts a queued run unless (workflow, logical_date) has one (then no row).
  const insertRun = db.prepare<Record<string, unknown>, RunRow>(
    `INSERT INTO workflow_runs (workflow, logical_date, interval_start, interval_end, run_type,
                                state, params, definition, note, created_at, updated_at,
                                last_progress_at)
     VALUES (@workflow, @logicalDate, @start, @end, @runType, 'queued', @params, @definition,
             @note, @now, @now, @now)
     ON CONFLICT (workflow, logical_date) DO NOTHING
     RETURNING *`,
  );
  // Contract: the run of (workflow, logical_date), through the unique index.
  const findRun = db.prepare<[string, number], RunRow>(
    "SELECT * FROM workflow_runs WHERE workflow = ? AND logical_date = ?",
  );
  // Contract: one task instance in state none.
  const insertTask = db.prepare<[runId: number, taskId: string, maxTries: number, now: number]>(
    `INSERT INTO task_instances (run_id, task_id, state, try_number, max_tries, updated_at)
     VALUES (?, ?, 'none', 0, ?, ?)`,
  );
  // Contract: moves the cursor (never back) and sets the next look.
  const advance = db.prepare<{
    latest: number | null;
    next: number | null;
    now: number;
    name: string;
  }>(
    `UPDATE workflows
        SET latest_logical_date = MAX(COALESCE(latest_logical_date, @latest),
                                      COALESCE(@latest, latest_logical_date)),
            next_run_after = @next, updated_at = @now
      WHERE name = @name`,
  );
  return { workflowOf, insertRun, findRun, insertTask, advance };
}
