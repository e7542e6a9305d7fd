/**
 * @module ports/workflow-store
 * The store port for workflows, their runs and task instances. Adapters implement it on the
 * same database (and connection) as JobStore and ScheduleStore, and pass the workflow
 * conformance suite (stores/conformance/workflow-store-*.ts).
 *
 * Rules every adapter keeps:
 * - Each method is atomic. Time is given by the caller (`now`).
 * - Run identity: (workflow, logicalDate) is unique; `createRun` and `createScheduledRuns` never
 *   create a second run for a logical date, across processes (a unique index, not a check).
 *   A run's task instances are created (state `none`, tryNumber 0, maxTries = retries + 1 from
 *   the run's definition) in the transaction that creates the run.
 * - The workflow store owns the `workflow` origin kind: opening it registers the `workflow`
 *   completion hook with the job store of the same database. When a job with origin
 *   `{ kind: "workflow", id: runId, key }` reaches a terminal state, the hook, in that
 *   transaction, sets `outcome` (the job's terminal state) on the task instance of that run
 *   whose `jobId` is the job's id (none if the task has moved on to another job), and sets the
 *   run's `needsPlan` and `lastProgressAt` (= the job's finish instant). Nothing else.
 * - `updateRun` is the one way a run and its tasks change after creation: it locks the run
 *   (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE), reads the snapshot, calls the
 *   caller's pure `decide` once, and applies the RunChange in the same transaction (order:
 *   cancelJobs, tasks, jobs, run), so two engines deciding the same run serialize and the
 *   second sees the first's writes. A task's `outcome` is cleared when the change writes that
 *   task. `updatedAt` of written rows = `now`.
 * - `createScheduledRuns` is a compare-and-set on the workflow's `latestLogicalDate`, like
 *   `fireSlot` on a schedule's cursor.
 * - Starting queued runs honours the workflow's `maxActiveRuns` across processes: the count of
 *   `running` runs is read under a lock of the workflow row.
 */
import type { PlanChange } from "../core/reconcile/types.js";
import type { StoredJob } from "./job-store.js";
import type { ObjectSource } from "../core/object-source.js";
import type { WorkflowDefinition } from "../core/workflows/definition.js";
import type { RunState } from "../core/workflows/states.js";
import type {
  NewRun,
  RunChange,
  RunDetail,
  RunSnapshot,
  SkippedInterval,
  StoredRun,
  StoredWorkflow,
  WorkflowHistoryEntry,
} from "../core/workflows/store-types.js";

export type * from "../core/workflows/store-types.js";

/** Filter of `listRuns`. Newest logical date first; `before` pages (exclusive). */
export interface RunFilter {
  readonly workflow?: string;
  readonly state?: RunState;
  /** Default 100. */
  readonly limit?: number;
  /** Only runs with a logical date strictly before this (the last row's, to page on). */
  readonly before?: number;
}

/** Outcome of `createRun`. */
export type CreateRunOutcome =
  | { readonly kind: "created"; readonly run: StoredRun }
  /** A run for (workflow, logicalDate) exists: nothing written. */
  | { readonly kind: "duplicate"; readonly run: StoredRun };

/** One batch of the workflow scheduler for one workflow (see the module rules). */
export interface ScheduledRunsRequest {
  readonly workflow: string;
  /** The cursor the caller read; the write applies only if it is still the stored one. */
  readonly expectedLatestLogicalDate: number | null;
  /** Runs to create (runType `scheduled`), in logical-date order; existing ones are skipped. */
  readonly runs: readonly NewRun[];
  /** Intervals not run, recorded in the workflow's history. */
  readonly skipped: readonly SkippedInterval[];
  /** The cursor after this call (never moves back). */
  readonly latestLogicalDate: number | null;
  readonly nextRunAfter: number | null;
  readonly now: number;
}

/** Outcome of `createScheduledRuns`. */
export type ScheduledRunsOutcome =
  | { readonly kind: "applied"; readonly created: readonly StoredRun[]; readonly existing: number }
  /** The cursor moved (another process did it), or the workflow is gone/paused: nothing written. */
  | { readonly kind: "stale" };

/** Outcome of `updateRun`. */
export type UpdateRunOutcome =
  | { readonly kind: "applied"; readonly run: StoredRun }
  /** `decide` returned null: nothing written. */
  | { readonly kind: "unchanged"; readonly run: StoredRun }
  | { readonly kind: "not_found" };

/** What a task's handler gets as `ctx.run` (read when its job starts). */
export interface TaskContextRecord {
  readonly run: StoredRun;
  readonly taskId: string;
  /** Direct upstream task id -> its last successful job's result (parsed JSON), or null. */
  readonly upstreamResults: Readonly<Record<string, unknown>>;
}

/** A task instance queued whose job has not started. */
export interface QueuedTaskRef {
  readonly runId: string;
  readonly taskId: string;
  readonly jobId: string;
  readonly queuedAt: number;
}

/** One try of a workflow task: its number (from its job's origin key `<task>#<try>`) and job. */
export interface TaskTryJob {
  readonly tryNumber: number;
  readonly job: StoredJob;
}

/** The workflow store: see the module rules. */
export interface WorkflowStore {
  /** Create or upgrade the schema (shared migrations). Idempotent. */
  migrate(): Promise<void>;

  /**
   * Create or replace a workflow's definition outside a reconcile plan (library, API). Keeps
   * its runtime state (paused, cursor); `nextRunAfter` is set to the given value.
   * Throws ConflictError when a workflow of the other source has the name.
   */
  putWorkflow(
    definition: WorkflowDefinition,
    source: ObjectSource,
    nextRunAfter: number | null,
    now: number,
  ): Promise<StoredWorkflow>;
  getWorkflow(name: string): Promise<StoredWorkflow | null>;
  listWorkflows(filter?: { readonly source?: ObjectSource }): Promise<StoredWorkflow[]>;
  /** Delete a workflow with its runs, task instances and history. False when unknown. */
  deleteWorkflow(name: string): Promise<boolean>;
  /** Pause or resume (recorded in history). Null when unknown. */
  setWorkflowPaused(
    name: string,
    paused: boolean,
    note: string | null,
    now: number,
  ): Promise<StoredWorkflow | null>;

  /** Unpaused workflows with `nextRunAfter <= now`, earliest first, at most `limit`. */
  dueWorkflows(now: number, limit: number): Promise<StoredWorkflow[]>;
  /** The earliest `nextRunAfter` among unpaused workflows, or null. */
  nextRunAfter(): Promise<number | null>;
  createScheduledRuns(request: ScheduledRunsRequest): Promise<ScheduledRunsOutcome>;
  /** Create one run (manual or backfill) in state `queued`. */
  createRun(run: NewRun, now: number): Promise<CreateRunOutcome>;

  /**
   * Move the oldest `queued` runs (by logical date) of `workflow` to `running` while fewer than
   * its `maxActiveRuns` run (`startedAt = now`, `needsPlan` set). Returns the runs started.
   * Does nothing for a paused workflow.
   */
  startQueuedRuns(workflow: string, now: number): Promise<StoredRun[]>;
  /** Names of unpaused workflows that have `queued` runs, at most `limit`. */
  workflowsWithQueuedRuns(limit: number): Promise<string[]>;

  getRun(id: string): Promise<RunDetail | null>;
  findRun(workflow: string, logicalDate: number): Promise<StoredRun | null>;
  listRuns(filter?: RunFilter): Promise<StoredRun[]>;
  /** Newest first. */
  workflowHistory(workflow: string, limit?: number): Promise<WorkflowHistoryEntry[]>;

  /** See the module rules. `decide` must be pure and synchronous; if it throws, nothing is written. */
  updateRun(
    runId: string,
    decide: (snapshot: RunSnapshot) => RunChange | null,
    now: number,
  ): Promise<UpdateRunOutcome>;

  /** Ids of `running` runs with `needsPlan` or `nextPlanAt <= now`, oldest change first. */
  runsToPlan(now: number, limit: number): Promise<string[]>;
  /** The earliest `nextPlanAt` among `running` runs, or null. */
  nextPlanAt(): Promise<number | null>;
  /**
   * Every try of task `taskId` of run `runId` still stored (retention may have deleted old
   * ones), in try order: the jobs with origin `{ kind: "workflow", id: runId, key: "<task>#<n>" }`,
   * read through the origin index (kind, id, key range). Reads that task's instance and its
   * jobs only, never the run's other tasks. Null when the run has no such task (or no run).
   */
  taskTries(runId: string, taskId: string): Promise<TaskTryJob[] | null>;
  /** The context of the task whose current job is `jobId`, or null (not a task's job). */
  taskContext(jobId: string): Promise<TaskContextRecord | null>;

  /** Reaper: ids of `running` runs with `lastProgressAt < before`, at most `limit`. */
  stalledRuns(before: number, limit: number): Promise<string[]>;
  /** Reaper: tasks `queued` before `before` whose job is still waiting (never started). */
  queuedTasksBefore(before: number, limit: number): Promise<QueuedTaskRef[]>;

  /**
   * Optional, for metrics: runs `queued` and `running`, counted per workflow and state (groups
   * with no run are absent), sorted by workflow then state (code-point order). Index-driven.
   */
  liveRunCounts?(): Promise<{ workflow: string; state: RunState; count: number }[]>;
}

/** The reconcile changes a workflow store applies inside `ScheduleStore.applyPlan`. */
export type WorkflowPlanChange = Extract<
  PlanChange,
  { readonly op: "put_workflow" } | { readonly op: "delete_workflow" }
>;
