/**
 * @module stores/conformance/workflow-store-fixtures
 * Shared helpers of the WorkflowStore conformance suite. Everything goes through the ports
 * (WorkflowStore, JobStore for the task tries' jobs, ScheduleStore for reconcile plans): no SQL,
 * no adapter internals, no clock — every instant is a `now` the test passes.
 */
import { expect } from "vitest";
import type { JobOrigin } from "../../core/jobs/origin.js";
import {
  normalizeWorkflow,
  type TaskDeclaration,
  type WorkflowDeclaration,
  type WorkflowDefinition,
} from "../../core/workflows/definition.js";
import type { JobStore, NewJob, StoredJob } from "../../ports/job-store.js";
import type { ScheduleStore } from "../../ports/schedule-store.js";
import type {
  NewRun,
  RunDetail,
  StoredRun,
  StoredTaskInstance,
  StoredWorkflow,
  TaskInstanceWrite,
  WorkflowStore,
} from "../../ports/workflow-store.js";
import { LEASE_MS, T0 } from "./job-store-fixtures.js";

export { LEASE_MS, T0 };

/** One hour, the period of the suite's scheduled workflows. */
export const HOUR = 3_600_000;

/** The stores the suite opens per test: the three ports over one database. */
export interface OpenedWorkflowStores {
  readonly jobs: JobStore;
  readonly schedules: ScheduleStore;
  readonly workflows: WorkflowStore;
  close(): Promise<void>;
}

/** Gives each section of the suite the stores opened for the running test. */
export interface WorkflowSuiteContext {
  workflows(): WorkflowStore;
  jobs(): JobStore;
  schedules(): ScheduleStore;
  /** Close the running test's stores now; the suite's afterEach then leaves them alone. */
  close(): Promise<void>;
}

/** The default tasks: extract -> transform -> load, fn "etl", no retries (load has 2). */
export const ETL_TASKS: readonly TaskDeclaration[] = [
  { id: "extract", fn: "etl" },
  { id: "transform", fn: "etl", dependsOn: ["extract"] },
  { id: "load", fn: "etl", dependsOn: ["transform"], retries: 2 },
];

/** A normalized definition: hourly, named "etl" unless overridden, the ETL_TASKS. */
export function definition(overrides: Partial<WorkflowDeclaration> = {}): WorkflowDefinition {
  return normalizeWorkflow({
    name: "etl",
    tasks: ETL_TASKS,
    schedule: { every: HOUR },
    startDate: T0,
    ...overrides,
  });
}

/** Put a workflow (source `api`, next look at T0 + 1h unless told) and return it. */
export async function putWorkflow(
  store: WorkflowStore,
  overrides: Partial<WorkflowDeclaration> = {},
  now = T0,
): Promise<StoredWorkflow> {
  return store.putWorkflow(definition(overrides), "api", T0 + HOUR, now);
}

/** A NewRun of `workflow` for the hour at `logicalDate` (manual, no params). */
export function newRun(
  def: WorkflowDefinition,
  logicalDate: number,
  overrides: Partial<NewRun> = {},
): NewRun {
  return {
    workflow: def.name,
    logicalDate,
    dataInterval: { start: logicalDate, end: logicalDate + HOUR },
    runType: "manual",
    params: {},
    definition: def,
    note: null,
    ...overrides,
  };
}

/** Create one run (asserting it is new) and return it. */
export async function createRun(
  store: WorkflowStore,
  def: WorkflowDefinition,
  logicalDate: number,
  now = T0,
  overrides: Partial<NewRun> = {},
): Promise<StoredRun> {
  const outcome = await store.createRun(newRun(def, logicalDate, overrides), now);
  expect(outcome.kind).toBe("created");
  return outcome.run;
}

/** Create a run and start it (state running); returns the started run. */
export async function runningRun(
  store: WorkflowStore,
  def: WorkflowDefinition,
  logicalDate: number,
  now = T0,
): Promise<StoredRun> {
  const run = await createRun(store, def, logicalDate, now);
  const started = await store.startQueuedRuns(def.name, now);
  const mine = started.find((r) => r.id === run.id);
  expect(mine, `run ${run.id} should start`).toBeDefined();
  return mine!;
}

/** The run with its tasks, failing the test when it is missing. */
export async function mustGetRun(store: WorkflowStore, id: string): Promise<RunDetail> {
  const run = await store.getRun(id);
  expect(run, `run ${id} should exist`).not.toBeNull();
  return run!;
}

/** The task instance `taskId` of a run detail. */
export function taskOf(run: RunDetail, taskId: string): StoredTaskInstance {
  const task = run.tasks.find((t) => t.taskId === taskId);
  expect(task, `task ${taskId} of run ${run.id}`).toBeDefined();
  return task!;
}

/** The origin of try `tryNumber` of `taskId` in run `runId`. */
export function tryOrigin(runId: string, taskId: string, tryNumber: number): JobOrigin {
  return { kind: "workflow", id: runId, key: `${taskId}#${tryNumber}` };
}

/** The job of one task try: fn "etl", due at T0, one attempt. */
export function tryJob(
  runId: string,
  taskId: string,
  tryNumber = 1,
  overrides: Partial<NewJob> = {},
): NewJob & { origin: JobOrigin } {
  return {
    fn: "etl",
    payloadJson: "{}",
    priority: 0,
    runAt: T0,
    maxAttempts: 1,
    idempotencyKey: null,
    concurrencyKey: null,
    concurrencyLimit: 1,
    backoff: { type: "fixed", delayMs: 0 },
    timeoutMs: 0,
    maxPending: null,
    ...overrides,
    origin: tryOrigin(runId, taskId, tryNumber),
  };
}

/** The write that marks `taskId` queued for try `tryNumber` at `now` (jobId set by the store). */
export function queuedWrite(
  task: StoredTaskInstance,
  now: number,
  tryNumber = task.tryNumber + 1,
): TaskInstanceWrite {
  return {
    taskId: task.taskId,
    state: "queued",
    tryNumber,
    maxTries: task.maxTries,
    jobId: null,
    retryDueAt: null,
    queuedAt: now,
    startedAt: null,
    finishedAt: null,
    error: null,
    note: task.note,
  };
}

/**
 * Queue `taskId` of a running run through `updateRun` (task queued + its try's job) and return
 * the job the store inserted.
 */
export async function queueTask(
  ctx: WorkflowSuiteContext,
  runId: string,
  taskId: string,
  now: number,
): Promise<StoredJob> {
  const outcome = await ctx.workflows().updateRun(
    runId,
    (snap) => {
      const task = snap.tasks.find((t) => t.taskId === taskId)!;
      const write = queuedWrite(task, now);
      return {
        tasks: [write],
        jobs: [{ taskId, job: tryJob(runId, taskId, write.tryNumber, { runAt: now }) }],
        planned: true,
      };
    },
    now,
  );
  expect(outcome.kind).toBe("applied");
  const run = await mustGetRun(ctx.workflows(), runId);
  const jobId = taskOf(run, taskId).jobId;
  expect(jobId).not.toBeNull();
  const job = await ctx.jobs().get(jobId!);
  expect(job).not.toBeNull();
  return job!;
}

/** Claim one "etl" job (asserting it is `jobId` when given) and return it with its lease. */
export async function claimEtl(jobs: JobStore, now: number, jobId?: string) {
  const claimed = await jobs.claim({
    workerId: "w1",
    fns: ["etl"],
    limit: 1,
    now,
    leaseMs: LEASE_MS,
  });
  expect(claimed).toHaveLength(1);
  if (jobId !== undefined) expect(claimed[0]!.id).toBe(jobId);
  return claimed[0]!;
}

/** Claim the job and finalize it succeeded with `resultJson` at `now`. */
export async function succeedJob(
  jobs: JobStore,
  jobId: string,
  now: number,
  resultJson = "null",
): Promise<void> {
  const claimed = await claimEtl(jobs, now, jobId);
  expect(
    await jobs.finalize(
      [{ jobId, leaseToken: claimed.leaseToken, outcome: { kind: "succeeded", resultJson } }],
      now,
    ),
  ).toEqual([true]);
}
