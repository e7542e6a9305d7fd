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
   * advisory lock), or none for SQLite (this process always leads).
   */
  readonly leaderLock?: LeaderLock;
  /** Structured logger (pino works as is). Default: silent. */
  readonly logger?: Logger;
  /** Time source; inject a fake one in tests. Default: the system clock. */
  readonly clock?: Clock;
  /** Uniform random in [0, 1) used for retry jitter. Default: Math.random. */
  readonly random?: RandomSource;
  /** Lease owner id of this process's workers. Default: pid plus a random suffix. */
  readonly workerId?: string;
  /**
   * How long finished jobs, their logs and schedule history are kept before the leader deletes
   * them: `"7d"` (the default), `"12h"`, ms, or `"forever"`. Per function: `define(..., {
   * retention })` or `retention:` in kairos.yaml.
   */
  readonly retention?: RetentionOption;
  /**
   * Largest payload accepted by enqueue (and schedule fires, triggers), in bytes of its JSON:
   * default 1 MiB. Larger ones throw PayloadTooLargeError (code `PAYLOAD_TOO_LARGE`). Per
   * function: `define(..., { maxPayloadBytes })` or `maxPayloadBytes:` in kairos.yaml, which win.
   */
  readonly maxPayloadBytes?: number;
}

/** Open (and migrate) the store and return an engine bound to it. */
export async function createKairos(options: CreateKairosOptions = {}): Promise<Kairos> {
  if (options.retention !== undefined) {
    parseRetention(options.retention, "createKairos: retention"); // validated before opening
  }
  if (options.maxPayloadBytes !== undefined) {
    checkMaxPayloadBytes(options.maxPayloadBytes, "createKairos");
  }
  const stores =
    typeof options.store === "object" && options.store !== null
      ? { jobs: options.store, schedules: options.scheduleStore ?? null, close: null }
      : await openStores(options.store ?? DEFAULT_STORE_URL);
  return new Kairos({
    store: stores.jobs,
    scheduleStore: stores.schedules,
    ...(stores.close ? { closeStores: () => stores.close() } : {}),
    ...(options.leaderLock
      ? { leaderLock: options.leaderLock }
      : "leaderLock" in stores && stores.leaderLock
        ? { leaderLock: stores.leaderLock }
        : {}),
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
    random: options.random ?? Math.random,
    ...(options.workerId !== undefined ? { workerId: options.workerId } : {}),
    ...(options.retention !== undefined ? { retention: options.retention } : {}),
    ...(options.maxPayloadBytes !== undefined ? { maxPayloadBytes: options.maxPayloadBytes } : {}),
  });
}

export { Kairos, toJob } from "./runtime/kairos.js";
export type {
  Job,
  EnqueueOptions,
  JobListOptions,
  CancelResult,
  StartOptions,
} from "./runtime/kairos.js";
export type {
  JobContext,
  JobHandler,
  FunctionOptions,
  ConcurrencyOptions,
} from "./runtime/functions.js";
export type { WorkerPoolStats } from "./runtime/worker/worker-pool.js";
export type { KairosEventMap, KairosEventName, KairosListener } from "./ports/events.js";
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
  StoreError,
  JobTimeoutError,
  JobCancelledError,
  UnrecoverableError,
} from "./core/errors.js";
export type { KairosErrorCode } from "./core/errors.js";
export { DEFAULT_STORE_URL, openStore, openStores } from "./stores/open-store.js";
export { DEFAULT_MAX_PAYLOAD_BYTES };
export type { StopOptions, StopReport } from "./runtime/kairos.js";
export type { Schedule, ScheduleInput, SchedulesApi } from "./runtime/schedules-api.js";
export type { LeadershipStatus } from "./runtime/leader-election.js";
export type { LeaderLock } from "./ports/leader-lock.js";
export type {
  ScheduleStore,
  ScheduleTiming,
  OverlapPolicy,
  CatchupPolicy,
  ScheduleHistoryEntry,
} from "./ports/schedule-store.js";
