/**
 * @module runtime/kairos
 * The engine facade behind the public library API, and its composition root: it wires the
 * jobs API, the schedules API, the worker pool and the leader's duties, and owns the engine's
 * lifecycle. A process that only enqueues or reads never calls `start()` and works against a
 * store another process is working.
 *
 * Lifecycle: open -> (start -> running) -> stopping -> closed. `start` and `stop` are
 * idempotent; a concurrent caller of `stop` gets the same in-flight promise.
 */
import { randomUUID } from "node:crypto";
import { NotFoundError, ShuttingDownError } from "../core/errors.js";
import type { KairosEventName, KairosListener } from "../ports/events.js";
import type { ScheduleBackend } from "../ports/schedule-backend.js";
import type {
  PlanChange,
  ScheduleStore,
  StoredFunction,
  StoredSchedule,
} from "../ports/schedule-store.js";
import type { createLeaseRecoveryDuty } from "./duties/lease-recovery.js";
import type { EngineTokensApi, EnqueueOutcome, EventFeedApi, MetricsSnapshot } from "./client.js";
import { createEngineApis } from "./engine-apis.js";
import { createEngineFeedParts, type EngineFeedParts } from "./engine-feed.js";
import { createLeaderDuties } from "./engine-duties.js";
import type { EngineStats, KairosDeps, StartOptions, StopOptions } from "./engine-options.js";
import { requireScheduleStore } from "./missing-schedule-store.js";
import type { createSchedulerDuty } from "./duties/scheduler.js";
import { EventBus } from "./event-bus.js";
import { FunctionRegistry, type FunctionOptions, type JobHandler } from "./functions.js";
import { FunctionCatalog, type FunctionsApi } from "./function-catalog.js";
import { FunctionPresence } from "./function-presence.js";
import { InstanceReporter, instanceSnapshot } from "./instance-reporter.js";
import { listInstances, type InstanceInfo } from "./instances-api.js";
import { JobFactory } from "./job-factory.js";
import type { Job } from "./job-view.js";
import { createJobsApi, type EnqueueOptions, type JobsApi } from "./jobs-api.js";
import type { LeaderDuty } from "./leader-duties.js";
import { Leadership, NOT_LEADING, type LeadershipReport } from "./leadership.js";
import type { SchedulerLoop, SchedulerLoopOptions } from "./scheduler/scheduler-loop.js";
import type { SchedulesApi } from "./schedules-api.js";
import { readMetricsSnapshot, readStats, type JobStats, type StatsOptions } from "./stats.js";
import { monitorStore, StoreHealth } from "./store-health.js";
import { pingStore } from "./store-ping.js";
import { NOTHING_STOPPED, type StopReport } from "./worker/drain.js";
import { NO_POOL_STATS } from "./worker/options.js";
import { WorkerPool } from "./worker/worker-pool.js";
import type { RunsApi } from "./workflows/runs-api.js";
import type { Workflow } from "./workflows/run-view.js";
import type { WorkflowEngine } from "./workflows/workflow-engine.js";
import type { WorkflowInput, WorkflowOptions, WorkflowsApi } from "./workflows/workflows-api.js";
import { announceCancelled } from "./job-cancelled.js";

export { toJob, type Job, type JobAttempt } from "./job-view.js";
export type { CancelResult, EnqueueOptions, JobListOptions, JobsApi } from "./jobs-api.js";
export type { JobWhy, JobWhyCode, JobWhyReason } from "./jobs-api.js";
export type { EngineStats, KairosDeps, StartOptions, StopOptions } from "./engine-options.js";
export type { FunctionInfo, FunctionsApi } from "./function-catalog.js";
export type { StopReport } from "./worker/drain.js";

/** The Kairos engine: see the public API in `src/index.ts`. */
export class Kairos {
  private readonly registry = new FunctionRegistry();
  private readonly events: EventBus;
  private readonly factory: JobFactory;
  private readonly enqueuer: ReturnType<typeof createJobsApi>;
  private pool: WorkerPool | null = null;
  private presence: FunctionPresence | null = null;
  private reporter: InstanceReporter | null = null;
  private readonly catalog: FunctionCatalog;
  private leader: Leadership | null = null;
  private scheduler: ReturnType<typeof createSchedulerDuty> | null = null;
  private recovery: ReturnType<typeof createLeaseRecoveryDuty> | null = null;
  private recovered = 0;
  /** The options of `start()`, once started (null before). */
  private started: StartOptions | null = null;
  private stopping: Promise<StopReport> | null = null;
  /** Reports outages of the store calls the engine makes by itself (`store:error`, `store:recovered`). */
  private readonly health: StoreHealth;
  private closed = false;
  /** Schedules: create, list, pause/resume, trigger, history, next fires. */
  readonly schedules: SchedulesApi;
  /** Jobs: read, list, cancel, logs, why. */
  readonly jobs: JobsApi;
  /** Functions: every function in the store and the live workers defining each. */
  readonly functions: FunctionsApi;
  /** Workflows: define from code, list, pause/resume, history. */
  readonly workflows: WorkflowsApi;
  /** Workflow runs: trigger, read, cancel, clear, mark, notes, backfill, why. */
  readonly runs: RunsApi;
  private readonly wf: WorkflowEngine;
  /** API tokens of the store (hashed at rest): create, list, revoke, verify. */
  readonly tokens: EngineTokensApi;
  /** The store's durable event feed (every engine records its events): read by id, follow live. */
  readonly feed: EventFeedApi;
  private readonly feedParts: EngineFeedParts;
  private readonly workerId: string;

  constructor(private readonly deps: KairosDeps) {
    this.events = new EventBus(deps.logger);
    this.workerId = deps.workerId ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
    this.feedParts = createEngineFeedParts(deps, this.events, this.workerId);
    this.tokens = this.feedParts.tokens;
    this.feed = this.feedParts.feed;
    this.health = new StoreHealth(this.events, deps.clock);
    const apis = createEngineApis(deps, this.events, this.registry, {
      assertOpen: () => this.assertOpen(),
      pool: () => this.pool,
      loop: () => this.loop(),
    });
    this.factory = apis.factory;
    this.catalog = apis.catalog;
    this.functions = apis.catalog;
    this.enqueuer = apis.enqueuer;
    this.jobs = apis.enqueuer.api;
    this.schedules = apis.schedules;
    this.wf = apis.wf;
    this.workflows = this.wf.workflows;
    this.runs = this.wf.runs;
  }

  /** Define (or redefine) a workflow from code (source `api`); see docs/workflows.md. */
  workflow(name: string, input: WorkflowInput, options?: WorkflowOptions): Promise<Workflow> {
    return this.wf.define(name, input, options);
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
    void this.presence?.refresh();
    return this;
  }

  /** Internal (config): define `name` as unavailable here (FunctionRegistry.defineUnavailable). */
  defineUnavailable<P = unknown>(
    name: string,
    reason: string,
    options: FunctionOptions<P> = {},
  ): this {
    this.registry.defineUnavailable(name, reason, options);
    void this.presence?.refresh();
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
   * Enqueue several jobs of one function in one transaction: all are stored or none. Each
   * job's policy (attempts, priority, backoff, timeout, concurrency key) is resolved now and
   * stamped on it (docs/jobs.md says which source wins). Throws ValidationError (bad input),
   * ConflictError (idempotency key reused with another payload), QueueFullError (`maxPending`
   * reached) or ShuttingDownError; each has a stable `code`. An idempotency key applies to the
   * first payload only when several are given.
   */
  async enqueueMany<P = unknown>(
    fn: string,
    payloads: readonly P[],
    options: EnqueueOptions = {},
  ): Promise<Job<P>[]> {
    return (await this.enqueuer.enqueueMany(fn, payloads, options)).jobs;
  }

  /** `enqueueMany`, also saying per job whether it was created now or an idempotency key matched. */
  enqueueDetailed<P = unknown>(
    fn: string,
    payloads: readonly P[],
    options: EnqueueOptions = {},
  ): Promise<EnqueueOutcome<P>> {
    return this.enqueuer.enqueueMany(fn, payloads, options);
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
   * Start working jobs of the functions defined in this process, and take part in leadership
   * (see StartOptions). Idempotent: a second call while running is a no-op.
   */
  async start(options: StartOptions = {}): Promise<void> {
    this.assertOpen();
    if (this.started) return;
    this.started = options;
    const { scheduler, workers, leaderCheckMs, recoverIntervalMs, ...poolOptions } = options;
    const workerId = this.workerId;
    if (workers !== false) {
      this.pool = new WorkerPool(
        monitorStore(this.deps.store, this.health),
        this.registry,
        this.events,
        this.deps.clock,
        this.deps.logger,
        this.deps.random,
        { ...poolOptions, workerId },
      );
      this.pool.useRunContext((job) => this.wf.runContext(job));
      if (this.deps.controlStore) this.pool.useControl(this.deps.controlStore);
      this.pool.start();
      this.presence = await FunctionPresence.startFor(this.deps, this.registry, workerId);
    }
    if (scheduler !== false) {
      const leaseMs = poolOptions.leaseMs ?? 30_000;
      this.leader = new Leadership(
        this.leaderDuties(
          typeof scheduler === "object" ? scheduler : {},
          recoverIntervalMs ?? Math.max(250, Math.floor(leaseMs / 2)),
        ),
        this.deps.leaderLock ?? null,
        this.events,
        this.deps.clock,
        this.deps.logger,
        leaderCheckMs ?? 1_000,
      );
      this.leader.start();
    }
    const slots = workers === false ? null : (poolOptions.concurrency ?? 10);
    this.reporter = await InstanceReporter.startFor(this.deps, this.events, workerId, () =>
      instanceSnapshot(this.leadership(), this.registry, slots, this.stats().running),
    );
  }

  /** The deployment's processes, leader first, each marked live or stale (runtime/instances-api). */
  instances(): Promise<InstanceInfo[]> {
    this.assertOpen();
    return listInstances(this.deps, this.reporter);
  }

  /** The duties this process runs while it leads. */
  private leaderDuties(loopOptions: SchedulerLoopOptions, recoverIntervalMs: number): LeaderDuty[] {
    const built = createLeaderDuties(
      {
        ...this.deps,
        store: monitorStore(this.deps.store, this.health),
        scheduleStore:
          this.deps.scheduleStore && monitorStore(this.deps.scheduleStore, this.health),
        events: this.events,
        registry: this.registry,
        pool: () => this.pool,
        confirmLeadership: () => this.leader?.confirm() ?? Promise.resolve(false),
        buildJob: (schedule, now) => this.factory.forSchedule(schedule, now),
        cancelJob: async (jobId) => {
          await this.jobs.cancel(jobId);
        },
        recovered: () => this.recovered++,
      },
      { loop: loopOptions, recoverIntervalMs },
    );
    this.scheduler = built.scheduler;
    this.recovery = built.recovery;
    return [...built.duties, ...this.wf.duties(this.started?.workflows)];
  }

  private loop(): SchedulerLoop | null {
    return this.scheduler?.current() ?? null;
  }

  /** Leadership of this process and each leader duty's last run and last error. */
  leadership(): LeadershipReport {
    return this.leader?.report() ?? NOT_LEADING;
  }

  /**
   * Stop: leadership and its duties end; no new claims; running jobs get `drainMs` (default
   * 10 s) to finish; the rest are aborted and handed back to the queue (attempt not counted)
   * so another worker can take them at once; then the store is closed. `force` stops at once
   * (see StopOptions). Resolves with what was handed back. Idempotent; afterwards every call
   * throws ShuttingDownError.
   */
  stop(options: StopOptions = {}): Promise<StopReport> {
    if (options.force) this.pool?.force();
    if (!this.stopping) {
      this.stopping = (async () => {
        await this.leader?.stop();
        await this.reporter?.stop();
        await this.wf.stop();
        const report = (await this.pool?.stop(options.drainMs ?? 10_000)) ?? NOTHING_STOPPED;
        await this.presence?.stop();
        await this.feedParts.stopRecorder();
        this.closed = true;
        await (this.deps.closeStores ?? (() => this.deps.store.close()))();
        return report;
      })();
    }
    return this.stopping;
  }

  /** Counters of this process's worker pool (zeros before `start`) and its lease recovery. */
  stats(): EngineStats {
    const pool = this.pool?.stats() ?? NO_POOL_STATS;
    return { ...pool, recovered: this.recovered };
  }

  /** Recover expired-lease jobs now (not at the leader's next pass); 0 when not leading. */
  async recoverExpiredNow(): Promise<number> {
    this.assertOpen();
    if (!this.recovery || !this.leader?.isLeader()) return 0;
    return this.recovery.recoverNow();
  }

  /** `await using kairos = await createKairos(...)` stops it at scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** True when this engine's store holds schedules and declared functions. */
  get hasSchedules(): boolean {
    return this.deps.scheduleStore !== null;
  }

  /** The stored schedules and functions, for planning a reconcile (`kairos apply`). */
  async reconcileState(): Promise<{ schedules: StoredSchedule[]; functions: StoredFunction[] }> {
    this.assertOpen();
    const s = requireScheduleStore(this.deps.scheduleStore);
    const [schedules, functions] = await Promise.all([s.listSchedules(), s.listFunctions()]);
    return { schedules, functions };
  }

  /** Apply `planReconcile`'s changes atomically; wake the scheduler; announce pre-fire cancels. */
  async applyReconcile(changes: readonly PlanChange[], now: number): Promise<void> {
    this.assertOpen();
    if (changes.length === 0) return;
    const store = requireScheduleStore(this.deps.scheduleStore);
    const { cancelled } = await store.applyPlan(changes, now);
    this.factory.forget();
    this.loop()?.wake();
    announceCancelled(this.events, cancelled, now);
  }

  /** Resolves when the store answers a trivial read within `timeoutMs` (runtime/store-ping). */
  ping(timeoutMs = 1_000): Promise<void> {
    return pingStore(this.deps.store, timeoutMs);
  }

  /** Live job and run counts of the whole store, for metrics (one grouped read each). */
  metricsSnapshot(): Promise<MetricsSnapshot> {
    return readMetricsSnapshot(this.deps);
  }

  /** Jobs created and finished per bucket over a window, with the live counts (runtime/stats). */
  jobStats(options?: StatsOptions): Promise<JobStats> {
    return readStats(this.deps, options);
  }

  /** When the scheduler loop last ticked (null if it does not run here), for health checks. */
  schedulerLastTick(): Date | null {
    const at = this.leadership().schedulerLastTickAt;
    return at === null ? null : new Date(at);
  }

  /** Run the leader's workflow pass once now: create due runs, start queued ones, plan (tests, tools). */
  async tickWorkflows(): Promise<void> {
    await this.wf.tick();
  }

  /** Run the scheduler loop once now (tests and tools; the loop also runs on its own). */
  async tickScheduler(): Promise<void> {
    this.assertOpen();
    const loop = this.loop();
    if (!loop) throw new NotFoundError("the scheduler loop is not running in this process");
    await loop.tickNow();
  }

  /** Internal: the schedule store, for tests and tools (writes bypass validation and the loop). */
  get scheduleStore(): ScheduleStore | null {
    return this.deps.scheduleStore;
  }

  /** Where schedules' timing lives (`kairos apply` syncs it); null: the embedded loop. */
  get scheduleBackend(): ScheduleBackend | null {
    return this.deps.scheduleBackend ?? null;
  }

  private assertOpen(): void {
    if (this.stopping || this.closed) throw new ShuttingDownError();
  }
}
