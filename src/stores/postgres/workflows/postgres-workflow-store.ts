/**
 * @module stores/postgres/workflows/postgres-workflow-store
 * The PostgreSQL WorkflowStore: composes the statement families of this directory (one file
 * each), guards against use after close, and turns unexpected PostgreSQL failures into
 * StoreError (an error thrown by `updateRun`'s `decide` is rethrown as it was).
 *
 * It shares the PgDatabase (pool and schema) and the completion hooks of the PostgresJobStore
 * (see `openPostgresStores`): a task try's job is inserted through the job store's insert path
 * and cancelled through its cancel statement inside `updateRun`'s transaction. It owns the
 * `workflow` origin kind: its constructor registers the `workflow` completion hook
 * (`completion.ts`). The job store owns the pool: once it is closed, every method here throws
 * ShuttingDownError too.
 *
 * Atomicity and concurrency: see each family's header — createRun and the pause/put/delete
 * writes are one statement each; createScheduledRuns and startQueuedRuns one transaction
 * holding the workflow row's lock; updateRun one transaction holding the run row's lock.
 */
import { ShuttingDownError } from "../../../core/errors.js";
import type { ObjectSource } from "../../../core/object-source.js";
import type { WorkflowDefinition } from "../../../core/workflows/definition.js";
import type {
  CreateRunOutcome,
  NewRun,
  QueuedTaskRef,
  RunChange,
  RunDetail,
  RunFilter,
  RunSnapshot,
  ScheduledRunsOutcome,
  ScheduledRunsRequest,
  StoredRun,
  StoredWorkflow,
  TaskContextRecord,
  UpdateRunOutcome,
  WorkflowHistoryEntry,
  WorkflowStore,
  TaskTryJob,
} from "../../../ports/workflow-store.js";
import type { PgCompletionHooks } from "../completion-hooks.js";
import { type PgDatabase, toStoreError } from "../database.js";
import { liveRunCounts } from "../live-counts.js";
import { migrate } from "../migrate.js";
import type { RunState } from "../../../core/workflows/states.js";
import { registerWorkflowCompletion } from "./completion.js";
import { createRun, createScheduledRuns } from "./create-runs.js";
import { deleteWorkflow, putWorkflow, setWorkflowPaused } from "./put-workflow.js";
import * as runs from "./read-runs.js";
import * as read from "./read-workflows.js";
import { RunDefinitionCache } from "./run-heads.js";
import { startQueuedRuns, workflowsWithQueuedRuns } from "./start-runs.js";
import { taskContext } from "./task-context.js";
import { taskTries } from "./task-tries.js";
import { DecideFailed, updateRun } from "./update-run.js";

/** A WorkflowStore over a PgDatabase migrated to version 8 or later. Does not own the pool. */
export class PostgresWorkflowStore implements WorkflowStore {
  readonly #db: PgDatabase;
  readonly #hooks: PgCompletionHooks;
  /** Parsed run definitions (they never change after a run is created): see run-heads.ts. */
  readonly #definitions = new RunDefinitionCache();
  #closed = false;

  /** `hooks`: the schema's completion hooks, shared with its job store; `workflow` is registered. */
  constructor(db: PgDatabase, hooks: PgCompletionHooks) {
    this.#db = db;
    this.#hooks = hooks;
    registerWorkflowCompletion(hooks);
  }

  migrate(): Promise<void> {
    return this.#run("migrate", () => migrate(this.#db));
  }

  putWorkflow(
    definition: WorkflowDefinition,
    source: ObjectSource,
    nextRunAfter: number | null,
    now: number,
  ): Promise<StoredWorkflow> {
    return this.#run("putWorkflow", () =>
      putWorkflow(this.#db.pool, this.#db.s, definition, source, nextRunAfter, now),
    );
  }

  getWorkflow(name: string): Promise<StoredWorkflow | null> {
    return this.#run("getWorkflow", () => read.getWorkflow(this.#db.pool, this.#db.s, name));
  }

  listWorkflows(filter?: { readonly source?: ObjectSource }): Promise<StoredWorkflow[]> {
    return this.#run("listWorkflows", () =>
      read.listWorkflows(this.#db.pool, this.#db.s, filter?.source),
    );
  }

  deleteWorkflow(name: string): Promise<boolean> {
    return this.#run("deleteWorkflow", () => deleteWorkflow(this.#db.pool, this.#db.s, name));
  }

  setWorkflowPaused(
    name: string,
    paused: boolean,
    note: string | null,
    now: number,
  ): Promise<StoredWorkflow | null> {
    return this.#run("setWorkflowPaused", () =>
      setWorkflowPaused(this.#db.pool, this.#db.s, name, paused, note, now),
    );
  }

  dueWorkflows(now: number, limit: number): Promise<StoredWorkflow[]> {
    return this.#run("dueWorkflows", () =>
      read.dueWorkflows(this.#db.pool, this.#db.s, now, limit),
    );
  }

  nextRunAfter(): Promise<number | null> {
    return this.#run("nextRunAfter", () => read.nextRunAfter(this.#db.pool, this.#db.s));
  }

  createScheduledRuns(request: ScheduledRunsRequest): Promise<ScheduledRunsOutcome> {
    return this.#run("createScheduledRuns", () => createScheduledRuns(this.#db, request));
  }

  createRun(run: NewRun, now: number): Promise<CreateRunOutcome> {
    return this.#run("createRun", () => createRun(this.#db, run, now));
  }

  startQueuedRuns(workflow: string, now: number): Promise<StoredRun[]> {
    return this.#run("startQueuedRuns", () => startQueuedRuns(this.#db, workflow, now));
  }

  workflowsWithQueuedRuns(limit: number): Promise<string[]> {
    return this.#run("workflowsWithQueuedRuns", () =>
      workflowsWithQueuedRuns(this.#db.pool, this.#db.s, limit),
    );
  }

  getRun(id: string): Promise<RunDetail | null> {
    return this.#run("getRun", () => runs.getRun(this.#db.pool, this.#db.s, this.#definitions, id));
  }

  findRun(workflow: string, logicalDate: number): Promise<StoredRun | null> {
    return this.#run("findRun", () =>
      runs.findRun(this.#db.pool, this.#db.s, workflow, logicalDate),
    );
  }

  listRuns(filter?: RunFilter): Promise<StoredRun[]> {
    return this.#run("listRuns", () => runs.listRuns(this.#db.pool, this.#db.s, filter));
  }

  workflowHistory(workflow: string, limit?: number): Promise<WorkflowHistoryEntry[]> {
    return this.#run("workflowHistory", () =>
      read.workflowHistory(this.#db.pool, this.#db.s, workflow, limit),
    );
  }

  async updateRun(
    runId: string,
    decide: (snapshot: RunSnapshot) => RunChange | null,
    now: number,
  ): Promise<UpdateRunOutcome> {
    try {
      return await this.#run("updateRun", () =>
        updateRun(this.#db, this.#hooks, this.#definitions, runId, decide, now),
      );
    } catch (error) {
      if (error instanceof DecideFailed) throw error.error;
      throw error;
    }
  }

  taskTries(runId: string, taskId: string): Promise<TaskTryJob[] | null> {
    return this.#run("taskTries", () => taskTries(this.#db.pool, this.#db.s, runId, taskId));
  }

  runsToPlan(now: number, limit: number): Promise<string[]> {
    return this.#run("runsToPlan", () => runs.runsToPlan(this.#db.pool, this.#db.s, now, limit));
  }

  nextPlanAt(): Promise<number | null> {
    return this.#run("nextPlanAt", () => runs.nextPlanAt(this.#db.pool, this.#db.s));
  }

  taskContext(jobId: string): Promise<TaskContextRecord | null> {
    return this.#run("taskContext", () =>
      taskContext(this.#db.pool, this.#db.s, this.#definitions, jobId),
    );
  }

  stalledRuns(before: number, limit: number): Promise<string[]> {
    return this.#run("stalledRuns", () =>
      runs.stalledRuns(this.#db.pool, this.#db.s, before, limit),
    );
  }

  queuedTasksBefore(before: number, limit: number): Promise<QueuedTaskRef[]> {
    return this.#run("queuedTasksBefore", () =>
      runs.queuedTasksBefore(this.#db.pool, this.#db.s, before, limit),
    );
  }

  async liveRunCounts(): Promise<{ workflow: string; state: RunState; count: number }[]> {
    return this.#run("liveRunCounts", () => liveRunCounts(this.#db));
  }

  /** Refuse further calls (ShuttingDownError); the pool is the job store's. Idempotent. */
  close(): void {
    this.#closed = true;
  }

  async #run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new ShuttingDownError(
        `the PostgreSQL workflow store is closed; ${operation} was called after close()`,
      );
    }
    this.#db.assertOpen(operation);
    try {
      return await body();
    } catch (error) {
      if (error instanceof DecideFailed) throw error;
      throw toStoreError(operation, error, "workflow store");
    }
  }
}
