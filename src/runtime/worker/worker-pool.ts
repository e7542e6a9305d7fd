/**
 * @module runtime/worker/worker-pool
 * The worker pool: claim -> run -> finalize, for the functions defined in this process. It
 * composes five collaborators, each handed only the capabilities it uses: the claim loop
 * (`claim-loop.ts`), one execution per running job (`job-execution.ts`), the lease keeper
 * (`lease-keeper.ts`), the log buffer (`log-buffer.ts`) and the outcome writer
 * (`outcome-writer.ts`). What an attempt's outcome means
 * for the job is decided in core (`decideFinalization`), from the policy stamped on the job.
 *
 * Pool states (one place changes them, `this.state`):
 *   idle      constructed, not started              -> running
 *   running   claiming and running jobs             -> draining
 *   draining  no new claims; running jobs finish    -> stopped
 *   stopped   every job finished or handed back     (final)
 *
 * Invariants:
 * - At most `concurrency` handlers hold a slot. A slot is freed when its job's outcome is
 *   decided (result, error, timeout, cancel grace, lost lease, shutdown), even if the handler
 *   never settles: a hung handler cannot take the pool down.
 * - Every outcome is written through the FinalizeBatcher, guarded by the lease token: if
 *   another finalization won (lease recovery elsewhere, a racing cancel), this one is dropped
 *   and counted, never applied.
 * - Prefetched jobs (claimed beyond the free slots while recent jobs are short, <= 50 ms on
 *   average) wait in a local buffer under a lease like running ones; they start the moment a
 *   slot frees, are cancelled or handed back at once, and are never buffered behind long jobs.
 * - Lease recovery is not the pool's: it is a leader duty (`duties/lease-recovery.ts`).
 */
import type { RunContextLoader } from "./run-context.js";
import { reportProgress } from "./progress.js";
import { randomUUID } from "node:crypto";
import { ShuttingDownError } from "../../core/errors.js";
import type { AttemptOutcome, Finalization } from "../../core/jobs/finalization.js";
import type { RandomSource } from "../../core/retry/backoff.js";
import type { Clock } from "../../ports/clock.js";
import type { ClaimedJob } from "../../ports/job-store.js";
import type { Logger } from "../../ports/logger.js";
import type { EventBus } from "../event-bus.js";
import { FinalizeBatcher } from "../finalize-batcher.js";
import type { FunctionRegistry } from "../functions.js";
import { ClaimLoop } from "./claim-loop.js";
import { JobExecution, type ExecutionCapabilities } from "./job-execution.js";
import { Drain, NOTHING_STOPPED, reportDrainTimeout, type StopReport } from "./drain.js";
import { HeldJobs } from "./held-jobs.js";
import { LeaseKeeper } from "./lease-keeper.js";
import { withFinalRecheck, WorkerControl } from "./stop-control.js";
import { emitLostLeases } from "../control-events.js";
import type { ControlStore } from "../../ports/control-store.js";
import type { LogBuffer } from "./log-buffer.js";
import { announcedLogBuffer, logSourceOf } from "./log-events.js";
import { emitStarted, OutcomeWriter, unstarted, type FinishItem } from "./outcome-writer.js";
import {
  prefetchFor,
  resolvePoolOptions,
  type ResolvedPoolOptions,
  type WorkerPoolOptions,
  type WorkerPoolStats,
  type WorkerPoolStore,
} from "./options.js";

export type { WorkerPoolOptions, WorkerPoolStats, WorkerPoolStore } from "./options.js";
export type { StopReport } from "./drain.js";

type PoolState = "idle" | "running" | "draining" | "stopped";

/** Runs claimed jobs of the functions defined in this process. */
export class WorkerPool {
  readonly workerId: string;
  private state: PoolState = "idle";
  private readonly options: ResolvedPoolOptions;
  private readonly held = new HeldJobs();
  /** Moving average of handler durations, ms; null until a job finished. */
  private avgDurationMs: number | null = null;
  private readonly batcher: FinalizeBatcher;
  private readonly outcomes: OutcomeWriter;
  /** What every execution is handed (built once: the hot path allocates no closures per job). */
  private executionCaps: ExecutionCapabilities;
  private readonly claims: ClaimLoop;
  private readonly leases: LeaseKeeper;
  private readonly logs: LogBuffer;
  private readonly drain: Drain;
  private stopping: Promise<StopReport> | null = null;
  /** While set, decided outcomes are collected here to be written together (at shutdown). */
  private collecting: FinishItem[] | null = null;
  private counters = { claimed: 0, abandonedHandlers: 0 };
  /** Stop and start (`useControl`); null: this store has no control requests. */
  private control: WorkerControl | null = null;

  constructor(
    private readonly store: WorkerPoolStore,
    private readonly registry: FunctionRegistry,
    readonly events: EventBus,
    readonly clock: Clock,
    readonly logger: Logger,
    private readonly random: RandomSource,
    options: WorkerPoolOptions = {},
  ) {
    this.options = resolvePoolOptions(options);
    this.workerId = options.workerId ?? `worker-${randomUUID()}`;
    this.drain = new Drain(clock);
    this.batcher = new FinalizeBatcher(store, clock, (e) => this.reportError(e, "finalize"));
    this.logs = announcedLogBuffer(store, events, clock, (e) => this.reportError(e, "logs"));
    this.executionCaps = {
      clock,
      progress: (j, percent, message, generation) =>
        reportProgress({ store, events, clock }, j, percent, message, generation, (e) =>
          this.reportError(e, "progress"),
        ),
      log: (line, job) => this.logs.push(line, logSourceOf(job)),
      onDecided: (e, outcome) => this.decided(e, outcome),
      onLateSettle: (e) => {
        this.counters.abandonedHandlers = Math.max(0, this.counters.abandonedHandlers - 1);
        this.outcomes.drop(e.job, "already_finalized");
      },
    };
    this.outcomes = new OutcomeWriter({
      batcher: this.batcher,
      logs: this.logs,
      events,
      clock,
      random,
      applied: (job, f) => this.applied(job, f),
    });
    this.leases = new LeaseKeeper(
      {
        renew: (leases) =>
          store.heartbeat(this.workerId, leases, clock.now(), this.options.leaseMs),
        held: () => this.held.leases(),
        lost: (ids) =>
          emitLostLeases(events, this.held.dropLost(ids), clock.now(), (id) =>
            this.control?.generationOf(id),
          ),
        cancelRequested: (ids) => ids.forEach((id) => this.cancelLocal(id)),
        renewed: (ids) => this.control?.stopPending(ids),
        reportError: (e) => this.reportError(e, "heartbeat"),
      },
      clock,
      Math.max(50, Math.floor(this.options.leaseMs / 3)),
    );
    this.claims = new ClaimLoop(
      {
        clock,
        fns: () => registry.names(),
        capacity: () => this.capacity(),
        claim: (fns, limit) =>
          store.claim({
            workerId: this.workerId,
            fns,
            limit,
            now: clock.now(),
            leaseMs: this.options.leaseMs,
          }),
        accept: (jobs) => this.accept(jobs),
        handBack: (jobs) => jobs.forEach((job) => this.finishUnstarted(job, { kind: "shutdown" })),
        nextRunAt: (fns) => store.nextRunAt(fns),
        changeToken: () => store.changeToken(),
        ...(store.onChange ? { onChange: (l: () => void) => store.onChange!(l) } : {}),
        reportError: (e, where) => this.reportError(e, where),
      },
      this.options,
    );
  }

  /** Begin claiming. Functions defined later are picked up at the next claim. */
  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    this.leases.start();
    this.claims.start();
  }

  /** Current counters. */
  stats(): WorkerPoolStats {
    return {
      running: this.held.active.size,
      buffered: this.held.buffer.length,
      claimed: this.counters.claimed,
      finalized: this.outcomes.finalized,
      droppedResults: this.outcomes.dropped,
      abandonedHandlers: this.counters.abandonedHandlers,
    };
  }

  /** True while the job is running or prefetched in this pool. */
  isRunningHere(jobId: string): boolean {
    return this.held.has(jobId);
  }

  /** A job became due (local enqueue, retry): claim now, or wake at `runAt`. */
  notify(runAt: number): void {
    if (this.state === "running") this.claims.notify(runAt);
  }

  /**
   * Cancel a job running here: its signal aborts with JobCancelledError; if the handler has
   * not settled after the grace period the job is finalized `cancelled` anyway.
   */
  cancelLocal(jobId: string): boolean {
    const buffered = this.held.takeBuffered(jobId);
    if (buffered) {
      this.finishUnstarted(buffered, { kind: "cancelled_unstarted" });
      return true;
    }
    const execution = this.held.active.get(jobId);
    if (!execution || execution.decided) return false;
    execution.cancel(this.options.cancelGraceMs);
    return true;
  }

  /**
   * Stop claiming; let running jobs finish within `drainMs` (or until `force()`); abort the
   * rest and hand them back in one store write, so another worker can take them at once.
   * Idempotent (concurrent callers share one stop); resolves when nothing is left claimed.
   */
  stop(drainMs = 10_000): Promise<StopReport> {
    this.stopping ??= this.shutdown(drainMs);
    return this.stopping;
  }

  /**
   * Cut the drain short, now or when `stop()` comes: running handlers are aborted at once
   * (a command's process group is killed), their jobs handed back, and `stop()` waits a few
   * seconds for the handlers to return. Idempotent.
   */
  force(): void {
    this.drain.force();
  }

  private async shutdown(drainMs: number): Promise<StopReport> {
    if (this.state !== "running") {
      this.state = "stopped";
      return NOTHING_STOPPED;
    }
    const releasedBefore = this.outcomes.released;
    this.state = "draining";
    this.claims.stop();
    for (const job of this.held.buffer.splice(0)) this.finishUnstarted(job, { kind: "shutdown" });
    if (this.held.active.size > 0) await this.drain.wait(drainMs);
    const left = [...this.held.active.values()];
    const forced = this.drain.forced;
    if (left.length > 0) reportDrainTimeout(this, left, drainMs, forced);
    const reason = new ShuttingDownError(
      forced
        ? "Kairos was stopped at once (forced); job handed back"
        : "worker is shutting down; job handed back",
    );
    this.collecting = this.held.buffer.splice(0).map((job) => unstarted(job, { kind: "shutdown" }));
    for (const execution of left) execution.abort(reason, { kind: "shutdown" });
    const handBack = this.outcomes.finishMany(this.collecting);
    this.collecting = null;
    if (forced) await this.drain.settle(left.map((e) => e.handlerReturned));
    await handBack;
    await this.outcomes.settled();
    await this.logs.flush();
    this.leases.stop();
    this.state = "stopped";
    return {
      forced,
      aborted: left.length,
      handedBack: this.outcomes.released - releasedBefore,
      stillRunning: left.filter((e) => !e.settled).length,
    };
  }

  // ---- claiming and starting -------------------------------------------------------------

  private capacity(): { want: number; free: number; prefetch: number } {
    const free = this.options.concurrency - this.held.active.size - this.held.buffer.length;
    const prefetch = prefetchFor(this.options, this.avgDurationMs);
    return { want: free + prefetch, free, prefetch };
  }

  private accept(jobs: ClaimedJob[]): void {
    this.counters.claimed += jobs.length;
    for (const job of jobs) this.held.buffer.push(job);
    // Held (leased, handed back at drain) while their generation is read; started after.
    if (this.control) void this.control.load(jobs).then((ok) => this.loaded(jobs, ok));
    else this.startFromBuffer();
  }

  /** A batch's generations were read (ok) or not: start it, or hand it back unstarted. */
  private loaded(jobs: readonly ClaimedJob[], ok: boolean): void {
    for (const job of ok ? [] : jobs) {
      const taken = this.held.takeBuffered(job.id);
      if (taken) this.finishUnstarted(taken, { kind: "shutdown" });
    }
    if (this.state === "running") this.startFromBuffer();
  }

  /** Carry out stops and starts through `control` (the engine's store has control requests). */
  useControl(control: ControlStore): void {
    this.control = new WorkerControl(control, this.clock, {
      execution: (id) => this.held.active.get(id),
      takeBuffered: (id) => this.held.takeBuffered(id),
      onStopped: () => this.wakeDrainIfIdle(),
      reportError: (e) => this.reportError(e, "control"),
      graceMs: this.options.cancelGraceMs,
      events: this.events,
    });
    this.executionCaps = { ...this.executionCaps, saveCheckpoint: this.control.saveCheckpoint };
  }

  /** Stop a job held here (see WorkerControl.stopLocal); false when not held or no control. */
  stopLocal(jobId: string): boolean {
    return this.control?.stopLocal(jobId) ?? false;
  }

  /** Give workflow task handlers `ctx.run`, read through `loader` when their job starts. */
  useRunContext(loader: RunContextLoader): void {
    this.executionCaps = { ...this.executionCaps, runContext: loader };
  }

  /** Start buffered jobs while slots are free. */
  private startFromBuffer(): void {
    while (this.held.active.size < this.options.concurrency && this.held.buffer.length > 0) {
      if (this.control?.isLoading(this.held.buffer[0]!.id)) break;
      const job = this.held.buffer.shift();
      if (job) this.run(job);
    }
  }

  private run(job: ClaimedJob): void {
    const def = this.registry.get(job.fn);
    if (!def) {
      // Cannot happen: only defined functions are claimed. Hand it back rather than lose it.
      this.finishUnstarted(job, { kind: "shutdown" });
      return;
    }
    const startedAt = this.clock.now();
    const control = this.control?.take(job.id);
    const execution = new JobExecution(job, startedAt, this.executionCaps, control);
    this.held.active.set(job.id, execution);
    emitStarted(this.events, job, startedAt, this.workerId);
    execution.start(withFinalRecheck(def.handler, def.remaining, control));
    if (job.cancelRequestedAt !== null) execution.cancel(this.options.cancelGraceMs);
  }

  // ---- outcomes ---------------------------------------------------------------------------

  /** An execution's outcome is known: free its slot, decide, write. */
  private decided(execution: JobExecution, outcome: AttemptOutcome): void {
    const { job } = execution;
    if (!execution.settled) this.counters.abandonedHandlers++;
    if (outcome.kind === "resolved" || outcome.kind === "rejected") {
      const took = this.clock.now() - execution.startedAt;
      this.avgDurationMs =
        this.avgDurationMs === null ? took : this.avgDurationMs * 0.9 + took * 0.1;
    }
    this.held.active.delete(job.id);
    this.onSlotFreed();
    const stopped =
      execution.stopped && outcome.kind !== "lease_lost" && outcome.kind !== "shutdown";
    if (stopped && this.control) this.control.finish(job, execution.control.generation);
    else if (this.collecting) {
      const { cancelled: cancelRequested, startedAt } = execution;
      this.collecting.push({ job, outcome, cancelRequested, startedAt });
    } else this.outcomes.finish(job, outcome, execution.cancelled, execution.startedAt);
  }

  /** Finish a job that never started here (prefetched): cancelled or handed back. */
  private finishUnstarted(job: ClaimedJob, outcome: AttemptOutcome): void {
    this.outcomes.finish(job, outcome, job.cancelRequestedAt !== null, null);
  }

  /** A finalization was applied. */
  private applied(job: ClaimedJob, f: Finalization): void {
    if (f.kind === "retrying") this.notify(f.runAt);
    // The write may have freed a concurrency key that the last claim saw as full.
    if (this.state === "running" && job.concurrencyKey !== null) this.claims.fetchSoon();
    this.wakeDrainIfIdle();
  }

  // ---- leases and draining ----------------------------------------------------------------

  private onSlotFreed(): void {
    if (this.state === "running") {
      this.startFromBuffer();
      this.claims.fetchSoon();
    }
    this.wakeDrainIfIdle();
  }

  private wakeDrainIfIdle(): void {
    if (this.held.active.size === 0) this.drain.idle();
  }

  private reportError(error: unknown, where: string): void {
    this.logger.error({ err: error, where }, "worker pool error; continuing");
    this.events.emit("worker:error", { error, at: this.clock.now(), where });
  }
}
