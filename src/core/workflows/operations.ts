/**
 * @module core/workflows/operations
 * The pure decisions of the run operations a person asks for, each applied inside
 * `WorkflowStore.updateRun` (see store-types.ts):
 *
 * - clear (Airflow's "Clear"): the tasks, and all their downstream tasks when asked (only the
 *   failed/upstream_failed ones with `onlyFailed`), go back to `none` with `maxTries` raised to
 *   `tryNumber + retries + 1`, their retry time, timestamps and error cleared, their note kept.
 *   An active task's job is cancelled (a running handler gets its AbortSignal) and the task is
 *   reset too. A finished run goes back to `running`. Airflow puts it back to `queued`; ours
 *   keeps its `maxActiveRuns` slot until the next plan ends it again.
 * - mark (Airflow's "Mark success/failed/skipped"): sets the state by hand, on the task and
 *   its downstream when asked; an active job is cancelled; notes unchanged. As Airflow's
 *   `set_task_instance_state` does, the failed/upstream_failed tasks downstream of the marked
 *   ones are cleared so they can resume. A finished run is reopened and re-planned, so its
 *   state follows the marks at once (Airflow leaves the run state to a separate mark).
 * - A task `stopped` with its run holds its job like an active one: clear, mark and cancel
 *   cancel that job too (it would otherwise stay stopped forever), and cancel fails the task.
 * - cancel: what Airflow does when a run is marked failed (`set_dag_run_state_to_failed` in
 *   airflow/api/common/mark_tasks.py): tasks whose try is running end `failed` (their job gets
 *   its cancel request, the handler its AbortSignal); every other unfinished task (none,
 *   scheduled, queued whose job never started, up_for_retry) ends `skipped`, since it never
 *   ran. The issue's "the rest end `removed` or `upstream_failed`" is not what Airflow does:
 *   `removed` means "no longer in the DAG" and `upstream_failed` would mark a task whose
 *   upstreams did not fail; we follow Airflow's code. The run ends `failed` with the note.
 * - note: sets the run's or one task's note.
 * The reapers are in reapers.ts.
 */
import { NotFoundError, ValidationError } from "../errors.js";
import type { JobErrorInfo } from "../jobs/types.js";
import { taskDefinitionOf, TaskRows, topologyOf } from "./run-topology.js";
import { isActiveTask, isFinishedTask, type TaskState } from "./states.js";
import type { RunChange, RunSnapshot, TaskInstanceWrite } from "./store-types.js";
import type { Topology } from "./topology.js";

/** Options of `decideClear`. */
export interface ClearOptions {
  /** Also clear every task downstream of the given ones (Airflow's "Downstream"). */
  readonly downstream: boolean;
  /** Clear only the tasks in `failed` or `upstream_failed` (Airflow's "Only failed"). */
  readonly onlyFailed?: boolean;
}

/** Clears tasks to rerun them (module comment). NotFoundError listing unknown task ids. */
export function decideClear(
  s: RunSnapshot,
  taskIds: readonly string[],
  opts: ClearOptions,
  now: number,
): RunChange {
  const topology = topologyOf(s.run.definition);
  checkKnown(s, topology, taskIds);
  let selected = opts.downstream ? withDownstream(topology, taskIds) : [...new Set(taskIds)];
  const rows = new TaskRows(s.tasks);
  if (opts.onlyFailed === true) {
    selected = selected.filter((id) => {
      const state = rows.get(id).state;
      return state === "failed" || state === "upstream_failed";
    });
  }
  const cancelJobs: string[] = [];
  for (const id of selected) clearRow(s, rows, id, cancelJobs);
  if (selected.length === 0) return { planned: false };
  return { ...changeOf(rows, cancelJobs), run: reopened(s, now), planned: false };
}

/** Sets a task's state by hand (module comment). NotFoundError for an unknown task id. */
export function decideMark(
  s: RunSnapshot,
  taskId: string,
  state: "success" | "failed" | "skipped",
  now: number,
  opts: { readonly downstream?: boolean } = {},
): RunChange {
  const topology = topologyOf(s.run.definition);
  checkKnown(s, topology, [taskId]);
  const marked = opts.downstream === true ? withDownstream(topology, [taskId]) : [taskId];
  const rows = new TaskRows(s.tasks);
  const cancelJobs: string[] = [];
  for (const id of marked) {
    const row = rows.get(id);
    if (holdsJob(row.state) && row.jobId !== null) cancelJobs.push(row.jobId);
    rows.set({
      ...row,
      state,
      retryDueAt: null,
      finishedAt: now,
      error: state === "failed" ? row.error : null,
    });
  }
  const markedSet = new Set(marked);
  for (const id of withDownstream(topology, marked)) {
    const current = rows.get(id).state;
    if (markedSet.has(id) || (current !== "failed" && current !== "upstream_failed")) continue;
    clearRow(s, rows, id, cancelJobs);
  }
  return { ...changeOf(rows, cancelJobs), run: reopened(s, now), planned: false };
}

/** Cancels a run as Airflow marks a run failed (module comment). Null for a finished run. */
export function decideCancel(s: RunSnapshot, now: number, note: string | null): RunChange | null {
  if (s.run.state !== "running" && s.run.state !== "queued" && s.run.state !== "stopped") {
    return null;
  }
  const { rows, cancelJobs } = endUnfinished(s, now, {
    name: "RunCancelled",
    code: "RUN_CANCELLED",
    message: note === null ? "the run was cancelled" : `the run was cancelled: ${note}`,
  });
  return {
    ...changeOf(rows, cancelJobs),
    run: {
      state: "failed",
      finishedAt: now,
      note: note ?? s.run.note,
      lastProgressAt: now,
      nextPlanAt: null,
    },
    planned: true,
  };
}

/** Sets the note of the run (`taskId` null) or of one task; needsPlan is left as it is. */
export function decideNote(
  s: RunSnapshot,
  taskId: string | null,
  note: string | null,
  now: number,
): RunChange {
  void now;
  const planned = !s.run.needsPlan;
  if (taskId === null) return { run: { note }, planned };
  checkKnown(s, topologyOf(s.run.definition), [taskId]);
  const rows = new TaskRows(s.tasks);
  rows.set({ ...rows.get(taskId), note });
  return { tasks: rows.writes(), planned };
}

/**
 * Ends every unfinished task of a run that is being failed: a task whose try is running ->
 * `failed` with `error`, its job cancelled; the others -> `skipped` (a queued job cancelled).
 * Shared by cancel and the orphan reaper.
 */
export function endUnfinished(
  s: RunSnapshot,
  now: number,
  error: JobErrorInfo,
): { rows: TaskRows; cancelJobs: string[] } {
  const rows = new TaskRows(s.tasks);
  const cancelJobs: string[] = [];
  for (const task of s.tasks) {
    if (isFinishedTask(task.state)) continue;
    const job = task.jobId === null ? undefined : s.jobs.get(task.jobId);
    const active = holdsJob(task.state) && task.jobId !== null;
    if (active && task.jobId !== null) cancelJobs.push(task.jobId);
    // A stopped task ran (its try was stopped part way): it fails, as a running one does.
    const ran =
      task.state === "running" ||
      task.state === "stopped" ||
      (active && job !== undefined && job.startedAt !== null);
    const row = rows.get(task.taskId);
    rows.set(
      ran
        ? { ...row, state: "failed", error, retryDueAt: null, finishedAt: now }
        : { ...row, state: "skipped", retryDueAt: null, finishedAt: now },
    );
  }
  return { rows, cancelJobs };
}

function clearRow(s: RunSnapshot, rows: TaskRows, id: string, cancelJobs: string[]): void {
  const row = rows.get(id);
  const retries = taskDefinitionOf(s.run.definition, id).retries;
  let jobId = row.jobId;
  if (holdsJob(row.state) && jobId !== null) {
    cancelJobs.push(jobId);
    jobId = null; // the cancelled try's late outcome must not reach the cleared task
  }
  const cleared: TaskInstanceWrite = {
    ...row,
    state: "none",
    maxTries: row.tryNumber + retries + 1,
    jobId,
    retryDueAt: null,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    error: null,
  };
  rows.set(cleared);
}

/** The task's current job may still run or resume: queued, running, or stopped with its run. */
function holdsJob(state: TaskState): boolean {
  return isActiveTask(state) || state === "stopped";
}

function reopened(s: RunSnapshot, now: number): NonNullable<RunChange["run"]> {
  const finished = s.run.state === "success" || s.run.state === "failed";
  return finished
    ? { state: "running", finishedAt: null, lastProgressAt: now }
    : { lastProgressAt: now };
}

function changeOf(rows: TaskRows, cancelJobs: readonly string[]): Omit<RunChange, "planned"> {
  return {
    tasks: rows.writes(),
    ...(cancelJobs.length > 0 ? { cancelJobs: [...new Set(cancelJobs)] } : {}),
  };
}

function checkKnown(s: RunSnapshot, topology: Topology, taskIds: readonly string[]): void {
  if (taskIds.length === 0) throw new ValidationError("give at least one task id");
  const unknown = taskIds.filter((id) => !topology.indexOf.has(id));
  if (unknown.length > 0) {
    throw new NotFoundError(
      `run ${s.run.id} of workflow "${s.run.workflow}" has no task ${unknown.map((id) => `"${id}"`).join(", ")}; ` +
        `its tasks: ${topology.ids.slice(0, 20).join(", ")}`,
    );
  }
}

/** The given tasks and every task downstream of them, in topological order. */
export function withDownstream(topology: Topology, taskIds: readonly string[]): string[] {
  const hit = new Uint8Array(topology.ids.length);
  for (const id of taskIds) {
    const i = topology.indexOf.get(id);
    if (i !== undefined) hit[i] = 1;
  }
  const out: string[] = [];
  for (const i of topology.order) {
    if (hit[i] === 0) {
      const start = topology.upstreamStart[i] ?? 0;
      const end = topology.upstreamStart[i + 1] ?? 0;
      for (let e = start; e < end; e++) {
        if (hit[topology.upstream[e] ?? 0] === 1) {
          hit[i] = 1;
          break;
        }
      }
    }
    if (hit[i] === 1) out.push(topology.ids[i] ?? "");
  }
  return out;
}
