/**
 * @module stores/sqlite/workflows/update-run
 * Statement family: `updateRun`, the one way a run changes after creation. One
 * `BEGIN IMMEDIATE` transaction (SQLite's form of locking the run): read the snapshot (run,
 * tasks, their jobs), call `decide` once, and apply its RunChange in order:
 *
 *   cancelJobs  through the job store's cancel path (`../cancel.ts`): a pending job ends
 *               cancelled at once and its completion hook runs here; a running one gets a
 *               cancel request
 *   tasks       each row overwritten (by task id), `outcome` cleared, `updated_at` = now; an
 *               unknown task id is a ValidationError (all rolled back)
 *   jobs        each job inserted through the job store's enqueue path unless a job with its
 *               origin exists (then that job is kept); the task's `job_id` is set to it. The
 *               origin must be `{ kind: "workflow", id: <this run> }` with a key
 *   run         the given fields; `needs_plan` cleared when `planned`, set otherwise; `updated_at` = now
 *
 * If `decide` throws, the transaction rolls back and its error is rethrown as a DecideFailure
 * (the store unwraps it). `decide` returning null writes nothing (`unchanged`).
 */
import type Database from "better-sqlite3";
import { ValidationError } from "../../../core/errors.js";
import type {
  RunChange,
  RunSnapshot,
  TaskInstanceWrite,
  UpdateRunOutcome,
} from "../../../ports/workflow-store.js";
import { parseJobId } from "../arguments.js";
import { prepareCancel } from "../cancel.js";
import type { CompletionHooks } from "../completion-hooks.js";
import { prepareEnqueue } from "../enqueue.js";
import { errorToJson } from "../job-row.js";
import { prepareRunReads } from "./read-runs.js";
import type { RunRow } from "./rows.js";

/** The error `decide` threw, carried out of the transaction so the store rethrows it as is. */
export class DecideFailure extends Error {
  constructor(readonly original: unknown) {
    super("decide threw");
  }
}

type Decide = (snapshot: RunSnapshot) => RunChange | null;

/** Prepare the statements once; the returned function applies one decision atomically. */
export function prepareUpdateRun(
  db: Database.Database,
  hooks: CompletionHooks,
): (runId: string, decide: Decide, now: number) => UpdateRunOutcome {
  const reads = prepareRunReads(db);
  // Nested in this transaction, both run as savepoints of it.
  const cancel = prepareCancel(db, hooks);
  const enqueue = prepareEnqueue(db);
  const { writeTask, setJob, jobByOrigin, runRow, writeRun } = prepareStatements(db);

  const applyTask = (runId: number, task: TaskInstanceWrite, now: number): void => {
    const changed = writeTask.run({
      runId,
      taskId: task.taskId,
      state: task.state,
      tryNumber: task.tryNumber,
      maxTries: task.maxTries,
      jobId: task.jobId === null ? null : parseJobId(task.jobId),
      retryDueAt: task.retryDueAt,
      queuedAt: task.queuedAt,
      startedAt: task.startedAt,
      finishedAt: task.finishedAt,
      error: task.error === null ? null : errorToJson(task.error),
      note: task.note,
      now,
    });
    if (changed.changes === 0) throw unknownTask(runId, task.taskId);
  };

  const applyJobs = (runId: number, change: RunChange, now: number): void => {
    for (const { taskId, job } of change.jobs ?? []) {
      const { kind, id, key } = job.origin;
      if (kind !== "workflow" || id !== String(runId) || key === null) {
        throw new ValidationError(
          `the job of task "${taskId}" of run ${runId} must have origin ` +
            `{ kind: "workflow", id: "${runId}", key: "<task id>#<try>" }; got ${JSON.stringify(job.origin)}`,
        );
      }
      const existing = jobByOrigin.get(id, key)?.id;
      const jobId = existing ?? Number(enqueue([job], now)[0]!.job.id);
      if (setJob.run(jobId, now, runId, taskId).changes === 0) throw unknownTask(runId, taskId);
    }
  };

  const applyRun = (runId: number, change: RunChange, now: number): void => {
    const row = runRow.get(runId)!;
    const given = change.run ?? {};
    writeRun.run({
      id: runId,
      state: given.state ?? row.state,
      startedAt: given.startedAt !== undefined ? given.startedAt : row.started_at,
      finishedAt: given.finishedAt !== undefined ? given.finishedAt : row.finished_at,
      note: given.note !== undefined ? given.note : row.note,
      lastProgressAt: given.lastProgressAt ?? row.last_progress_at,
      nextPlanAt: given.nextPlanAt !== undefined ? given.nextPlanAt : row.next_plan_at,
      needsPlan: change.planned ? 0 : 1,
      now,
    });
  };

  const update = db.transaction((runId: number, decide: Decide, now: number): UpdateRunOutcome => {
    const snapshot = reads.snapshot(runId);
    if (snapshot === null) return { kind: "not_found" };
    let change: RunChange | null;
    try {
      change = decide(snapshot);
    } catch (error) {
      throw new DecideFailure(error);
    }
    if (change === null) return { kind: "unchanged", run: snapshot.run };
    for (const jobId of change.cancelJobs ?? []) cancel(jobId, now);
    for (const task of change.tasks ?? []) applyTask(runId, task, now);
    applyJobs(runId, change, now);
    applyRun(runId, change, now);
    return { kind: "applied", run: reads.runById(runId)! };
  });

  return (runId, decide, now) => {
    const id = parseJobId(runId);
    return id === null ? { kind: "not_found" } : update.immediate(id, decide, now);
  };
}

function unknownTask(runId: number, taskId: string): ValidationError {
  return new ValidationError(
    `run ${runId} has no task "${taskId}"; a RunChange may only write the run's own tasks; ` +
      `nothing of the change was applied`,
  );
}

function prepareStatements(db: Database.Database) {
  // Contract: overwrites one task instance (primary key), clearing its outcome.
  const writeTask = db.prepare<Record<string, unknown>>(
    `UPDATE task_instances
        SET state = @state, try_number = @tryNumber, max_tries = @maxTries, job_id = @jobId,
            retry_due_at = @retryDueAt, queued_at = @queuedAt, started_at = @startedAt,
            finished_at = @finishedAt, error = @error, note = @note, outcome = NULL,
            updated_at = @now
      WHERE run_id = @runId AND task_id = @taskId`,
  );
  // Contract: points a task at its try's job.
  const setJob = db.prepare<[jobId: number, now: number, runId: number, taskId: string]>(
    "UPDATE task_instances SET job_id = ?, updated_at = ? WHERE run_id = ? AND task_id = ?",
  );
  // Contract: the job of a workflow origin, through the unique origin index.
  const jobByOrigin = db.prepare<[id: string, key: string], { id: number }>(
    "SELECT id FROM jobs WHERE origin_kind = 'workflow' AND origin_id = ? AND origin_key = ?",
  );
  const runRow = db.prepare<[number], RunRow>("SELECT * FROM workflow_runs WHERE id = ?");
  // Contract: rewrites the run's mutable columns.
  const writeRun = db.prepare<Record<string, unknown>>(
    `UPDATE workflow_runs
        SET state = @state, started_at = @startedAt, finished_at = @finishedAt, note = @note,
            last_progress_at = @lastProgressAt, next_plan_at = @nextPlanAt,
            needs_plan = @needsPlan, updated_at = @now
      WHERE id = @id`,
  );
  return { writeTask, setJob, jobByOrigin, runRow, writeRun };
}
