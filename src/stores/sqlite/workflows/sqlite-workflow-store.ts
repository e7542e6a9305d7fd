/**
 * @module stores/sqlite/workflows/sqlite-workflow-store
 * The SQLite WorkflowStore: composes the statement families of this directory, guards against
 * use after close, and turns unexpected SQLite failures into StoreError.
 *
 * It shares its better-sqlite3 connection with the SqliteJobStore and SqliteScheduleStore (see
 * `openSqliteStores`), so `updateRun` inserts and cancels jobs in the run's transaction, and a
 * reconcile plan puts and deletes workflows in the plan's. It owns the `workflow` origin kind:
 * its constructor registers the `workflow` completion hook (`completion.ts`). The job store
 * owns the connection: once it is closed, every method here throws ShuttingDownError too.
 *
 * better-sqlite3 is synchronous: every method runs to completion before its promise returns,
 * and each write method is one `BEGIN IMMEDIATE` transaction. Time is always the caller's.
 */
import type Database from "better-sqlite3";
import { ShuttingDownError } from "../../../core/errors.js";
import type { ObjectSource } from "../../../core/object-source.js";
import type { WorkflowDefinition } from "../../../core/workflows/definition.js";
import type {
  CreateRunOutcome,
  NewRun,
  QueuedTaskRef,
  RunDetail,
  RunFilter,
  RunSnapshot,
  RunChange,
  ScheduledRunsOutcome,
  ScheduledRunsRequest,
  StoredRun,
  StoredWorkflow,
  TaskContextRecord,
  TaskTryJob,
  UpdateRunOutcome,
  WorkflowHistoryEntry,
  WorkflowStore,
} from "../../../ports/workflow-store.js";
import type { CompletionHooks } from "../completion-hooks.js";
import { migrate } from "../migrate.js";
import { toStoreError } from "../sqlite-job-store.js";
import { prepareLiveRunCounts } from "../live-counts.js";
import type { RunState } from "../../../core/workflows/states.js";
import { registerWorkflowCompletion } from "./completion.js";
import { prepareCreateRuns } from "./create-runs.js";
import { prepareWorkflowHistory } from "./history.js";
import { preparePlannerQueries } from "./planner-queries.js";
import { prepareRunReads } from "./read-runs.js";
import { prepareWorkflowReads } from "./read-workflows.js";
import { prepareStartRuns } from "./start-runs.js";
import { prepareTaskTries } from "./task-tries.js";
import { DecideFailure, prepareUpdateRun } from "./update-run.js";
import { prepareWorkflowWrites } from "./workflow-writes.js";

/**
 * A WorkflowStore over an open, migrated better-sqlite3 connection (migration 9 or later). The
 * constructor prepares every statement once; it does not take ownership of the connection.
 */
export class SqliteWorkflowStore implements WorkflowStore {
  readonly #db: Database.Database;
  #closed = false;
  readonly #writes: ReturnType<typeof prepareWorkflowWrites>;
  readonly #workflows: ReturnType<typeof prepareWorkflowReads>;
  readonly #runs: ReturnType<typeof prepareRunReads>;
  readonly #liveRuns: ReturnType<typeof prepareLiveRunCounts>;
  readonly #history: ReturnType<typeof prepareWorkflowHistory>;
  readonly #create: ReturnType<typeof prepareCreateRuns>;
  readonly #start: ReturnType<typeof prepareStartRuns>;
  readonly #update: ReturnType<typeof prepareUpdateRun>;
  readonly #planner: ReturnType<typeof preparePlannerQueries>;
  readonly #tries: ReturnType<typeof prepareTaskTries>;

  /** `hooks`: the connection's completion hooks; this store registers its `workflow` hook. */
  constructor(db: Database.Database, hooks: CompletionHooks) {
    this.#db = db;
    registerWorkflowCompletion(db, hooks);
    this.#writes = prepareWorkflowWrites(db);
    this.#workflows = prepareWorkflowReads(db);
    this.#runs = prepareRunReads(db);
    this.#liveRuns = prepareLiveRunCounts(db);
    this.#history = prepareWorkflowHistory(db);
    this.#create = prepareCreateRuns(db);
    this.#start = prepareStartRuns(db);
    this.#update = prepareUpdateRun(db, hooks);
    this.#planner = preparePlannerQueries(db);
    this.#tries = prepareTaskTries(db);
  }

  async migrate(): Promise<void> {
    this.#run("migrate", () => migrate(this.#db));
  }

  async putWorkflow(
    definition: WorkflowDefinition,
    source: ObjectSource,
    nextRunAfter: number | null,
    now: number,
  ): Promise<StoredWorkflow> {
    return this.#run("putWorkflow", () =>
      this.#db
        .transaction(() => this.#writes.put(definition, source, nextRunAfter, now))
        .immediate(),
    );
  }

  async getWorkflow(name: string): Promise<StoredWorkflow | null> {
    return this.#run("getWorkflow", () => this.#workflows.get(name));
  }

  async listWorkflows(filter?: { readonly source?: ObjectSource }): Promise<StoredWorkflow[]> {
    return this.#run("listWorkflows", () => this.#workflows.list(filter?.source));
  }

  async deleteWorkflow(name: string): Promise<boolean> {
    return this.#run("deleteWorkflow", () =>
      this.#db.transaction(() => this.#writes.remove(name)).immediate(),
    );
  }

  async setWorkflowPaused(
    name: string,
    paused: boolean,
    note: string | null,
    now: number,
  ): Promise<StoredWorkflow | null> {
    return this.#run("setWorkflowPaused", () =>
      this.#db.transaction(() => this.#writes.setPaused(name, paused, note, now)).immediate(),
    );
  }

  async dueWorkflows(now: number, limit: number): Promise<StoredWorkflow[]> {
    return this.#run("dueWorkflows", () => this.#workflows.due(now, limit));
  }

  async nextRunAfter(): Promise<number | null> {
    return this.#run("nextRunAfter", () => this.#workflows.nextRunAfter());
  }

  async createScheduledRuns(request: ScheduledRunsRequest): Promise<ScheduledRunsOutcome> {
    return this.#run("createScheduledRuns", () => this.#create.createScheduledRuns(request));
  }

  async createRun(run: NewRun, now: number): Promise<CreateRunOutcome> {
    return this.#run("createRun", () => this.#create.createRun(run, now));
  }

  async startQueuedRuns(workflow: string, now: number): Promise<StoredRun[]> {
    return this.#run("startQueuedRuns", () => this.#start(workflow, now));
  }

  async workflowsWithQueuedRuns(limit: number): Promise<string[]> {
    return this.#run("workflowsWithQueuedRuns", () => this.#workflows.withQueuedRuns(limit));
  }

  async getRun(id: string): Promise<RunDetail | null> {
    return this.#run("getRun", () => this.#runs.detail(id));
  }

  async findRun(workflow: string, logicalDate: number): Promise<StoredRun | null> {
    return this.#run("findRun", () => this.#runs.find(workflow, logicalDate));
  }

  async listRuns(filter?: RunFilter): Promise<StoredRun[]> {
    return this.#run("listRuns", () => this.#runs.list(filter));
  }

  async workflowHistory(workflow: string, limit?: number): Promise<WorkflowHistoryEntry[]> {
    return this.#run("workflowHistory", () => this.#history.list(workflow, limit));
  }

  async updateRun(
    runId: string,
    decide: (snapshot: RunSnapshot) => RunChange | null,
    now: number,
  ): Promise<UpdateRunOutcome> {
    return this.#run("updateRun", () => this.#update(runId, decide, now));
  }

  async runsToPlan(now: number, limit: number): Promise<string[]> {
    return this.#run("runsToPlan", () => this.#planner.runsToPlan(now, limit));
  }

  async nextPlanAt(): Promise<number | null> {
    return this.#run("nextPlanAt", () => this.#planner.nextPlanAt());
  }

  async taskTries(runId: string, taskId: string): Promise<TaskTryJob[] | null> {
    return this.#run("taskTries", () => this.#tries(runId, taskId));
  }

  async taskContext(jobId: string): Promise<TaskContextRecord | null> {
    return this.#run("taskContext", () => this.#planner.taskContext(jobId));
  }

  async stalledRuns(before: number, limit: number): Promise<string[]> {
    return this.#run("stalledRuns", () => this.#planner.stalledRuns(before, limit));
  }

  async queuedTasksBefore(before: number, limit: number): Promise<QueuedTaskRef[]> {
    return this.#run("queuedTasksBefore", () => this.#planner.queuedTasksBefore(before, limit));
  }

  async liveRunCounts(): Promise<{ workflow: string; state: RunState; count: number }[]> {
    return this.#run("liveRunCounts", () => this.#liveRuns());
  }

  /** Refuse further calls (ShuttingDownError); the connection belongs to the job store. */
  close(): void {
    this.#closed = true;
  }

  #run<T>(operation: string, body: () => T): T {
    if (this.#closed || !this.#db.open) {
      throw new ShuttingDownError(
        `the SQLite workflow store is closed; ${operation} was called after close()`,
      );
    }
    try {
      return body();
    } catch (error) {
      // `decide` is the caller's code: its error is rethrown as it was thrown.
      if (error instanceof DecideFailure) throw error.original;
      throw toStoreError(operation, error, "workflow store", this.#db.name);
    }
  }
}
