/**
 * @module runtime/kairos
 * The engine facade behind the public library API: defines functions, enqueues jobs, reads and
 * cancels them, and runs a worker pool. A process that only enqueues or reads never calls
 * `start()` and works against a store another process is working.
 *
 * Lifecycle: open -> (start -> running) -> stopping -> closed. `start` and `stop` are
 * idempotent; a concurrent caller gets the same in-flight promise.
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "../core/canonical-json.js";
import { ShuttingDownError, ValidationError } from "../core/errors.js";
import type { JobState } from "../core/jobs/states.js";
import { isJobState } from "../core/jobs/states.js";
import {
  DEFAULT_MAX_ATTEMPTS,
  validateMaxAttempts,
  type RandomSource,
} from "../core/retry/backoff.js";
import type { Clock } from "../ports/clock.js";
import type { KairosEventName, KairosListener } from "../ports/events.js";
import type {
  JobErrorInfo,
  JobLogLine,
  JobProgress,
  JobStore,
  NewJob,
  StoredJob,
} from "../ports/job-store.js";
import type { Logger } from "../ports/logger.js";
import { EventBus } from "./event-bus.js";
import { FunctionRegistry, type FunctionOptions, type JobHandler } from "./functions.js";
import { WorkerPool, type WorkerPoolOptions, type WorkerPoolStats } from "./worker-pool.js";
import {
  createSchedulerLoop,
  type SchedulerLoop,
  type SchedulerLoopOptions,
} from "./scheduler/scheduler-loop.js";
import { LeaderElector, type LeadershipStatus } from "./leader-election.js";
import type { LeaderLock } from "../ports/leader-lock.js";
import { createSchedulesApi, type SchedulesApi } from "./schedules-api.js";
import type { ScheduleStore, StoredSchedule } from "../ports/schedule-store.js";
import { NotFoundError } from "../core/errors.js";

/** A job as the library shows it. Instants are Dates (UTC). */
export interface Job<P = unknown, R = unknown> {
  readonly id: string;
  readonly fn: string;
  readonly state: JobState;
  /** Attempts started so far. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly payload: P;
  /** The handler's return value once succeeded, else null. */
  readonly result: R | null;
  /** The last attempt's error, if any. */
  readonly error: JobErrorInfo | null;
  readonly progress: { percent: number; message: string | null; at: Date } | null;
  readonly priority: number;
  readonly runAt: Date;
  readonly idempotencyKey: string | null;
  readonly concurrencyKey: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  /** True when a cancel was requested while it ran. */
  readonly cancelRequested: boolean;
}

/** Options of one enqueue. */
export interface EnqueueOptions {
  /** Not before this instant (Date or ms since epoch). Default: now. */
  readonly runAt?: Date | number;
  /** Higher runs first (default: the function's, else 0). */
  readonly priority?: number;
  /**
   * At most one job per key: enqueuing the key again with the same function and payload
   * returns the existing job; with a different one it throws ConflictError.
   */
  readonly idempotencyKey?: string;
  /** Concurrency key, overriding the function's `concurrency.key(payload)`. */
  readonly key?: string;
  /** Attempts in all (default: the function's, else 3). */
  readonly maxAttempts?: number;
}

/** Filter for `jobs.list`. */
export interface JobListOptions {
  readonly state?: JobState | readonly JobState[];
  readonly fn?: string;
  /** Default 100, at most 10,000. */
  readonly limit?: number;
  /** Page: jobs older than this id. */
  readonly beforeId?: string;
}

/** Result of `jobs.cancel`. */
export interface CancelResult {
  /** `cancelled`: done; `cancel_requested`: running, its signal fired; `already_finished`: nothing to do. */
  readonly outcome: "cancelled" | "cancel_requested" | "already_finished";
  readonly job: Job;
}

/** Options of `start`. */
export type StartOptions = Omit<WorkerPoolOptions, "workerId"> & {
  /** Run the scheduler loop in this process (default true when the store has schedules). */
  readonly scheduler?: boolean | SchedulerLoopOptions;
  /** Run workers in this process (default true). */
  readonly workers?: boolean;
  /** How often followers try to take leadership and the leader re-checks it (default 1 s). */
  readonly leaderCheckMs?: number;
};

/** Options of `createKairos`. */
export interface KairosDeps {
  readonly store: JobStore;
  /** Schedules live here (same database); null disables schedules. */
  readonly scheduleStore: ScheduleStore | null;
  /** Leadership among processes sharing the store; omitted: this process always leads. */
  readonly leaderLock?: LeaderLock;
  /** Closes everything the stores hold (default: `store.close()`). */
  readonly closeStores?: () => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: RandomSource;
  readonly workerId?: string;
}

/** The Kairos engine: see the public API in `src/index.ts`. */
export class Kairos {
  private readonly registry = new FunctionRegistry();
  private readonly events: EventBus;
  private pool: WorkerPool | null = null;
  private loop: SchedulerLoop | null = null;
  private elector: LeaderElector | null = null;
  private started = false;
  /** Schedules: create, list, pause/resume, trigger, history, next fires. */
  readonly schedules: SchedulesApi;
  private stopping: Promise<void> | null = null;
  private closed = false;

  /** Reading, listing and cancelling jobs. */
  readonly jobs = {
    /** The job with this id, or null. */
    get: async <P = unknown, R = unknown>(id: string): Promise<Job<P, R> | null> => {
      this.assertOpen();
      const job = await this.deps.store.get(String(id));
      return job ? toJob<P, R>(job) : null;
    },
    /** Jobs matching the filter, newest first. */
    list: async (options: JobListOptions = {}): Promise<Job[]> => {
      this.assertOpen();
      const states = options.state === undefined ? [] : ([] as JobState[]).concat(options.state);
      for (const s of states) {
        if (!isJobState(s)) throw new ValidationError(`unknown job state ${JSON.stringify(s)}`);
      }
      const limit = options.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
        throw new ValidationError(`limit must be an integer in 1..10000, got ${String(limit)}`);
      }
      const rows = await this.deps.store.list({
        ...(states.length > 0 ? { state: states } : {}),
        ...(options.fn !== undefined ? { fn: options.fn } : {}),
        ...(options.beforeId !== undefined ? { beforeId: options.beforeId } : {}),
        limit,
      });
      return rows.map((row) => toJob(row));
    },
    /**
     * Cancel a job: a pending job is cancelled at once; a running one has its AbortSignal fired
     * (here, or in the process running it, at its next heartbeat) and is finalized `cancelled`
     * after the grace period even if its handler ignores the signal. Returns null for an unknown id.
     */
    cancel: async (id: string): Promise<CancelResult | null> => {
      this.assertOpen();
      const outcome = await this.deps.store.cancel(String(id), this.deps.clock.now());
      if (outcome.kind === "not_found") return null;
      if (outcome.kind === "cancelled") {
        this.events.emit("job:cancelled", {
          jobId: outcome.job.id,
          fn: outcome.job.fn,
          attempt: outcome.job.attempt,
          at: this.deps.clock.now(),
        });
      }
      if (outcome.kind === "cancel_requested") this.pool?.cancelLocal(outcome.job.id);
      return { outcome: outcome.kind, job: toJob(outcome.job) };
    },
    /** The job's log lines, oldest first. */
    logs: async (id: string, limit = 1_000): Promise<JobLogLine[]> => {
      this.assertOpen();
      return this.deps.store.getLogs(String(id), limit);
    },
  };

  constructor(private readonly deps: KairosDeps) {
    this.events = new EventBus(deps.logger);
    const scheduleStore = deps.scheduleStore;
    this.schedules = createSchedulesApi({
      store: scheduleStore ?? missingScheduleStore(),
      clock: deps.clock,
      assertOpen: () => this.assertOpen(),
      changed: () => this.loop?.wake(),
      trigger: async (schedule) => this.triggerSchedule(schedule),
    });
    for (const name of ["job:succeeded", "job:failed", "job:cancelled", "job:timed_out"] as const) {
      this.events.on(name, (e) => this.loop?.jobEnded(e.jobId));
    }
  }

  /**
   * Define a function. Throws DuplicateDefinitionError if `name` is already defined here and
   * ValidationError for bad options. Define functions before `start()`, or at any time after.
   */
  define<P = unknown, R = unknown>(
    name: string,
    handler: JobHandler<P, R>,
    options: FunctionOptions<P> = {},
  ): this {
    this.registry.define(name, handler, options);
    return this;
  }

  /** Enqueue one job. See `enqueueMany` for the guarantees. */
  async enqueue<P = unknown>(
    fn: string,
    payload: P,
    options: EnqueueOptions = {},
  ): Promise<Job<P>> {
    const [job] = await this.enqueueMany<P>(fn, [payload], options);
    if (!job) throw new Error("unreachable: enqueueMany returned no job for one payload");
    return job;
  }

  /**
   * Enqueue several jobs of one function in one transaction: all are stored or none.
   * Throws ValidationError (bad input), ConflictError (idempotency key reused with another
   * payload), QueueFullError (`maxPending` reached) or ShuttingDownError; each has a stable
   * `code`. An idempotency key applies to the first payload only when several are given.
   */
  async enqueueMany<P = unknown>(
    fn: string,
    payloads: readonly P[],
    options: EnqueueOptions = {},
  ): Promise<Job<P>[]> {
    this.assertOpen();
    if (typeof fn !== "string" || fn.length === 0) {
      throw new ValidationError(`fn must be a non-empty string, got ${JSON.stringify(fn)}`);
    }
    if (!Array.isArray(payloads)) throw new ValidationError("payloads must be an array");
    if (options.idempotencyKey !== undefined && payloads.length > 1) {
      throw new ValidationError(
        "idempotencyKey applies to one job: enqueue keyed jobs one at a time with enqueue()",
      );
    }
    const now = this.deps.clock.now();
    const rows = payloads.map((payload, i) => this.newJob(fn, payload, options, now, i));
    const outcomes = await this.deps.store.enqueue(rows, now);
    let earliest = Number.POSITIVE_INFINITY;
    for (const { job, created } of outcomes) {
      if (!created) continue;
      earliest = Math.min(earliest, job.runAt);
      if (this.events.has("job:queued")) {
        this.events.emit("job:queued", {
          jobId: job.id,
          fn: job.fn,
          attempt: job.attempt,
          at: now,
          runAt: job.runAt,
        });
      }
    }
    if (earliest !== Number.POSITIVE_INFINITY) this.pool?.notify(earliest);
    return outcomes.map(({ job }) => toJob<P>(job));
  }

  /** Subscribe to an event; returns an unsubscribe function. */
  on<E extends KairosEventName>(name: E, listener: KairosListener<E>): () => void {
    return this.events.on(name, listener);
  }

  /** Unsubscribe a listener. */
  off<E extends KairosEventName>(name: E, listener: KairosListener<E>): void {
    this.events.off(name, listener);
  }

  /**
   * Start working jobs of the functions defined in this process. Idempotent: a second call
   * while running is a no-op.
   */
  async start(options: StartOptions = {}): Promise<void> {
    this.assertOpen();
    if (this.started) return;
    this.started = true;
    const { scheduler, workers, leaderCheckMs, ...poolOptions } = options;
    const loopOptions = typeof scheduler === "object" ? scheduler : {};
    const runsScheduler = scheduler !== false && this.deps.scheduleStore !== null;
    const lock = this.deps.leaderLock ?? null;
    if (runsScheduler && lock) {
      // Several processes share the store: only the elected leader runs the loop and recovery.
      const elector = new LeaderElector(
        lock,
        {
          elected: () => {
            this.loop = this.newLoop({
              ...loopOptions,
              confirmLeadership: () => elector.confirm(),
            });
            this.loop.start();
          },
          demoted: async () => {
            const loop = this.loop;
            this.loop = null;
            await loop?.stop();
          },
        },
        this.events,
        this.deps.clock,
        this.deps.logger,
        leaderCheckMs ?? 1_000,
      );
      this.elector = elector;
    } else if (runsScheduler) {
      this.loop = this.newLoop(loopOptions);
    }
    if (workers !== false) {
      const elector = this.elector;
      this.pool = new WorkerPool(
        this.deps.store,
        this.registry,
        this.events,
        this.deps.clock,
        this.deps.logger,
        this.deps.random,
        {
          ...poolOptions,
          workerId: this.deps.workerId ?? `${process.pid}-${randomUUID().slice(0, 8)}`,
          ...(elector ? { recoversLeases: () => elector.isLeader() } : {}),
        },
      );
      this.pool.start();
    }
    this.loop?.start();
    this.elector?.start();
  }

  /** Leadership of this process: always leader on a single-process store. */
  leadership(): LeadershipStatus & { readonly schedulerLastTickAt: number | null } {
    const tick = this.loop?.lastTick() ?? null;
    if (this.elector) return { ...this.elector.status(), schedulerLastTickAt: tick };
    return {
      isLeader: this.loop !== null,
      stepDowns: 0,
      acquisitions: this.loop ? 1 : 0,
      lastReacquireMs: null,
      lastCheckAt: tick,
      schedulerLastTickAt: tick,
    };
  }

  private newLoop(options: SchedulerLoopOptions): SchedulerLoop {
    const store = this.deps.scheduleStore;
    if (!store) throw new Error("unreachable: no schedule store");
    return createSchedulerLoop(
      {
        schedules: store,
        jobs: this.deps.store,
        hooks: {
          buildJob: (schedule, _slotAt, now) => this.jobForSchedule(schedule, now),
          jobCreated: (job) => this.pool?.notify(job.runAt),
          cancelJob: async (jobId) => {
            await this.jobs.cancel(jobId);
          },
        },
        events: this.events,
        clock: this.deps.clock,
        logger: this.deps.logger,
      },
      options,
    );
  }

  /**
   * Stop: no new claims; running jobs get `drainMs` (default 10 s) to finish; the rest are
   * aborted and handed back to the queue (attempt not counted) so another worker can take them
   * at once; then the store is closed. Idempotent; afterwards every call throws
   * ShuttingDownError.
   */
  stop(options: { drainMs?: number } = {}): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        await this.elector?.stop();
        await this.loop?.stop();
        await this.pool?.stop(options.drainMs ?? 10_000);
        this.closed = true;
        await (this.deps.closeStores ?? (() => this.deps.store.close()))();
      })();
    }
    return this.stopping;
  }

  /** Counters of this process's worker pool (zeros before `start`). */
  stats(): WorkerPoolStats {
    return (
      this.pool?.stats() ?? {
        running: 0,
        buffered: 0,
        claimed: 0,
        finalized: 0,
        droppedResults: 0,
        abandonedHandlers: 0,
        recovered: 0,
      }
    );
  }

  /** Recover jobs whose lease expired now, instead of waiting for the next sweep. */
  async recoverExpiredNow(): Promise<number> {
    this.assertOpen();
    return this.pool ? this.pool.recoverExpired() : 0;
  }

  /** `await using kairos = await createKairos(...)` stops it at scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /**
   * The schedule store this engine uses (for `kairos apply` and tools); null when the store
   * has no schedules. Writes through it bypass validation: prefer `schedules.*`.
   */
  get scheduleStore(): ScheduleStore | null {
    return this.deps.scheduleStore;
  }

  /** Tell the scheduler loop that schedules changed (after a direct store write). */
  schedulesChanged(): void {
    this.loop?.wake();
  }

  /** When the scheduler loop last ticked (null if it does not run here), for health checks. */
  schedulerLastTick(): Date | null {
    const at = this.loop?.lastTick() ?? null;
    return at === null ? null : new Date(at);
  }

  /** Run the scheduler loop once now (tests and tools; the loop also runs on its own). */
  async tickScheduler(): Promise<void> {
    this.assertOpen();
    if (!this.loop) throw new NotFoundError("the scheduler loop is not running in this process");
    await this.loop.tickNow();
  }

  private jobForSchedule(schedule: StoredSchedule, now: number): NewJob {
    return this.newJob(schedule.fn, JSON.parse(schedule.payloadJson) as unknown, {}, now, 0);
  }

  private async triggerSchedule(schedule: StoredSchedule): Promise<{ id: string }> {
    this.assertOpen();
    const now = this.deps.clock.now();
    const job = { ...this.jobForSchedule(schedule, now), scheduleId: schedule.id, slotAt: null };
    const [outcome] = await this.deps.store.enqueue([job], now);
    if (!outcome) throw new Error("unreachable: enqueue returned nothing");
    this.pool?.notify(outcome.job.runAt);
    this.events.emit("job:queued", {
      jobId: outcome.job.id,
      fn: outcome.job.fn,
      attempt: 0,
      at: now,
      runAt: outcome.job.runAt,
    });
    return { id: outcome.job.id };
  }

  private assertOpen(): void {
    if (this.stopping || this.closed) throw new ShuttingDownError();
  }

  private newJob(
    fn: string,
    payload: unknown,
    options: EnqueueOptions,
    now: number,
    index: number,
  ): NewJob {
    const def = this.registry.get(fn);
    const where = `enqueue("${fn}")`;
    const payloadJson = canonicalJson(payload, index === 0 ? "payload" : `payloads[${index}]`);
    let runAt = now;
    if (options.runAt !== undefined) {
      runAt = options.runAt instanceof Date ? options.runAt.getTime() : options.runAt;
      if (typeof runAt !== "number" || !Number.isFinite(runAt)) {
        throw new ValidationError(`${where}: runAt must be a valid Date or ms since epoch`);
      }
    }
    const priority = options.priority ?? def?.priority ?? 0;
    if (!Number.isInteger(priority)) {
      throw new ValidationError(`${where}: priority must be an integer, got ${String(priority)}`);
    }
    const maxAttempts = validateMaxAttempts(
      options.maxAttempts ?? def?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      `${where}: maxAttempts`,
    );
    const idempotencyKey = options.idempotencyKey ?? null;
    if (
      idempotencyKey !== null &&
      (typeof idempotencyKey !== "string" ||
        idempotencyKey.length === 0 ||
        idempotencyKey.length > 512)
    ) {
      throw new ValidationError(`${where}: idempotencyKey must be a string of 1-512 characters`);
    }
    let concurrencyKey: string | null = options.key ?? null;
    if (concurrencyKey === null && def?.concurrency) {
      let computed: string | null | undefined;
      try {
        computed = def.concurrency.key(payload);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ValidationError(`${where}: concurrency.key(payload) threw: ${reason}`, {
          cause: error,
        });
      }
      concurrencyKey = computed === undefined || computed === null ? null : String(computed);
    }
    if (concurrencyKey !== null && typeof concurrencyKey !== "string") {
      throw new ValidationError(`${where}: key must be a string`);
    }
    return {
      fn,
      payloadJson,
      priority,
      runAt: Math.round(runAt),
      maxAttempts,
      idempotencyKey,
      concurrencyKey,
      concurrencyLimit: def?.concurrency?.limit ?? 1,
      maxPending: def?.maxPending ?? null,
    };
  }
}

function missingScheduleStore(): ScheduleStore {
  const fail = (): never => {
    throw new NotFoundError("this store has no schedules; open Kairos on an SQLite store URL");
  };
  return new Proxy({} as ScheduleStore, { get: () => fail });
}

/** Convert a stored job to the public shape. */
export function toJob<P = unknown, R = unknown>(row: StoredJob): Job<P, R> {
  return {
    id: row.id,
    fn: row.fn,
    state: row.state,
    attempt: row.attempt,
    maxAttempts: row.maxAttempts,
    payload: JSON.parse(row.payloadJson) as P,
    result: row.resultJson === null ? null : (JSON.parse(row.resultJson) as R),
    error: row.error,
    progress: toProgress(row.progress),
    priority: row.priority,
    runAt: new Date(row.runAt),
    idempotencyKey: row.idempotencyKey,
    concurrencyKey: row.concurrencyKey,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    startedAt: row.startedAt === null ? null : new Date(row.startedAt),
    finishedAt: row.finishedAt === null ? null : new Date(row.finishedAt),
    cancelRequested: row.cancelRequestedAt !== null,
  };
}

function toProgress(p: JobProgress | null): Job["progress"] {
  return p === null ? null : { percent: p.percent, message: p.message, at: new Date(p.at) };
}
