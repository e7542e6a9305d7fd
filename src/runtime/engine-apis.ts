/**
 * @module runtime/engine-apis
 * Builds the engine facade's APIs (jobs, functions, schedules, workflows and runs) over the
 * stores and the event bus. The engine (runtime/kairos) owns the lifecycle; these are handed
 * the hooks they need from it: whether it is open, its worker pool, its scheduler loop.
 */
import { scheduleTriggerOrigin } from "../core/jobs/origin.js";
import type { ScheduleStore, StoredSchedule } from "../ports/schedule-store.js";
import type { KairosDeps } from "./engine-options.js";
import type { EventBus } from "./event-bus.js";
import { FunctionCatalog } from "./function-catalog.js";
import type { FunctionRegistry } from "./functions.js";
import { JobFactory } from "./job-factory.js";
import { createJobControlApi } from "./job-control-api.js";
import { createJobsApi } from "./jobs-api.js";
import { functionStatus } from "./job-why.js";
import { missingScheduleStore } from "./missing-schedule-store.js";
import type { SchedulerLoop } from "./scheduler/scheduler-loop.js";
import { withScheduleBackend } from "./backend-schedules.js";
import { createSchedulesApi, type SchedulesApi } from "./schedules-api.js";
import { fireScheduleSlot, type FireSlotDeps } from "./scheduler/fire-slot.js";
import type { WorkerPool } from "./worker/worker-pool.js";
import { createWorkflowEngine } from "./workflows/create-workflow-engine.js";
import type { WorkflowEngine } from "./workflows/workflow-engine.js";

/** What the APIs need from the engine that owns them. */
export interface EngineHooks {
  assertOpen(): void;
  pool(): WorkerPool | null;
  loop(): SchedulerLoop | null;
}

/** The engine's APIs and the parts it drives itself (job factory, catalog, workflow engine). */
export interface EngineApis {
  readonly factory: JobFactory;
  readonly catalog: FunctionCatalog;
  readonly enqueuer: ReturnType<typeof createJobsApi>;
  readonly schedules: SchedulesApi;
  readonly wf: WorkflowEngine;
}

/** Wire the APIs; a finished job wakes the scheduler loop (overlap policies wait on it). */
export function createEngineApis(
  deps: KairosDeps,
  events: EventBus,
  registry: FunctionRegistry,
  hooks: EngineHooks,
): EngineApis {
  const scheduleStore = deps.scheduleStore;
  const assertOpen = () => hooks.assertOpen();
  const factory = new JobFactory({
    registry,
    getFunction: async (name) => (scheduleStore ? scheduleStore.getFunction(name) : null),
    now: () => deps.clock.now(),
    ...(deps.maxPayloadBytes !== undefined ? { maxPayloadBytes: deps.maxPayloadBytes } : {}),
  });
  const catalog = new FunctionCatalog({
    registry,
    store: scheduleStore,
    clock: deps.clock,
    presenceIntervalMs: deps.presenceIntervalMs,
    assertOpen,
  });
  const control = createJobControlApi({
    control: deps.controlStore ?? null,
    clock: deps.clock,
    assertOpen,
    stopLocal: (jobId: string) => hooks.pool()?.stopLocal(jobId),
    due: (runAt: number) => hooks.pool()?.notify(runAt),
    events,
    job: (id) => deps.store.get(id),
    functionKnown: (fn) => catalog.isKnownNow(fn),
    functionUnavailable: (fn) => catalog.unavailableEverywhere(fn),
  });
  const enqueuer = createJobsApi({
    control,
    store: deps.store,
    factory,
    events,
    clock: deps.clock,
    assertOpen,
    assertKnown: (fn) => catalog.assertKnown(fn),
    functionStatus: (fn) => functionStatus(catalog, fn),
    due: (runAt) => hooks.pool()?.notify(runAt),
    cancelLocal: (jobId) => hooks.pool()?.cancelLocal(jobId),
    ...(deps.controlStore
      ? { generations: (ids: readonly string[]) => deps.controlStore!.generationsOf(ids) }
      : {}),
  });
  const limit = deps.maxPayloadBytes !== undefined ? { maxPayloadBytes: deps.maxPayloadBytes } : {};
  const store = scheduleStore ?? missingScheduleStore();
  const plain = createSchedulesApi({
    store,
    clock: deps.clock,
    assertOpen,
    changed: () => hooks.loop()?.wake(),
    events,
    trigger: scheduleTrigger(enqueuer),
    fire: (name, input) =>
      fireScheduleSlot(fireSlotDeps(deps, store, events, factory, enqueuer, hooks), name, input),
    assertKnown: (fn) => catalog.assertKnown(fn),
    ...limit,
  });
  // With a schedule backend (Kubernetes), every change through the API reaches it too.
  const schedules =
    deps.scheduleBackend && scheduleStore
      ? withScheduleBackend(plain, {
          backend: deps.scheduleBackend,
          store: scheduleStore,
          ...limit,
        })
      : plain;
  for (const name of ["job:succeeded", "job:failed", "job:cancelled", "job:timed_out"] as const) {
    events.on(name, (e) => hooks.loop()?.jobEnded(e.jobId));
  }
  const wf = createWorkflowEngine(deps, events, factory, catalog, {
    assertOpen,
    jobsCreated: (runAt) => hooks.pool()?.notify(runAt),
    cancelLocal: (jobId) => hooks.pool()?.cancelLocal(jobId),
    // With the at-once function check: a refused task start fails the run's start at once.
    jobControl: control,
  });
  return { factory, catalog, enqueuer, schedules, wf };
}

/** A slot fired from outside (a CronJob): the scheduler's write path, with the loop's hooks. */
function fireSlotDeps(
  deps: KairosDeps,
  store: ScheduleStore,
  events: EventBus,
  factory: JobFactory,
  enqueuer: ReturnType<typeof createJobsApi>,
  hooks: EngineHooks,
): FireSlotDeps {
  return {
    store,
    now: () => deps.clock.now(),
    buildJob: (schedule, _slotAt, now) => factory.forSchedule(schedule, now),
    cancelJob: async (jobId) => {
      await enqueuer.api.cancel(jobId);
    },
    jobCreated: (job) => {
      hooks.loop()?.tracked(job);
      hooks.pool()?.notify(job.runAt);
    },
    emit: (name, event) => events.emit(name, event),
    logError: (error, message, schedule) => deps.logger.error({ err: error, schedule }, message),
  };
}

/** A schedule's manual trigger: the enqueue path, with the schedule as the job's origin. */
function scheduleTrigger(enqueuer: ReturnType<typeof createJobsApi>) {
  return async (schedule: StoredSchedule, options: { allowUnknown?: boolean }) => {
    const payload = JSON.parse(schedule.payloadJson) as unknown;
    const { jobs } = await enqueuer.enqueueMany(
      schedule.fn,
      [payload],
      options.allowUnknown === true ? { allowUnknown: true } : {},
      scheduleTriggerOrigin(schedule.id),
    );
    const job = jobs[0];
    if (!job) throw new Error("unreachable: enqueue returned no job for one payload");
    return { id: job.id };
  };
}
