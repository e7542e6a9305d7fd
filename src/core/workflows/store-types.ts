/**
 * @module core/workflows/store-types
 * The workflow records as stores keep them, and the change set a run's one transactional
 * primitive applies. Shared by the store port (ports/workflow-store), the adapters, the pure
 * run decisions (advance, clear, mark, cancel, reapers) and the runtime.
 *
 * How a task try flows (the outbox shape that makes "task done" and "run must advance" one
 * write): the planner queues a task by inserting a job with origin
 * `{ kind: "workflow", id: <run id>, key: "<task id>#<try number>" }` and recording its id on
 * the task instance. When that job reaches a terminal state, the `workflow` completion hook,
 * in the job's finalization (or cancel) transaction, records the job's terminal state on the
 * task instance (`outcome`) and sets the run's `needsPlan`. The next `updateRun` of that run
 * reads the outcome with the job's error and result, and the pure decision turns it into the
 * task's state (success, up_for_retry, failed, skipped) and plans the successors. A crash
 * between the two leaves `needsPlan` set: any engine's planner picks the run up again.
 *
 * All instants are ms since the epoch. Ids are decimal text (stores assign them).
 */
import type { JobErrorInfo, NewJob } from "../jobs/types.js";
import type { JobOrigin } from "../jobs/origin.js";
import type { JobState } from "../jobs/states.js";
import type { ObjectSource } from "../object-source.js";
import type { WorkflowDefinition } from "./definition.js";
import type { DataInterval } from "./intervals.js";
import type { RunState, TaskState } from "./states.js";

/** How a run came to be. */
export type RunType = "scheduled" | "manual" | "backfill";

/** A workflow as stored: its normalized definition and its runtime state. */
export interface StoredWorkflow {
  readonly name: string;
  readonly definition: WorkflowDefinition;
  /** `config` workflows are reconciled by apply; `api` ones (library, server) never touched by it. */
  readonly source: ObjectSource;
  readonly paused: boolean;
  /** The note given with the last pause/resume, or null. */
  readonly pauseNote: string | null;
  /** Scheduling cursor: the latest logical date that has a scheduled run, or null. */
  readonly latestLogicalDate: number | null;
  /** When the scheduler next has something to do for it (next run's `runAfter`), or null. */
  readonly nextRunAfter: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A run as stored. Identity: (workflow, logicalDate) is unique. */
export interface StoredRun {
  readonly id: string;
  readonly workflow: string;
  readonly logicalDate: number;
  readonly dataInterval: DataInterval;
  readonly runType: RunType;
  readonly state: RunState;
  /** The run's params: declared defaults merged with the given ones. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The definition the run executes (snapshot taken when it was created). */
  readonly definition: WorkflowDefinition;
  readonly note: string | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly updatedAt: number;
  /** Last time a task of the run changed state (the orphan reaper reads it). */
  readonly lastProgressAt: number;
  /** True while something changed that the planner has not yet looked at. */
  readonly needsPlan: boolean;
  /** When the planner must look again without a change (earliest retry due), or null. */
  readonly nextPlanAt: number | null;
}

/** The terminal state of a task try's job, recorded by the completion hook. */
export type TryOutcome = Extract<JobState, "succeeded" | "failed" | "cancelled" | "timed_out">;

/** One task of one run as stored. */
export interface StoredTaskInstance {
  readonly runId: string;
  readonly taskId: string;
  readonly state: TaskState;
  /** Tries started so far (0 before the first). */
  readonly tryNumber: number;
  /** Tries allowed (retries + 1; a clear raises it as Airflow does). */
  readonly maxTries: number;
  /** The current (or last) try's job, or null. */
  readonly jobId: string | null;
  /** For `up_for_retry`: when the next try is due. */
  readonly retryDueAt: number | null;
  readonly queuedAt: number | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly error: JobErrorInfo | null;
  readonly note: string | null;
  /** Set by the completion hook; cleared by the `updateRun` that applies it. */
  readonly outcome: TryOutcome | null;
  readonly updatedAt: number;
}

/** What a decision needs of a task's current job (joined by the store in `updateRun`). */
export interface TaskJobView {
  readonly id: string;
  readonly state: JobState;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly error: JobErrorInfo | null;
  readonly resultJson: string | null;
  readonly cancelRequestedAt: number | null;
}

/** Everything a run decision sees, read under the run's lock. */
export interface RunSnapshot {
  readonly run: StoredRun;
  /** Every task instance of the run (none are missing: rows are created with the run). */
  readonly tasks: readonly StoredTaskInstance[];
  /** Job id -> the job, for every task instance whose `jobId` is set. */
  readonly jobs: ReadonlyMap<string, TaskJobView>;
}

/** The new values of one task instance (whole row but the keys; `outcome` is cleared). */
export type TaskInstanceWrite = Omit<StoredTaskInstance, "runId" | "outcome" | "updatedAt">;

/** A job to insert for a task try; the store sets the task's `jobId` to the new job's id. */
export interface TaskJobInsert {
  readonly taskId: string;
  readonly job: NewJob & { readonly origin: JobOrigin };
}

/** What one `updateRun` writes, in one transaction. Omitted parts are left unchanged. */
export interface RunChange {
  /** Task instances to overwrite (by taskId). Applied after `cancelJobs`. */
  readonly tasks?: readonly TaskInstanceWrite[];
  /** Jobs to insert (after `tasks`); a job whose origin exists already is not inserted again. */
  readonly jobs?: readonly TaskJobInsert[];
  /**
   * Jobs to cancel through the job store's cancel path: a pending job ends `cancelled` at once
   * (its hook runs in this transaction), a running one gets a cancel request (its handler's
   * AbortSignal fires). Applied first.
   */
  readonly cancelJobs?: readonly string[];
  readonly run?: {
    readonly state?: RunState;
    readonly startedAt?: number | null;
    readonly finishedAt?: number | null;
    readonly note?: string | null;
    readonly lastProgressAt?: number;
    readonly nextPlanAt?: number | null;
  };
  /** Clear `needsPlan` (set it again with false only when the change itself needs a plan). */
  readonly planned: boolean;
}

/** A run as the read API returns it: the run and its tasks with their live job state. */
export interface RunDetail extends StoredRun {
  readonly tasks: readonly StoredTaskInstance[];
  readonly jobs: ReadonlyMap<string, TaskJobView>;
}

/** A request to create one run (its task instances are created `none` with it). */
export interface NewRun {
  readonly workflow: string;
  readonly logicalDate: number;
  readonly dataInterval: DataInterval;
  readonly runType: RunType;
  readonly params: Readonly<Record<string, unknown>>;
  readonly definition: WorkflowDefinition;
  readonly note?: string | null;
}

/** An interval the workflow scheduler did not create a run for, and why. */
export interface SkippedInterval {
  readonly logicalDate: number;
  readonly dataInterval: DataInterval;
  /** Stable reason: `catchup_disabled`, `paused`, ... */
  readonly reason: string;
}

/** One entry of a workflow's history (runs created, intervals skipped, pauses), newest first. */
export interface WorkflowHistoryEntry {
  readonly workflow: string;
  readonly at: number;
  readonly kind: "run_created" | "interval_skipped" | "paused" | "resumed";
  readonly logicalDate: number | null;
  readonly runId: string | null;
  readonly reason: string | null;
}
