/**
 * @module runtime/workflows/run-view
 * The public shapes of workflows, runs and task instances (dates as Date), built from the
 * store records. A task's state is the stored one, except that a `queued` task whose job has
 * started reads `running` (the store does not write on claim: the job row says it).
 */
import type { JobErrorInfo } from "../../core/jobs/types.js";
import type { RunState, TaskState, WorkflowDefinition } from "../../core/workflows/index.js";
import type {
  RunDetail,
  RunType,
  StoredRun,
  StoredTaskInstance,
  StoredWorkflow,
  TaskJobView,
  WorkflowHistoryEntry,
} from "../../ports/workflow-store.js";

/** A workflow as the library returns it. */
export interface Workflow {
  readonly name: string;
  readonly definition: WorkflowDefinition;
  readonly source: "config" | "api";
  readonly paused: boolean;
  readonly pauseNote: string | null;
  /** The latest logical date that has a scheduled run. */
  readonly latestLogicalDate: Date | null;
  /** When the scheduler next looks at it (the next run's due time), or null. */
  readonly nextRunAfter: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** One task of a run. */
export interface TaskInstance {
  readonly taskId: string;
  /** Its direct upstream task ids, from the run's definition. */
  readonly dependsOn: readonly string[];
  readonly state: TaskState;
  readonly tryNumber: number;
  readonly maxTries: number;
  readonly jobId: string | null;
  readonly retryDueAt: Date | null;
  readonly queuedAt: Date | null;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly error: JobErrorInfo | null;
  readonly note: string | null;
}

/** A run as the library returns it (`tasks` only from `runs.get`). */
export interface WorkflowRun {
  readonly id: string;
  readonly workflow: string;
  readonly logicalDate: Date;
  readonly dataInterval: { readonly start: Date; readonly end: Date };
  readonly runType: RunType;
  readonly state: RunState;
  readonly params: Readonly<Record<string, unknown>>;
  readonly note: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly updatedAt: Date;
}

/** A run with its task instances. */
export interface WorkflowRunDetail extends WorkflowRun {
  readonly tasks: readonly TaskInstance[];
}

/** One entry of a workflow's history. */
export interface WorkflowHistoryItem {
  readonly at: Date;
  readonly kind: WorkflowHistoryEntry["kind"];
  readonly logicalDate: Date | null;
  readonly runId: string | null;
  readonly reason: string | null;
}

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

/** The public view of a stored workflow. */
export function toWorkflow(w: StoredWorkflow): Workflow {
  return {
    name: w.name,
    definition: w.definition,
    source: w.source,
    paused: w.paused,
    pauseNote: w.pauseNote,
    latestLogicalDate: date(w.latestLogicalDate),
    nextRunAfter: date(w.nextRunAfter),
    createdAt: new Date(w.createdAt),
    updatedAt: new Date(w.updatedAt),
  };
}

/** The public view of a stored run. */
export function toRun(r: StoredRun): WorkflowRun {
  return {
    id: r.id,
    workflow: r.workflow,
    logicalDate: new Date(r.logicalDate),
    dataInterval: { start: new Date(r.dataInterval.start), end: new Date(r.dataInterval.end) },
    runType: r.runType,
    state: r.state,
    params: r.params,
    note: r.note,
    createdAt: new Date(r.createdAt),
    startedAt: date(r.startedAt),
    finishedAt: date(r.finishedAt),
    updatedAt: new Date(r.updatedAt),
  };
}

/** The live state of a task: `queued` reads `running` once its job has started. */
export function liveTaskState(
  task: StoredTaskInstance,
  jobs: ReadonlyMap<string, TaskJobView>,
): TaskState {
  if (task.state !== "queued" || task.jobId === null) return task.state;
  return jobs.get(task.jobId)?.state === "running" ? "running" : "queued";
}

/** The public view of a run with its tasks, in the definition's order. */
export function toRunDetail(r: RunDetail): WorkflowRunDetail {
  const order = new Map(r.definition.tasks.map((t, i) => [t.id, i]));
  const upstream = new Map(r.definition.tasks.map((t) => [t.id, t.dependsOn]));
  const tasks = [...r.tasks].sort(
    (a, b) => (order.get(a.taskId) ?? 0) - (order.get(b.taskId) ?? 0),
  );
  return {
    ...toRun(r),
    tasks: tasks.map((t) => {
      const job = t.jobId === null ? undefined : r.jobs.get(t.jobId);
      return {
        taskId: t.taskId,
        dependsOn: upstream.get(t.taskId) ?? [],
        state: liveTaskState(t, r.jobs),
        tryNumber: t.tryNumber,
        maxTries: t.maxTries,
        jobId: t.jobId,
        retryDueAt: date(t.retryDueAt),
        queuedAt: date(t.queuedAt),
        startedAt: date(t.startedAt ?? (t.state === "queued" ? (job?.startedAt ?? null) : null)),
        finishedAt: date(t.finishedAt),
        error: t.error,
        note: t.note,
      };
    }),
  };
}

/** The public view of a history entry. */
export function toHistoryItem(e: WorkflowHistoryEntry): WorkflowHistoryItem {
  return {
    at: new Date(e.at),
    kind: e.kind,
    logicalDate: date(e.logicalDate),
    runId: e.runId,
    reason: e.reason,
  };
}
