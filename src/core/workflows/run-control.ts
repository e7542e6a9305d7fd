/**
 * @module core/workflows/run-control
 * Stop and start of a workflow run (docs/control.md), as pure decisions over the run's
 * snapshot, each applied inside `WorkflowStore.updateRun`. The run's control requests live in
 * the control store; the runtime drives a pending request with these steps until it settles,
 * and every step is idempotent, so a step repeated after a crash changes nothing twice.
 *
 * - The run's phase for core/control/decide: queued or running -> `running` (a stop is pending
 *   until its tasks' jobs have stopped); stopped -> `stopped`, or `running` while a stop or a
 *   start of its current generation is pending (still stopping, or starting); success or
 *   failed -> `finished`.
 * - Its generation: 1, or the highest generation a start request created.
 * - Stop step: the run becomes `stopped` (no task is planned while it is); outcomes of tries
 *   that ended meanwhile are applied as the planner would; a task whose job has stopped becomes
 *   `stopped`; the jobs still live are returned, for the runtime to stop (the job stop path:
 *   a waiting job stops at once, a running one's handler gets its signal). The stop has settled
 *   when none is live.
 * - Start step: a stopped run becomes `running` (`queued` when it had never started) and is
 *   planned again; every task whose job is
 *   stopped is `queued` again and its job returned, for the runtime to start (the job's next
 *   generation, with its checkpoint and its function's final re-check). Finished tasks are
 *   never touched, so nothing that finished runs again.
 */
import type { ControlRequest, ControlTargetView } from "../control/types.js";
import { decideAdvance } from "./advance.js";
import { TaskRows } from "./run-topology.js";
import { isActiveTask, type RunState } from "./states.js";
import type { RunChange, RunSnapshot, TaskJobView } from "./store-types.js";

/** Job states in which a task's try may still run (what a run stop must stop). */
const LIVE_JOB_STATES = new Set(["scheduled", "queued", "running", "retrying"]);

/** True when the job may still run. */
export function isLiveJob(job: TaskJobView | undefined): boolean {
  return job !== undefined && LIVE_JOB_STATES.has(job.state);
}

/** The generation of a run: 1, or the highest a start request created. */
export function runGeneration(requests: readonly ControlRequest[]): number {
  let generation = 1;
  for (const r of requests) if (r.kind === "start") generation = Math.max(generation, r.generation);
  return generation;
}

/** The run as core/control/decide sees it (module comment). */
export function runControlView(
  state: RunState,
  requests: readonly ControlRequest[],
): ControlTargetView {
  const generation = runGeneration(requests);
  // Starting (a start of this generation pending) or stopping (its stop pending): in motion.
  const moving = requests.some((r) => r.generation === generation && r.status === "pending");
  const phase =
    state === "success" || state === "failed"
      ? "finished"
      : state === "stopped" && !moving
        ? "stopped"
        : "running";
  return { phase, generation };
}

/** What a stop step writes and what it leaves to the runtime. */
export interface RunStopStep {
  /** The change for `updateRun`; null when the run is already as the stop wants it. */
  readonly change: RunChange | null;
  /** Jobs of the run's tasks that may still run: the runtime asks each to stop. */
  readonly liveJobs: readonly string[];
  /** True when no task's job is live: the run's stop has settled. */
  readonly settled: boolean;
  /** The run had finished (success or failed) before the stop took effect. */
  readonly finished: boolean;
}

/** One step of a run's stop (module comment). A finished run is left as it is. */
export function decideRunStop(s: RunSnapshot, now: number): RunStopStep {
  const { run } = s;
  if (run.state === "success" || run.state === "failed") {
    return { change: null, liveJobs: [], settled: true, finished: true };
  }
  // Outcomes of tries that ended meanwhile, applied as for any run that is not running.
  const outcomes = decideAdvance(
    { ...s, run: { ...run, state: "stopped" } },
    {
      now,
      buildJob: () => {
        throw new Error("a stopped run plans no task");
      },
    },
  );
  const rows = new TaskRows(s.tasks);
  for (const write of outcomes?.tasks ?? []) rows.set(write);
  const liveJobs: string[] = [];
  for (const row of rows.rows.values()) {
    const job = row.jobId === null ? undefined : s.jobs.get(row.jobId);
    if (row.jobId !== null && isLiveJob(job)) liveJobs.push(row.jobId);
    else if (isActiveTask(row.state) && job?.state === "stopped") {
      rows.set({ ...row, state: "stopped" });
    }
  }
  const runWrite = run.state === "stopped" ? null : { state: "stopped" as const, nextPlanAt: null };
  const changed = rows.written.size > 0 || runWrite !== null;
  return {
    change: changed
      ? {
          ...(rows.written.size > 0 ? { tasks: rows.writes() } : {}),
          run: { ...(runWrite ?? {}), lastProgressAt: now },
          planned: true,
        }
      : null,
    liveJobs,
    settled: liveJobs.length === 0,
    finished: false,
  };
}

/** What a start step writes and what it leaves to the runtime. */
export interface RunStartStep {
  readonly change: RunChange | null;
  /** Jobs to start again (their tasks are `queued` by `change`). */
  readonly restartJobs: readonly string[];
}

/**
 * One step of a run's start (module comment). Only a `stopped` run changes; a task whose job
 * is stopped (its task `stopped`, or still `queued`/`running` when its stop settled after the
 * run's) is queued again with the same job. The run is left for the planner (needsPlan).
 */
export function decideRunStart(s: RunSnapshot, now: number): RunStartStep {
  const { run } = s;
  if (run.state !== "stopped") return { change: null, restartJobs: [] };
  const rows = new TaskRows(s.tasks);
  const restartJobs: string[] = [];
  for (const row of rows.rows.values()) {
    if (row.jobId === null) continue;
    const job = s.jobs.get(row.jobId);
    const resumable = row.state === "stopped" || isActiveTask(row.state);
    if (!resumable || job?.state !== "stopped") continue;
    restartJobs.push(row.jobId);
    rows.set({ ...row, state: "queued", queuedAt: now });
  }
  return {
    change: {
      ...(rows.written.size > 0 ? { tasks: rows.writes() } : {}),
      // A run stopped before it ever started waits for its maxActiveRuns slot again.
      run: {
        state: run.startedAt === null ? "queued" : "running",
        finishedAt: null,
        lastProgressAt: now,
      },
      planned: false,
    },
    restartJobs,
  };
}
