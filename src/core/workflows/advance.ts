/**
 * @module core/workflows/advance
 * The run's advance decision, called inside `WorkflowStore.updateRun` whenever a run needs a
 * plan (a try ended, a retry is due, an operation changed it). Pure: time is `ctx.now`.
 *
 * 1. Outcomes. Each task whose job ended (`outcome`, recorded by the completion hook) gets its
 *    state: succeeded -> `success`; failed/timed_out -> `skipped` for a SkipTask
 *    (TASK_SKIPPED), `failed` for a FailTask (TASK_FAILED), else `up_for_retry` due at
 *    end + delay while tries remain (retry-delay.ts), else `failed`; cancelled -> `failed`.
 *    An outcome reaching a task that is no longer queued/running (marked by hand, cancelled
 *    with its run) keeps the task's state (a `failed` one without an error gets the job's).
 *    A task whose job is still live is never written here (its row is left to the hook and
 *    the job: readers show `running` from the job's state), so planning never touches a row a
 *    finishing job is about to update.
 * 2. Plan. `planRun` with the definition's `maxActiveTasks`; a task dispatched gets try
 *    `tryNumber + 1` and its job from `ctx.buildJob` (payload rendered for that try). A payload
 *    that cannot be rendered fails that try at once (error VALIDATION) instead of blocking the run.
 * 3. Finalize. `decideRunState`: success, failed (a failed leaf) or failed as a deadlock (the
 *    note names the stuck tasks) -> run state and finishedAt; otherwise `nextPlanAt` is the
 *    earliest retry due.
 * A `queued` run is not advanced; a finished run records late outcomes but is not reopened.
 */
import type { JobErrorInfo, NewJob } from "../jobs/types.js";
import type { JobOrigin } from "../jobs/origin.js";
import type { TaskDefinition } from "./definition.js";
import { renderTaskPayload } from "./payload-template.js";
import { planRun, type Transition } from "./planner.js";
import { decideFailedTry } from "./retry-delay.js";
import { decideRunState } from "./run-state.js";
import { planInputOf, taskDefinitionOf, TaskRows, topologyOf } from "./run-topology.js";
import { isActiveTask } from "./states.js";
import type {
  RunChange,
  RunSnapshot,
  StoredTaskInstance,
  TaskInstanceWrite,
  TaskJobInsert,
  TaskJobView,
} from "./store-types.js";
import { TASK_FAILED_CODE, TASK_SKIPPED_CODE } from "./task-errors.js";

/** What the runtime needs to build the job of one task try. */
export interface TaskJobRequest {
  readonly runId: string;
  readonly taskId: string;
  readonly tryNumber: number;
  readonly fn: string;
  /** The task's payload template rendered for this try (null when it declared none). */
  readonly payload: unknown;
  readonly timeoutMs: number | null;
  readonly concurrency: { readonly key: string; readonly limit: number } | null;
  readonly runAt: number;
}

/** What `decideAdvance` needs besides the snapshot. */
export interface AdvanceContext {
  readonly now: number;
  /** The runtime turns a request into the job row (function policy applied). Sync. */
  buildJob(request: TaskJobRequest): NewJob & { readonly origin: JobOrigin };
}

/**
 * Applies recorded try outcomes, plans, queues jobs and finalizes the run (module comment).
 * Null: nothing changes and the run did not need a plan. Always `planned: true` otherwise
 * (false only when a try failed at dispatch and the run must be planned again).
 */
export function decideAdvance(snapshot: RunSnapshot, ctx: AdvanceContext): RunChange | null {
  const { run } = snapshot;
  if (run.state === "queued") return null;
  const rows = new TaskRows(snapshot.tasks);
  for (const task of snapshot.tasks) applyOutcome(snapshot, task, rows, ctx.now);
  const progressed = rows.written.size > 0;
  if (run.state !== "running") {
    if (!progressed && !run.needsPlan) return null;
    return progressed ? { tasks: rows.writes(), planned: true } : { planned: true };
  }
  const topology = topologyOf(run.definition);
  const plan = planRun(
    topology,
    planInputOf(rows.rows.values(), ctx.now, run.definition.maxActiveTasks),
  );
  const jobs: TaskJobInsert[] = [];
  let replan = false;
  for (const t of plan.transitions) {
    if (!applyTransition(snapshot, t, rows, jobs, ctx)) replan = true;
  }
  const outcome = decideRunState(topology, planInputOf(rows.rows.values(), ctx.now).states);
  const runWrite: RunWrite = {};
  if (rows.written.size > 0) runWrite.lastProgressAt = ctx.now;
  if (outcome.state === "running") {
    if (plan.nextRetryAt !== run.nextPlanAt) runWrite.nextPlanAt = plan.nextRetryAt;
  } else {
    Object.assign(runWrite, { state: outcome.state, finishedAt: ctx.now, nextPlanAt: null });
    if (outcome.state === "failed" && outcome.reason === "deadlock")
      runWrite.note = deadlockNote(run.note, outcome.stuck);
  }
  const changed = rows.written.size > 0 || jobs.length > 0 || Object.keys(runWrite).length > 0;
  if (!changed && !run.needsPlan) return null;
  return {
    ...(rows.written.size > 0 ? { tasks: rows.writes() } : {}),
    ...(jobs.length > 0 ? { jobs } : {}),
    ...(Object.keys(runWrite).length > 0 ? { run: runWrite } : {}),
    planned: !replan,
  };
}

type RunWrite = {
  -readonly [K in keyof NonNullable<RunChange["run"]>]?: NonNullable<RunChange["run"]>[K];
};

function deadlockNote(previous: string | null, stuck: readonly string[]): string {
  const text =
    `deadlock: no task can run any more; stuck: ${stuck.join(", ")} ` +
    "(their trigger rules can never be met; clear or mark tasks to go on)";
  return previous === null || previous === "" ? text : `${previous}\n${text}`;
}

function applyOutcome(
  snapshot: RunSnapshot,
  task: StoredTaskInstance,
  rows: TaskRows,
  now: number,
): void {
  if (task.outcome === null) return;
  const job = task.jobId === null ? undefined : snapshot.jobs.get(task.jobId);
  const row = rows.get(task.taskId);
  // A stopped task's try is still its own (a start resumes it): its job's end applies to it.
  if (!isActiveTask(task.state) && task.state !== "stopped") {
    const error = row.state === "failed" ? (row.error ?? job?.error ?? null) : row.error;
    rows.set({ ...row, error });
    return;
  }
  const definition = taskDefinitionOf(snapshot.run.definition, task.taskId);
  rows.set(tryEnded(snapshot.run.id, row, definition, task.outcome, job, now));
}

/** The row of a task whose try's job ended with `outcome`. */
export function tryEnded(
  runId: string,
  row: TaskInstanceWrite,
  definition: TaskDefinition,
  outcome: "succeeded" | "failed" | "cancelled" | "timed_out",
  job: TaskJobView | undefined,
  now: number,
): TaskInstanceWrite {
  const finishedAt = job?.finishedAt ?? now;
  const ended = { ...row, startedAt: row.startedAt ?? job?.startedAt ?? null, finishedAt };
  if (outcome === "succeeded") return { ...ended, state: "success", error: null, retryDueAt: null };
  const error: JobErrorInfo = job?.error ?? {
    name: outcome,
    message: `the task's job ended ${outcome}`,
  };
  if (outcome === "cancelled" || error.code === TASK_FAILED_CODE) {
    return { ...ended, state: "failed", error, retryDueAt: null };
  }
  if (error.code === TASK_SKIPPED_CODE) {
    return { ...ended, state: "skipped", error, retryDueAt: null };
  }
  return failedTry(runId, ended, definition, error, finishedAt);
}

/** A try that failed: `up_for_retry` while tries remain (retry-delay.ts), else `failed`. */
export function failedTry(
  runId: string,
  row: TaskInstanceWrite,
  definition: TaskDefinition,
  error: JobErrorInfo,
  endedAt: number,
): TaskInstanceWrite {
  const decision = decideFailedTry(
    {
      retryDelayMs: definition.retryDelayMs,
      exponentialBackoff: definition.retryExponentialBackoff,
      maxRetryDelayMs: definition.maxRetryDelayMs,
    },
    { runId, taskId: row.taskId, tryNumber: Math.max(1, row.tryNumber) },
    Math.max(1, row.maxTries),
    endedAt,
  );
  if (decision.state === "failed") return { ...row, state: "failed", error, retryDueAt: null };
  return { ...row, state: "up_for_retry", error, retryDueAt: decision.dueAt };
}

/** Applies one planned transition; false when a dispatch failed at once (re-plan needed). */
function applyTransition(
  snapshot: RunSnapshot,
  t: Transition,
  rows: TaskRows,
  jobs: TaskJobInsert[],
  ctx: AdvanceContext,
): boolean {
  const row = rows.get(t.taskId);
  if (t.to === "scheduled") {
    rows.set({ ...row, state: "scheduled", retryDueAt: null });
  } else if (t.to === "queued") {
    return dispatchTry(snapshot, row, rows, jobs, ctx);
  } else {
    rows.set({ ...row, state: t.to, retryDueAt: null, finishedAt: ctx.now });
  }
  return true;
}

function dispatchTry(
  snapshot: RunSnapshot,
  row: TaskInstanceWrite,
  rows: TaskRows,
  jobs: TaskJobInsert[],
  ctx: AdvanceContext,
): boolean {
  const { run } = snapshot;
  const definition = taskDefinitionOf(run.definition, row.taskId);
  const tryNumber = row.tryNumber + 1;
  const base: TaskInstanceWrite = {
    ...row,
    tryNumber,
    retryDueAt: null,
    queuedAt: ctx.now,
    startedAt: null,
    finishedAt: null,
    error: null,
  };
  try {
    const payload =
      definition.payload === undefined
        ? null
        : renderTaskPayload(definition.payload, {
            logicalDate: run.logicalDate,
            dataInterval: run.dataInterval,
            runId: run.id,
            taskId: row.taskId,
            tryNumber,
            params: run.params,
          });
    const job = ctx.buildJob({
      runId: run.id,
      taskId: row.taskId,
      tryNumber,
      fn: definition.fn,
      payload,
      timeoutMs: definition.timeoutMs,
      concurrency: definition.concurrency,
      runAt: ctx.now,
    });
    jobs.push({ taskId: row.taskId, job });
    rows.set({ ...base, state: "queued" });
    return true;
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as { code?: unknown }).code;
    const error: JobErrorInfo = {
      name: e.name,
      message: `the try could not be dispatched: ${e.message}`,
      ...(typeof code === "string" ? { code } : {}),
    };
    rows.set({ ...base, state: "failed", error, finishedAt: ctx.now });
    return false;
  }
}
