/**
 * @module core/workflows/reapers
 * The pure decisions of the workflow reapers (leader duties), each applied inside
 * `WorkflowStore.updateRun`. Each leaves in the run's note or the task's error what a person
 * needs to see why.
 *
 * - Orphan: a `running` run with no progress since `now - threshold` (`lastProgressAt`), no
 *   task whose job is still live, no retry waiting for its delay, no outcome waiting to be
 *   applied and no pending plan is failed: its tasks end as in a cancel (operations.ts) and
 *   the note says since when and what was left unfinished. A run that only waits for the
 *   planner (`needsPlan`) is left to the planner, so a cluster coming back after downtime
 *   finishes its runs instead of reaping them.
 * - Dispatch lost: a `queued` task whose job never started within the threshold (from
 *   `queuedAt`) has its job cancelled and the try counts as failed with error `DispatchLost`
 *   (code DISPATCH_LOST): retried if tries remain (retry-delay.ts), else `failed`; the run is
 *   re-planned.
 * A task whose job lost its worker needs no decision here: the job engine finalizes the job
 * (`worker_lost`) and its outcome flows through `decideAdvance` (retried if tries remain).
 */
import type { JobErrorInfo } from "../jobs/types.js";
import type { JobState } from "../jobs/states.js";
import { failedTry } from "./advance.js";
import { endUnfinished } from "./operations.js";
import { taskDefinitionOf, TaskRows } from "./run-topology.js";
import { isFinishedTask } from "./states.js";
import type { RunChange, RunSnapshot } from "./store-types.js";

const TERMINAL_JOB: readonly JobState[] = ["succeeded", "failed", "cancelled", "timed_out"];

/** Fails an orphaned run (module comment); null when the run is not orphaned. */
export function decideOrphan(s: RunSnapshot, now: number, thresholdMs: number): RunChange | null {
  const { run } = s;
  const since = now - thresholdMs;
  if (run.state !== "running" || run.needsPlan || run.lastProgressAt >= since) return null;
  if (run.nextPlanAt !== null && run.nextPlanAt <= now) return null;
  for (const task of s.tasks) {
    if (task.outcome !== null) return null;
    if (task.state === "up_for_retry" && (task.retryDueAt ?? 0) > since) return null;
    const job = task.jobId === null ? undefined : s.jobs.get(task.jobId);
    if (job !== undefined && !TERMINAL_JOB.includes(job.state)) return null;
  }
  const left = s.tasks
    .filter((t) => !isFinishedTask(t.state))
    .map((t) => `${t.taskId} (${t.state})`);
  const text =
    `orphaned: no progress since ${new Date(run.lastProgressAt).toISOString()} ` +
    `(threshold ${thresholdMs} ms) and no task's job is live; ` +
    `left unfinished: ${left.length > 0 ? left.join(", ") : "nothing"}`;
  const { rows, cancelJobs } = endUnfinished(s, now, {
    name: "RunOrphaned",
    code: "RUN_ORPHANED",
    message: text,
  });
  return {
    tasks: rows.writes(),
    ...(cancelJobs.length > 0 ? { cancelJobs } : {}),
    run: {
      state: "failed",
      finishedAt: now,
      note: run.note === null || run.note === "" ? text : `${run.note}\n${text}`,
      lastProgressAt: now,
      nextPlanAt: null,
    },
    planned: true,
  };
}

/** Fails a try whose job never started (module comment); null when it is not lost. */
export function decideDispatchLost(
  s: RunSnapshot,
  taskId: string,
  now: number,
  thresholdMs: number,
): RunChange | null {
  if (s.run.state !== "running") return null;
  const task = s.tasks.find((t) => t.taskId === taskId);
  if (task === undefined || task.state !== "queued" || task.outcome !== null) return null;
  if (task.jobId === null || task.queuedAt === null || task.queuedAt > now - thresholdMs) {
    return null;
  }
  const job = s.jobs.get(task.jobId);
  if (job !== undefined && (job.startedAt !== null || TERMINAL_JOB.includes(job.state))) {
    return null;
  }
  const error: JobErrorInfo = {
    name: "DispatchLost",
    code: "DISPATCH_LOST",
    message:
      `try ${task.tryNumber} of task "${taskId}" was queued at ${new Date(task.queuedAt).toISOString()} ` +
      `as job ${task.jobId}, which never started within ${thresholdMs} ms; its job was cancelled`,
  };
  const rows = new TaskRows(s.tasks);
  const definition = taskDefinitionOf(s.run.definition, taskId);
  const ended = { ...rows.get(taskId), finishedAt: now };
  rows.set(failedTry(s.run.id, ended, definition, error, now));
  return {
    tasks: rows.writes(),
    cancelJobs: [task.jobId],
    run: { lastProgressAt: now },
    planned: false,
  };
}
