/**
 * @module core/workflows/run-fixtures
 * Test fixtures of the run decisions: a definition from short task declarations, a run
 * snapshot, an in-memory applier of a RunChange as `WorkflowStore.updateRun` applies it, and
 * the completion hook (a job ends -> outcome + needsPlan). Excluded from the build.
 */
import type { JobErrorInfo } from "../jobs/types.js";
import type { JobState } from "../jobs/states.js";
import type { AdvanceContext, TaskJobRequest } from "./advance.js";
import { normalizeWorkflow, type TaskDeclaration, type WorkflowDeclaration } from "./definition.js";
import type { RunState, TaskState } from "./states.js";
import type {
  RunChange,
  RunSnapshot,
  StoredRun,
  StoredTaskInstance,
  TaskJobView,
  TryOutcome,
} from "./store-types.js";
import { taskTryOrigin } from "./task-errors.js";

export const T0 = Date.UTC(2026, 0, 1);

/** A run snapshot of a fresh running run over `tasks` (all `none`). */
export function snapshotOf(
  tasks: readonly TaskDeclaration[],
  extra: Partial<WorkflowDeclaration> = {},
  run: Partial<StoredRun> = {},
): RunSnapshot {
  const definition = normalizeWorkflow({ name: "wf", tasks, ...extra });
  return {
    run: {
      id: "7",
      workflow: "wf",
      logicalDate: T0,
      dataInterval: { start: T0, end: T0 + 86_400_000 },
      runType: "manual",
      state: "running",
      params: { full: false },
      definition,
      note: null,
      createdAt: T0,
      startedAt: T0,
      finishedAt: null,
      updatedAt: T0,
      lastProgressAt: T0,
      needsPlan: true,
      nextPlanAt: null,
      ...run,
    },
    tasks: definition.tasks.map((t) => ({
      runId: "7",
      taskId: t.id,
      state: "none",
      tryNumber: 0,
      maxTries: t.retries + 1,
      jobId: null,
      retryDueAt: null,
      queuedAt: null,
      startedAt: null,
      finishedAt: null,
      error: null,
      note: null,
      outcome: null,
      updatedAt: T0,
    })),
    jobs: new Map(),
  };
}

/** Sets fields of some tasks (and the jobs map) of a snapshot. */
export function withTasks(
  s: RunSnapshot,
  patch: Record<string, Partial<StoredTaskInstance>>,
  jobs: readonly TaskJobView[] = [],
): RunSnapshot {
  const map = new Map(s.jobs);
  for (const j of jobs) map.set(j.id, j);
  return {
    ...s,
    tasks: s.tasks.map((t) => ({ ...t, ...(patch[t.taskId] ?? {}) })),
    jobs: map,
  };
}

/** A job view with defaults. */
export function jobView(
  id: string,
  state: JobState,
  extra: Partial<TaskJobView> = {},
): TaskJobView {
  return {
    id,
    state,
    startedAt: null,
    finishedAt: null,
    error: null,
    resultJson: null,
    cancelRequestedAt: null,
    ...extra,
  };
}

/** An advance context at `now` that records the requests it built jobs for. */
export function advanceCtx(now: number, requests: TaskJobRequest[] = []): AdvanceContext {
  return {
    now,
    buildJob(request) {
      requests.push(request);
      return {
        fn: request.fn,
        payloadJson: JSON.stringify(request.payload),
        priority: 0,
        runAt: request.runAt,
        maxAttempts: 1,
        idempotencyKey: null,
        concurrencyKey: request.concurrency?.key ?? null,
        concurrencyLimit: request.concurrency?.limit ?? 1,
        backoff: { type: "fixed", delayMs: 0 },
        timeoutMs: request.timeoutMs ?? 0,
        maxPending: null,
        origin: taskTryOrigin(request.runId, request.taskId, request.tryNumber),
      };
    },
  };
}

/** States of a snapshot's tasks, by id. */
export function statesOf(s: RunSnapshot): Record<string, TaskState> {
  return Object.fromEntries(s.tasks.map((t) => [t.taskId, t.state]));
}

/** The rows a change wrote, by id. */
export function writtenOf(change: RunChange | null): Record<string, TaskState> {
  return Object.fromEntries((change?.tasks ?? []).map((t) => [t.taskId, t.state]));
}

/** An in-memory run store: applies changes as updateRun does and ends jobs as the hook does. */
export class MemoryRun {
  snapshot: RunSnapshot;
  private nextJob = 100;
  constructor(snapshot: RunSnapshot) {
    this.snapshot = snapshot;
  }

  /** Applies a change (cancelJobs, tasks, jobs, run) at `now`. */
  apply(change: RunChange, now: number): void {
    for (const id of change.cancelJobs ?? []) {
      const job = this.snapshot.jobs.get(id);
      if (job === undefined) continue;
      if (job.state === "running") this.setJob({ ...job, cancelRequestedAt: now });
      else if (job.state === "queued") this.endJob(id, "cancelled", now);
    }
    const writes = new Map((change.tasks ?? []).map((t) => [t.taskId, t]));
    let tasks = this.snapshot.tasks.map((t) => {
      const w = writes.get(t.taskId);
      return w === undefined ? t : { ...t, ...w, outcome: null, updatedAt: now };
    });
    for (const insert of change.jobs ?? []) {
      const id = String(this.nextJob++);
      this.setJob(jobView(id, "queued"));
      tasks = tasks.map((t) => (t.taskId === insert.taskId ? { ...t, jobId: id } : t));
    }
    const run: StoredRun = {
      ...this.snapshot.run,
      ...(change.run ?? {}),
      // The contract (store-types.ts): `planned: false` means the change itself needs a plan.
      needsPlan: !change.planned,
      updatedAt: now,
    };
    this.snapshot = { ...this.snapshot, run, tasks };
  }

  /** A queued job starts running. */
  startJob(id: string, now: number): void {
    const job = this.snapshot.jobs.get(id);
    if (job !== undefined) this.setJob({ ...job, state: "running", startedAt: now });
  }

  /** A job ends; the hook records the outcome on the task whose jobId it is. */
  endJob(id: string, state: TryOutcome, now: number, error: JobErrorInfo | null = null): void {
    const job = this.snapshot.jobs.get(id);
    if (job === undefined) return;
    this.setJob({ ...job, state, finishedAt: now, error });
    const tasks = this.snapshot.tasks.map((t) => (t.jobId === id ? { ...t, outcome: state } : t));
    const run = { ...this.snapshot.run, needsPlan: true, lastProgressAt: now };
    this.snapshot = { ...this.snapshot, tasks, run };
  }

  /** Sets the run's state by hand (tests). */
  setRunState(state: RunState): void {
    this.snapshot = { ...this.snapshot, run: { ...this.snapshot.run, state } };
  }

  private setJob(job: TaskJobView): void {
    const jobs = new Map(this.snapshot.jobs);
    jobs.set(job.id, job);
    this.snapshot = { ...this.snapshot, jobs };
  }
}
