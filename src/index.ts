/**
 * @module kairos
 * The public library API of Kairos: a durable, local-first job scheduler.
 *
 * ```ts
 * const kairos = await createKairos({ store: "sqlite:.kairos/kairos.db" });
 * kairos.define("resize", async (payload, ctx) => { ctx.progress(50); return { ok: true }; });
 * await kairos.enqueue("resize", { file: "a.png" });
 * await kairos.start({ concurrency: 10 });
 * ```
 */
import { ValidationError } from "./core/errors.js";
import type { RandomSource } from "./core/retry/backoff.js";
import { checkMaxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES } from "./core/payload.js";
import { parseRetention, type RetentionOption } from "./core/retention.js";
import { systemClock, type Clock } from "./ports/clock.js";
import type { JobStore } from "./ports/job-store.js";
import { silentLogger, type Logger } from "./ports/logger.js";
import { Kairos } from "./runtime/kairos.js";
import { DEFAULT_STORE_URL, openStores } from "./stores/open-store.js";
import type { ScheduleStore } from "./ports/schedule-store.js";
import type { LeaderLock } from "./ports/leader-lock.js";
import type { ScheduleBackend } from "./ports/schedule-backend.js";

/** Options of `createKairos`. */
export interface CreateKairosOptions {
  /**
   * Where state lives: `"sqlite:PATH"` (default `"sqlite:.kairos/kairos.db"`),
   * `"sqlite::memory:"` (tests), or an opened JobStore (then schedules need `scheduleStore`).
   */
  readonly store?: string | JobStore;
  /** With a JobStore object in `store`: the schedule store on the same database, if any. */
  readonly scheduleStore?: ScheduleStore;
  /**
   * Leadership among processes sharing the store. Default: the store's own (PostgreSQL
   * advisory lock; a SQLite file's lease row), or none for SQLite in memory (this process
   * always leads).
   */
  readonly leaderLock?: LeaderLock;
  /**
   * SQLite file: how long the leader's lease lasts without renewal, in ms (default 10 000). A
   * leader killed without stopping is replaced about this long after; keep it several times
   * `start({ leaderCheckMs })`.
   */
  readonly leaderLeaseMs?: number;
  /** Structured logger (pino works as is). Default: silent. */
  readonly logger?: Logger;
  /** Time source; inject a fake one in tests. Default: the system clock. */
  readonly clock?: Clock;
  /** Uniform random in [0, 1) used for retry jitter. Default: Math.random. */
  readonly random?: RandomSource;
  /** Lease owner id of this process's workers. Default: pid plus a random suffix. */
  readonly workerId?: string;
  /**
   * How often started workers report the functions they define to the store (ms, default 10 s).
   * A worker counts as live for 3 intervals after its last report (`kairos.functions`).
   */
  readonly presenceIntervalMs?: number;
  /**
   * How long finished jobs, their logs and schedule history are kept before the leader deletes
   * them: `"7d"` (the default), `"12h"`, ms, or `"forever"`. Per function: `define(..., {
   * retention })` or `retention:` in kairos.yaml.
   */
  readonly retention?: RetentionOption;
  /**
   * How long the store's event feed keeps events (what SSE clients and `kairos jobs watch`
   * resume from): a duration ("1d", "12h", ms) or "forever"; default 1 day.
   */
  readonly eventRetention?: RetentionOption;
  /**
   * How long a start of a stopped job may wait for a worker to begin it before the start fails
   * and the job stays stopped (ms, default 60 000; docs/control.md).
   */
  readonly startGraceMs?: number;
  /**
   * With a store URL: the store must already exist; a missing one is a StoreNotFoundError and
   * nothing is created (read-only tools). Default false: the store is created.
   */
  readonly mustExist?: boolean;
  /**
   * With a PostgreSQL URL: the longest time one statement may run, in ms, after which it fails
   * with StoreUnavailableError (CLI reads use 30 s). Default none, for long-running workers.
   */
  readonly queryTimeoutMs?: number;
  /**
   * Largest payload accepted by enqueue (and schedule fires, triggers), in bytes of its JSON:
   * default 1 MiB. Larger ones throw PayloadTooLargeError (code `PAYLOAD_TOO_LARGE`). Per
   * function: `define(..., { maxPayloadBytes })` or `maxPayloadBytes:` in kairos.yaml, which win.
   */
  readonly maxPayloadBytes?: number;
  /**
   * Where schedules' timing lives: absent (embedded, the leader's loop fires every slot), or a
   * ScheduleBackend such as the Kubernetes one (`scheduler.backend: kubernetes` in kairos.yaml;
   * docs/kubernetes.md), which then holds one CronJob per schedule.
   */
  readonly scheduleBackend?: ScheduleBackend | null;
  /**
   * Internal (`kairos exec`): the engine uses `wrapJobStore(store)` as its job store, e.g. an
   * ExclusiveClaim's view through one job. Default: the store itself.
   */
  readonly wrapJobStore?: (store: JobStore) => JobStore;
}

/** Open (and migrate) the store and return an engine bound to it. */
export async function createKairos(options: CreateKairosOptions = {}): Promise<Kairos> {
  if (options.retention !== undefined) {
    parseRetention(options.retention, "createKairos: retention"); // validated before opening
  }
  if (
    options.startGraceMs !== undefined &&
    !(Number.isInteger(options.startGraceMs) && options.startGraceMs > 0)
  ) {
    throw new ValidationError(
      `createKairos: startGraceMs must be a positive integer of ms, got ${String(options.startGraceMs)}`,
    );
  }
  if (options.eventRetention !== undefined) {
    parseRetention(options.eventRetention, "createKairos: eventRetention");
  }
  if (options.maxPayloadBytes !== undefined) {
    checkMaxPayloadBytes(options.maxPayloadBytes, "createKairos");
  }
  const stores =
    typeof options.store === "object" && options.store !== null
      ? { jobs: options.store, schedules: options.scheduleStore ?? null, close: null }
      : await openStores(options.store ?? DEFAULT_STORE_URL, {
          ...(options.leaderLeaseMs !== undefined ? { leaderLeaseMs: options.leaderLeaseMs } : {}),
          ...(options.mustExist !== undefined ? { mustExist: options.mustExist } : {}),
          ...(options.queryTimeoutMs !== undefined
            ? { queryTimeoutMs: options.queryTimeoutMs }
            : {}),
        });
  return new Kairos({
    store: options.wrapJobStore ? options.wrapJobStore(stores.jobs) : stores.jobs,
    scheduleStore: stores.schedules,
    ...("workflows" in stores && stores.workflows ? { workflowStore: stores.workflows } : {}),
    ...("tokens" in stores && stores.tokens ? { tokenStore: stores.tokens } : {}),
    ...("feed" in stores && stores.feed ? { feedStore: stores.feed } : {}),
    ...("control" in stores && stores.control ? { controlStore: stores.control } : {}),
    ...(stores.close ? { closeStores: () => stores.close() } : {}),
    ...(options.leaderLock
      ? { leaderLock: options.leaderLock }
      : "leaderLock" in stores && stores.leaderLock
        ? { leaderLock: stores.leaderLock }
        : {}),
    ...(options.scheduleBackend ? { scheduleBackend: options.scheduleBackend } : {}),
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
    random: options.random ?? Math.random,
    ...(options.workerId !== undefined ? { workerId: options.workerId } : {}),
    ...(options.presenceIntervalMs !== undefined
      ? { presenceIntervalMs: options.presenceIntervalMs }
      : {}),
    ...(options.retention !== undefined ? { retention: options.retention } : {}),
    ...(options.eventRetention !== undefined ? { eventRetention: options.eventRetention } : {}),
    ...(options.startGraceMs !== undefined ? { startGraceMs: options.startGraceMs } : {}),
    ...(options.maxPayloadBytes !== undefined ? { maxPayloadBytes: options.maxPayloadBytes } : {}),
  });
}

export { Kairos, toJob } from "./runtime/kairos.js";
/** Internal (`kairos exec`): run one job in this process only (runtime/exec). */
export { ExclusiveClaim } from "./runtime/exec/exclusive-claim.js";
export { runOnce, type RunOnceOutcome, type RunOnceRequest } from "./runtime/exec/run-once.js";
/** The version of this Kairos package (from its package.json; "unknown" in a bundled copy). */
export { kairosVersion } from "./runtime/package-version.js";
export type {
  Job,
  EnqueueOptions,
  JobListOptions,
  CancelResult,
  JobWhy,
  JobWhyCode,
  JobWhyReason,
  StartOptions,
  FunctionInfo,
  FunctionsApi,
} from "./runtime/kairos.js";
export type {
  JobContext,
  JobHandler,
  FunctionOptions,
  ConcurrencyOptions,
} from "./runtime/functions.js";
export type { WorkerPoolStats } from "./runtime/worker/worker-pool.js";
export type { InstanceDuty, InstanceInfo, InstanceRecord } from "./runtime/instances-api.js";
export type { KairosEventMap, KairosEventName, KairosListener } from "./ports/events.js";
export type { JobAttempt } from "./runtime/job-view.js";
export type { JobAttemptOutcome } from "./core/jobs/attempts.js";
export type { JobState } from "./core/jobs/states.js";
export type { JobOrigin, OriginKind } from "./core/jobs/origin.js";
export { ORIGIN_KINDS } from "./core/jobs/origin.js";
export { JOB_STATES, canTransition, isTerminal } from "./core/jobs/states.js";
export type { BackoffPolicy } from "./core/retry/backoff.js";
export type { Clock } from "./ports/clock.js";
export type { Logger } from "./ports/logger.js";
export type { JobStore, JobErrorInfo, JobLogLine } from "./ports/job-store.js";
export {
  KairosError,
  ValidationError,
  ConflictError,
  QueueFullError,
  PayloadTooLargeError,
  ShuttingDownError,
  NotFoundError,
  DuplicateDefinitionError,
  UnknownFunctionError,
  StoreError,
  StoreUnavailableError,
  StoreNotFoundError,
  StoreDiskFullError,
  JobTimeoutError,
  JobCancelledError,
  JobStoppedError,
  ControlRefusedError,
  UnrecoverableError,
} from "./core/errors.js";
export type { ControlRefusalReason } from "./core/errors.js";
export type { JobControlRequest, JobControlApi } from "./runtime/job-control-api.js";
export type { RunControlRequest, RunControlApi } from "./runtime/workflows/run-control.js";
export type { KairosErrorCode } from "./core/errors.js";
export { DEFAULT_STORE_URL, openStore, openStores } from "./stores/open-store.js";
export type { OpenStoresOptions } from "./stores/open-store.js";
export { maskUrl } from "./core/secrets.js";
export { DEFAULT_MAX_PAYLOAD_BYTES };
export type { StopOptions, StopReport } from "./runtime/kairos.js";
export type { Schedule, ScheduleInput, SchedulesApi } from "./runtime/schedules-api.js";
export type {
  BackendChange,
  BackendEntry,
  BackendSyncResult,
  ScheduleBackend,
} from "./ports/schedule-backend.js";
export type { FireInput, FireOutcome, FireResult } from "./runtime/scheduler/fire-slot.js";
export type { LeadershipStatus } from "./runtime/leader-election.js";
export type { LeaderLock, LeaderHolder } from "./ports/leader-lock.js";
export type {
  ScheduleStore,
  ScheduleTiming,
  OverlapPolicy,
  CatchupPolicy,
  ScheduleHistoryEntry,
} from "./ports/schedule-store.js";
export {
  SkipTask,
  FailTask,
  TASK_STATES,
  RUN_STATES,
  TRIGGER_RULES,
} from "./core/workflows/index.js";
export type {
  RunState,
  TaskState,
  TriggerRule,
  WorkflowDeclaration,
  WorkflowDefinition,
} from "./core/workflows/index.js";
export type { TaskRunContext } from "./ports/executor.js";
export type { WorkflowStore } from "./ports/workflow-store.js";
export type {
  TaskInstance,
  Workflow,
  WorkflowHistoryItem,
  WorkflowRun,
  WorkflowRunDetail,
} from "./runtime/workflows/run-view.js";
export type {
  BackfillOptions,
  BackfillProgress,
  RunsApi,
  TaskWhy,
  TriggerRunOptions,
} from "./runtime/workflows/runs-api.js";
export type { TaskTry } from "./runtime/workflows/task-tries.js";
export type {
  WorkflowInput,
  WorkflowOptions,
  WorkflowsApi,
} from "./runtime/workflows/workflows-api.js";
