/**
 * @module runtime/worker-pool
 * The worker pool: claim -> run -> finalize, for the functions defined in this process.
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
 * - Claims are serial (one in flight) and batched: up to the free slots, plus up to `prefetch`
 *   jobs held in a local buffer while recent jobs are short (<= 50 ms on average), so that a
 *   stream of short jobs is claimed in large batches. A buffered job starts the moment a slot
 *   frees, holds a lease like a running one, is cancelled or handed back at once, and is never
 *   buffered behind long jobs (prefetch turns off when jobs are long). Idle workers sleep
 *   until the earliest `runAt` the store knows of, a local enqueue, a change committed by
 *   another process (the store's change token), or the poll interval.
 */
import { randomUUID } from "node:crypto";
import { decideRetry, DEFAULT_BACKOFF, type RandomSource } from "../core/retry/backoff.js";
import {
  JobCancelledError,
  JobTimeoutError,
  ShuttingDownError,
  UnrecoverableError,
  KairosError,
} from "../core/errors.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type {
  Finalization,
  JobErrorInfo,
  JobLogLine,
  JobStore,
  StoredJob,
} from "../ports/job-store.js";
import type { EventBus } from "./event-bus.js";
import { toErrorInfo } from "./error-info.js";
import { FinalizeBatcher } from "./finalize-batcher.js";
import type { FunctionDefinition, FunctionRegistry, JobContext } from "./functions.js";

/** Options of a worker pool. */
export interface WorkerPoolOptions {
  /** Handlers running at once in this process (default 10). */
  readonly concurrency?: number;
  /** Lease length; renewed every leaseMs/3 while a job runs (default 30 s). */
  readonly leaseMs?: number;
  /** Fallback poll when idle (default 1 s). */
  readonly pollIntervalMs?: number;
  /** How often to look for a change committed by another process (default 50 ms). */
  readonly changeCheckMs?: number;
  /** After a cancel, how long a handler may ignore its AbortSignal before the job is finalized cancelled (default 5 s). */
  readonly cancelGraceMs?: number;
  /** How often to recover jobs whose lease expired (default leaseMs / 2, at least 250 ms). */
  readonly recoverIntervalMs?: number;
  /**
   * Jobs claimed beyond the free slots while recent jobs are short, to batch claims
   * (default the larger of 4 x concurrency and 200, at most 1,000; 0 disables).
   */
  readonly prefetch?: number;
  /** Worker id stored as lease owner (default a random id). */
  readonly workerId?: string;
  /** Lease recovery runs only while this returns true (the leader; default always). */
  readonly recoversLeases?: () => boolean;
}

/** Counters a pool keeps for metrics and tests. */
export interface WorkerPoolStats {
  readonly running: number;
  /** Jobs claimed ahead (prefetched) and not started yet. */
  readonly buffered: number;
  readonly claimed: number;
  readonly finalized: number;
  /** Results that arrived after the job was already finalized or its lease lost, and were dropped. */
  readonly droppedResults: number;
  /** Handlers still executing after their job was finalized (timed out or cancelled, ignoring the signal). */
  readonly abandonedHandlers: number;
  readonly recovered: number;
}

type PoolState = "idle" | "running" | "draining" | "stopped";

type Outcome =
  | { readonly kind: "resolved"; readonly value: unknown }
  | { readonly kind: "rejected"; readonly error: unknown }
  | { readonly kind: "timeout" }
  | { readonly kind: "cancel_grace" }
  | { readonly kind: "lost" }
  | { readonly kind: "shutdown" };

interface ActiveJob {
  readonly job: StoredJob;
  readonly def: FunctionDefinition;
  readonly controller: AbortController;
  readonly startedAt: number;
  decided: boolean;
  handlerSettled: boolean;
  cancelRequested: boolean;
  timeoutTimer: NodeJS.Timeout | null;
  graceTimer: NodeJS.Timeout | null;
}

/** Runs claimed jobs of the functions defined in this process. */
export class WorkerPool {
  readonly workerId: string;
  private state: PoolState = "idle";
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly changeCheckMs: number;
  private readonly cancelGraceMs: number;
  private readonly recoverIntervalMs: number;
  private readonly active = new Map<string, ActiveJob>();
  /** Claimed, not yet started (prefetched); leased like running jobs. */
  private buffer: StoredJob[] = [];
  private readonly prefetch: number;
  /** Moving average of handler durations, ms; null until a job finished. */
  private avgDurationMs: number | null = null;
  private readonly batcher: FinalizeBatcher;
  private fns: string[] = [];
  private claiming = false;
  private fetchQueued = false;
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = Number.POSITIVE_INFINITY;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private recoverTimer: NodeJS.Timeout | null = null;
  private changeTimer: NodeJS.Timeout | null = null;
  private lastChangeToken: string | null = null;
  private unsubscribeChanges: (() => void) | null = null;
  private readonly recoversLeases: () => boolean;
  private drainWaiters: (() => void)[] = [];
  /** Finalizations decided but not yet written; `stop` waits for them. */
  private readonly pendingWrites = new Set<Promise<void>>();
  private logBuffer: JobLogLine[] = [];
  private logFlushQueued = false;
  private counters = {
    claimed: 0,
    finalized: 0,
    droppedResults: 0,
    abandonedHandlers: 0,
    recovered: 0,
  };

  constructor(
    private readonly store: JobStore,
    private readonly registry: FunctionRegistry,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly random: RandomSource,
    options: WorkerPoolOptions = {},
  ) {
    this.concurrency = positiveInt(options.concurrency ?? 10, "concurrency");
    this.leaseMs = positiveInt(options.leaseMs ?? 30_000, "leaseMs");
    this.pollIntervalMs = positiveInt(options.pollIntervalMs ?? 1_000, "pollIntervalMs");
    this.changeCheckMs = positiveInt(options.changeCheckMs ?? 50, "changeCheckMs");
    this.cancelGraceMs = nonNegative(options.cancelGraceMs ?? 5_000, "cancelGraceMs");
    this.recoverIntervalMs = positiveInt(
      options.recoverIntervalMs ?? Math.max(250, Math.floor(this.leaseMs / 2)),
      "recoverIntervalMs",
    );
    this.prefetch = Math.min(
      1_000,
      nonNegative(options.prefetch ?? Math.max(4 * this.concurrency, 200), "prefetch"),
    );
    this.workerId = options.workerId ?? `worker-${randomUUID()}`;
    this.recoversLeases = options.recoversLeases ?? (() => true);
    this.batcher = new FinalizeBatcher(store, clock, (error) =>
      this.reportError(error, "finalize"),
    );
  }

  /** Begin claiming. Functions defined later are picked up at the next claim. */
  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    this.heartbeatTimer = setInterval(
      () => void this.heartbeat(),
      Math.max(50, Math.floor(this.leaseMs / 3)),
    );
    this.recoverTimer = setInterval(() => void this.recoverExpired(), this.recoverIntervalMs);
    this.changeTimer = setInterval(() => void this.checkForeignChanges(), this.changeCheckMs);
    this.unsubscribeChanges = this.store.onChange?.(() => this.requestFetch()) ?? null;
    void this.recoverExpired();
    this.requestFetch();
  }

  /** Current counters. */
  stats(): WorkerPoolStats {
    return { running: this.active.size, buffered: this.buffer.length, ...this.counters };
  }

  /** True while the job runs in this pool. */
  isRunningHere(jobId: string): boolean {
    return this.active.has(jobId) || this.buffer.some((j) => j.id === jobId);
  }

  /** A job became due (local enqueue): claim now, or wake at `runAt`. */
  notify(runAt: number): void {
    if (this.state !== "running") return;
    if (runAt <= this.clock.now()) this.requestFetch();
    else this.armWake(runAt);
  }

  /**
   * Cancel a job running here: its signal aborts with JobCancelledError; if the handler has
   * not settled after the grace period the job is finalized `cancelled` anyway.
   */
  cancelLocal(jobId: string): boolean {
    const buffered = this.buffer.findIndex((j) => j.id === jobId);
    if (buffered >= 0) {
      const [job] = this.buffer.splice(buffered, 1);
      if (job) this.finalizeUnstarted(job, { kind: "cancelled", error: cancelledInfo(job) });
      return true;
    }
    const active = this.active.get(jobId);
    if (!active || active.decided) return false;
    if (active.cancelRequested) return true;
    active.cancelRequested = true;
    active.controller.abort(new JobCancelledError());
    active.graceTimer = setTimeout(
      () => this.decide(active, { kind: "cancel_grace" }),
      this.cancelGraceMs,
    );
    return true;
  }

  /**
   * Stop claiming; let running jobs finish within `drainMs`; abort and hand back the rest so
   * another worker can take them at once. Idempotent; resolves when nothing is left claimed.
   */
  async stop(drainMs = 10_000): Promise<void> {
    if (this.state === "stopped") return;
    if (this.state === "idle") {
      this.state = "stopped";
      return;
    }
    if (this.state === "running") {
      this.state = "draining";
      this.clearTimer("wakeTimer");
      if (this.changeTimer) clearInterval(this.changeTimer);
      if (this.recoverTimer) clearInterval(this.recoverTimer);
      this.changeTimer = null;
      this.recoverTimer = null;
      this.unsubscribeChanges?.();
      this.unsubscribeChanges = null;
      this.releaseBuffer();
    }
    if (this.active.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainMs);
        this.drainWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.releaseBuffer();
    for (const active of [...this.active.values()]) {
      active.controller.abort(new ShuttingDownError("worker is shutting down; job handed back"));
      this.decide(active, { kind: "shutdown" });
    }
    while (this.pendingWrites.size > 0) {
      await Promise.all([...this.pendingWrites, this.batcher.flush()]);
    }
    await this.batcher.flush();
    await this.flushLogs();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.state = "stopped";
  }

  // ---- claiming -------------------------------------------------------------------------

  private requestFetch(): void {
    if (this.fetchQueued || this.state !== "running") return;
    this.fetchQueued = true;
    setImmediate(() => {
      this.fetchQueued = false;
      void this.fetch();
    });
  }

  private async fetch(): Promise<void> {
    if (this.state !== "running" || this.claiming) return;
    const free = this.concurrency - this.active.size - this.buffer.length;
    const extra =
      this.avgDurationMs !== null && this.avgDurationMs <= PREFETCH_MAX_AVG_MS ? this.prefetch : 0;
    const want = free + extra;
    // Claim when a slot would otherwise idle, or when the buffer is half empty.
    if (want <= 0 || (free <= 0 && want < extra / 2)) return;
    this.fns = this.registry.names();
    if (this.fns.length === 0) return;
    this.claiming = true;
    let claimed: StoredJob[] = [];
    try {
      claimed = await this.store.claim({
        workerId: this.workerId,
        fns: this.fns,
        limit: want,
        now: this.clock.now(),
        leaseMs: this.leaseMs,
      });
    } catch (error) {
      this.reportError(error, "claim");
      this.armWake(this.clock.now() + this.pollIntervalMs);
      return;
    } finally {
      this.claiming = false;
    }
    if (this.state !== "running") {
      // Stop began while the claim was in flight: hand the jobs straight back.
      for (const job of claimed) void this.release(job);
      return;
    }
    this.counters.claimed += claimed.length;
    for (const job of claimed) this.buffer.push(job);
    this.startFromBuffer();
    if (claimed.length === want) {
      this.requestFetch();
      return;
    }
    await this.armWakeForNextDue();
  }

  private async armWakeForNextDue(): Promise<void> {
    let next: number | null = null;
    try {
      next = await this.store.nextRunAt(this.fns);
    } catch (error) {
      this.reportError(error, "nextRunAt");
    }
    const fallback = this.clock.now() + this.pollIntervalMs;
    this.armWake(next === null ? fallback : Math.min(next, fallback));
  }

  private armWake(at: number): void {
    if (this.state !== "running") return;
    if (this.wakeTimer && at >= this.wakeAt) return;
    this.clearTimer("wakeTimer");
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.wakeAt = Number.POSITIVE_INFINITY;
        this.requestFetch();
      },
      Math.max(0, at - this.clock.now()),
    );
  }

  private async checkForeignChanges(): Promise<void> {
    if (this.state !== "running") return;
    try {
      const token = await this.store.changeToken();
      if (token !== null && token !== this.lastChangeToken) {
        const first = this.lastChangeToken === null;
        this.lastChangeToken = token;
        if (!first) {
          this.requestFetch();
        }
      }
    } catch (error) {
      this.reportError(error, "changeToken");
    }
  }

  // ---- running --------------------------------------------------------------------------

  /** Start buffered jobs while slots are free. */
  private startFromBuffer(): void {
    while (this.active.size < this.concurrency && this.buffer.length > 0) {
      const job = this.buffer.shift();
      if (job) this.run(job);
    }
  }

  /** Hand every buffered (unstarted) job back to the queue at once. */
  private releaseBuffer(): void {
    const jobs = this.buffer;
    this.buffer = [];
    for (const job of jobs) this.finalizeUnstarted(job, { kind: "released" });
  }

  /** Finalize a job that never started here (buffered), tracked like any other write. */
  private finalizeUnstarted(job: StoredJob, outcome: Finalization): void {
    if (job.leaseToken === null) return;
    const write = this.batcher
      .submit({ jobId: job.id, leaseToken: job.leaseToken, outcome })
      .then((applied) => {
        if (!applied) return this.drop(job, "lost_race");
        const base = { jobId: job.id, fn: job.fn, attempt: job.attempt, at: this.clock.now() };
        if (outcome.kind === "cancelled") this.events.emit("job:cancelled", base);
        if (outcome.kind === "released") this.events.emit("job:released", base);
      });
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
  }

  private run(job: StoredJob): void {
    const def = this.registry.get(job.fn);
    if (!def) {
      // Cannot happen: we only claim defined functions. Hand it back rather than lose it.
      void this.release(job);
      return;
    }
    const startedAt = this.clock.now();
    const active: ActiveJob = {
      job,
      def,
      controller: new AbortController(),
      startedAt,
      decided: false,
      handlerSettled: false,
      cancelRequested: false,
      timeoutTimer: null,
      graceTimer: null,
    };
    this.active.set(job.id, active);
    if (this.events.has("job:started")) {
      this.events.emit("job:started", {
        jobId: job.id,
        fn: job.fn,
        attempt: job.attempt,
        at: startedAt,
        workerId: this.workerId,
        runAt: job.runAt,
      });
    }
    if (def.timeoutMs > 0) {
      active.timeoutTimer = setTimeout(() => {
        active.controller.abort(new JobTimeoutError(def.timeoutMs));
        this.decide(active, { kind: "timeout" });
      }, def.timeoutMs);
    }
    if (job.cancelRequestedAt !== null) this.cancelLocal(job.id);

    let result: Promise<unknown>;
    try {
      const payload: unknown = JSON.parse(job.payloadJson);
      result = Promise.resolve(def.handler(payload, this.contextFor(active)));
    } catch (error) {
      // Keep whatever was thrown (even a non-Error) so the stored error describes it.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      result = Promise.reject(error);
    }
    result.then(
      (value) => this.settle(active, { kind: "resolved", value }),
      (error: unknown) => this.settle(active, { kind: "rejected", error }),
    );
  }

  private contextFor(active: ActiveJob): JobContext {
    const { job } = active;
    return {
      jobId: job.id,
      fn: job.fn,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
      signal: active.controller.signal,
      progress: (percent: number, message?: string) => {
        if (active.decided) return;
        const clamped = Math.max(0, Math.min(100, Number(percent) || 0));
        const now = this.clock.now();
        this.store
          .setProgress(job.id, job.leaseToken ?? "", clamped, message ?? null, now)
          .catch((error: unknown) => this.reportError(error, "progress"));
        this.events.emit("job:progress", {
          jobId: job.id,
          fn: job.fn,
          attempt: job.attempt,
          at: now,
          percent: clamped,
          message: message ?? null,
        });
      },
      log: (message: string, level: JobLogLine["level"] = "info") => {
        this.logBuffer.push({
          jobId: job.id,
          attempt: job.attempt,
          at: this.clock.now(),
          level,
          message: String(message).slice(0, 8_000),
        });
        if (!this.logFlushQueued) {
          this.logFlushQueued = true;
          setImmediate(() => void this.flushLogs());
        }
      },
    };
  }

  private settle(active: ActiveJob, outcome: Outcome): void {
    active.handlerSettled = true;
    const took = this.clock.now() - active.startedAt;
    this.avgDurationMs = this.avgDurationMs === null ? took : this.avgDurationMs * 0.9 + took * 0.1;
    if (active.decided) {
      // The job was already decided (timeout, cancel grace, lost lease, shutdown): drop.
      this.counters.abandonedHandlers = Math.max(0, this.counters.abandonedHandlers - 1);
      this.drop(active.job, "already_finalized");
      return;
    }
    this.decide(active, outcome);
  }

  /** Decide the job's outcome once; frees its slot and writes the finalization. */
  private decide(active: ActiveJob, outcome: Outcome): void {
    if (active.decided) return;
    active.decided = true;
    if (active.timeoutTimer) clearTimeout(active.timeoutTimer);
    if (active.graceTimer) clearTimeout(active.graceTimer);
    if (!active.handlerSettled) this.counters.abandonedHandlers++;
    this.active.delete(active.job.id);
    this.onSlotFreed();

    if (outcome.kind === "lost") {
      this.drop(active.job, "lease_lost");
      return;
    }
    const finalization = this.finalizationFor(active, outcome);
    const write = this.writeFinalization(active, finalization);
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
  }

  private finalizationFor(active: ActiveJob, outcome: Outcome): Finalization {
    const { job, def } = active;
    const now = this.clock.now();
    switch (outcome.kind) {
      case "resolved": {
        let resultJson: string;
        try {
          resultJson = JSON.stringify(outcome.value ?? null) ?? "null";
        } catch (error) {
          return {
            kind: "failed",
            error: {
              name: "ResultNotSerializable",
              message: `handler returned a value JSON cannot hold: ${toErrorInfo(error).message}`,
            },
          };
        }
        return { kind: "succeeded", resultJson };
      }
      case "rejected": {
        if (active.cancelRequested) return { kind: "cancelled", error: cancelledInfo(job) };
        const error = toErrorInfo(outcome.error);
        const retry = decideRetry({
          policy: def.backoff ?? DEFAULT_BACKOFF,
          attempt: job.attempt,
          maxAttempts: job.maxAttempts,
          now,
          unrecoverable: outcome.error instanceof UnrecoverableError,
          random: this.random,
        });
        return retry.retry
          ? { kind: "retrying", error, runAt: retry.runAt }
          : { kind: "failed", error };
      }
      case "timeout": {
        const error: JobErrorInfo = {
          name: "JobTimeoutError",
          code: "JOB_TIMEOUT",
          message: `attempt ${job.attempt} timed out after ${def.timeoutMs} ms`,
        };
        const retry = decideRetry({
          policy: def.backoff,
          attempt: job.attempt,
          maxAttempts: job.maxAttempts,
          now,
          random: this.random,
        });
        return retry.retry
          ? { kind: "retrying", error, runAt: retry.runAt }
          : { kind: "timed_out", error };
      }
      case "cancel_grace":
        return { kind: "cancelled", error: cancelledInfo(job, this.cancelGraceMs) };
      case "shutdown":
        return { kind: "released" };
      case "lost":
        throw new Error("unreachable: lost outcomes are dropped before finalization");
    }
  }

  private async writeFinalization(active: ActiveJob, finalization: Finalization): Promise<void> {
    const { job } = active;
    if (job.leaseToken === null) return;
    await this.flushLogsFor(job.id);
    const applied = await this.batcher.submit({
      jobId: job.id,
      leaseToken: job.leaseToken,
      outcome: finalization,
    });
    if (!applied) {
      this.drop(job, "lost_race");
      return;
    }
    this.counters.finalized++;
    // The write may have freed a concurrency key that the last claim saw as full.
    if (this.state === "running" && job.concurrencyKey !== null) this.requestFetch();
    this.emitFinalized(active, finalization);
    this.wakeDrainIfIdle();
  }

  private emitFinalized(active: ActiveJob, finalization: Finalization): void {
    const { job } = active;
    const at = this.clock.now();
    const base = { jobId: job.id, fn: job.fn, attempt: job.attempt, at };
    switch (finalization.kind) {
      case "succeeded":
        this.events.emit("job:succeeded", { ...base, durationMs: at - active.startedAt });
        return;
      case "failed":
        this.events.emit("job:failed", { ...base, error: finalization.error });
        return;
      case "timed_out":
        this.events.emit("job:timed_out", { ...base, error: finalization.error });
        this.events.emit("job:failed", { ...base, error: finalization.error });
        return;
      case "retrying":
        this.events.emit("job:retrying", {
          ...base,
          error: finalization.error,
          runAt: finalization.runAt,
        });
        this.notify(finalization.runAt);
        return;
      case "cancelled":
        this.events.emit("job:cancelled", base);
        return;
      case "released":
        this.events.emit("job:released", base);
        return;
    }
  }

  private drop(job: StoredJob, reason: string): void {
    this.counters.droppedResults++;
    this.events.emit("job:result_dropped", {
      jobId: job.id,
      fn: job.fn,
      attempt: job.attempt,
      at: this.clock.now(),
      reason,
    });
  }

  private onSlotFreed(): void {
    if (this.state === "running") {
      this.startFromBuffer();
      this.requestFetch();
    }
    this.wakeDrainIfIdle();
  }

  private wakeDrainIfIdle(): void {
    if (this.active.size === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async release(job: StoredJob): Promise<void> {
    if (job.leaseToken === null) return;
    await this.batcher.submit({
      jobId: job.id,
      leaseToken: job.leaseToken,
      outcome: { kind: "released" },
    });
  }

  // ---- leases ---------------------------------------------------------------------------

  private async heartbeat(): Promise<void> {
    if (this.active.size === 0 && this.buffer.length === 0) return;
    const leases = [...this.active.values()]
      .filter((a) => !a.decided && a.job.leaseToken !== null)
      .map((a) => a.job)
      .concat(this.buffer)
      .map((job) => ({ jobId: job.id, leaseToken: job.leaseToken ?? "" }));
    if (leases.length === 0) return;
    try {
      const outcome = await this.store.heartbeat(
        this.workerId,
        leases,
        this.clock.now(),
        this.leaseMs,
      );
      const lost = new Set(outcome.lost);
      this.buffer = this.buffer.filter((job) => !lost.has(job.id));
      for (const id of outcome.lost) {
        const active = this.active.get(id);
        if (!active) continue;
        active.controller.abort(
          new KairosError("JOB_CANCELLED", "lease lost: the job was taken over"),
        );
        this.decide(active, { kind: "lost" });
      }
      for (const id of outcome.cancelRequested) this.cancelLocal(id);
    } catch (error) {
      this.reportError(error, "heartbeat");
    }
  }

  /**
   * Finish jobs whose worker vanished (lease expired): cancelled if a cancel was requested,
   * retried while attempts remain, else failed with reason `worker_lost`. The write is a
   * compare-and-set on the dead lease's token, so a worker that comes back loses the race.
   */
  async recoverExpired(): Promise<number> {
    if (this.state !== "running" || !this.recoversLeases()) return 0;
    let recovered = 0;
    try {
      const now = this.clock.now();
      const expired = await this.store.listExpired(now, 500);
      if (expired.length === 0) return 0;
      const requests = expired
        .filter((job) => job.leaseToken !== null && !this.isRunningHere(job.id))
        .map((job) => ({ job, outcome: this.recoveryFor(job, now) }));
      const applied = await this.store.finalize(
        requests.map(({ job, outcome }) => ({
          jobId: job.id,
          leaseToken: job.leaseToken ?? "",
          outcome,
        })),
        now,
      );
      requests.forEach(({ job, outcome }, i) => {
        if (!applied[i]) return;
        recovered++;
        const kind =
          outcome.kind === "retrying"
            ? "retrying"
            : outcome.kind === "cancelled"
              ? "cancelled"
              : "failed";
        this.events.emit("job:recovered", {
          jobId: job.id,
          fn: job.fn,
          attempt: job.attempt,
          at: now,
          outcome: kind,
        });
        if (outcome.kind === "retrying") this.notify(outcome.runAt);
      });
      this.counters.recovered += recovered;
      if (recovered > 0)
        this.logger.warn({ recovered }, "recovered jobs whose worker stopped renewing its lease");
    } catch (error) {
      this.reportError(error, "recover");
    }
    return recovered;
  }

  private recoveryFor(job: StoredJob, now: number): Finalization {
    if (job.cancelRequestedAt !== null) return { kind: "cancelled", error: cancelledInfo(job) };
    const error: JobErrorInfo = {
      name: "worker_lost",
      code: "WORKER_LOST",
      message: `worker ${job.leaseOwner ?? "?"} stopped renewing its lease on attempt ${job.attempt} (expired at ${new Date(job.leaseExpiresAt ?? now).toISOString()})`,
    };
    const def = this.registry.get(job.fn);
    const retry = decideRetry({
      policy: def?.backoff ?? DEFAULT_BACKOFF,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
      now,
      random: this.random,
    });
    return retry.retry
      ? { kind: "retrying", error, runAt: retry.runAt }
      : { kind: "failed", error };
  }

  // ---- logs -----------------------------------------------------------------------------

  private async flushLogs(): Promise<void> {
    this.logFlushQueued = false;
    if (this.logBuffer.length === 0) return;
    const lines = this.logBuffer;
    this.logBuffer = [];
    try {
      await this.store.appendLogs(lines);
    } catch (error) {
      this.reportError(error, "logs");
    }
  }

  private async flushLogsFor(jobId: string): Promise<void> {
    if (this.logBuffer.some((l) => l.jobId === jobId)) await this.flushLogs();
  }

  // ---- misc -----------------------------------------------------------------------------

  private clearTimer(name: "wakeTimer"): void {
    const timer = this[name];
    if (timer) clearTimeout(timer);
    this[name] = null;
    this.wakeAt = Number.POSITIVE_INFINITY;
  }

  private reportError(error: unknown, where: string): void {
    this.logger.error({ err: error, where }, "worker pool error; continuing");
    this.events.emit("worker:error", { error, at: this.clock.now(), where });
  }
}

/** Prefetch only while recent handlers average at most this long. */
const PREFETCH_MAX_AVG_MS = 50;

function cancelledInfo(job: StoredJob, graceMs?: number): JobErrorInfo {
  return {
    name: "JobCancelledError",
    code: "JOB_CANCELLED",
    message:
      graceMs === undefined
        ? `job ${job.id} was cancelled`
        : `job ${job.id} was cancelled; its handler ignored the abort signal for ${graceMs} ms`,
  };
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new KairosError("VALIDATION", `${name} must be an integer >= 1, got ${String(value)}`);
  }
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new KairosError("VALIDATION", `${name} must be a number >= 0, got ${String(value)}`);
  }
  return value;
}
