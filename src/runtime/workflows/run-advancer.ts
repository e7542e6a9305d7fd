/**
 * @module runtime/workflows/run-advancer
 * Moves runs forward: for a run whose task outcomes were recorded (the `workflow` completion
 * hook set `needsPlan`) or whose retry is due, one `WorkflowStore.updateRun` with the pure
 * `decideAdvance` (core/workflows/advance) queues the successors' jobs, applies retries and
 * finishes the run, all in one transaction.
 *
 * Who calls it: every engine that runs workers wakes it for the runs of the task jobs it has
 * just finished (the fast path: the successor's job is inserted right after the predecessor's
 * finalization commits), and the leader's workflow duty sweeps `runsToPlan` (runs left with
 * `needsPlan` by a crash, jobs finished by another process or by lease recovery, retries that
 * came due). Two engines advancing one run serialize on the run's lock in `updateRun`; the
 * second finds nothing to do.
 *
 * Wakes are coalesced per run: a run is advanced at most once at a time here, and a wake that
 * arrives meanwhile advances it once more afterwards. Errors are logged and left for the next
 * sweep (the run keeps `needsPlan`).
 */
import { QueueFullError } from "../../core/errors.js";
import {
  decideAdvance,
  taskTryOrigin,
  type RunChange,
  type TaskJobRequest,
} from "../../core/workflows/index.js";
import type { Clock, TimerHandle } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { StoredRun, WorkflowStore } from "../../ports/workflow-store.js";
import type { EventBus } from "../event-bus.js";
import { SPEC_FRESH_MS, UnpreparedFunctionError, type SyncJobBuilder } from "../job-factory.js";

/** The longest rest between two advances of one run (see `RunAdvancer.paced`). */
const MAX_REST_MS = 1_000;

/** What the advancer is handed. */
export interface RunAdvancerCaps {
  readonly store: WorkflowStore;
  /** Reads the function specs the jobs need, once, before a transaction (JobFactory.prepare). */
  prepare(fns: Iterable<string>): Promise<SyncJobBuilder>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventBus;
  /** Jobs were inserted, due at `runAt` (wake this process's workers). */
  jobsCreated(runAt: number): void;
  /** A run finished: start the workflow's queued runs that now fit under maxActiveRuns. */
  runFinished(run: StoredRun): void;
}

/** Outcome of advancing one run, for callers and tests. */
export interface AdvanceResult {
  readonly changed: boolean;
  readonly jobsQueued: number;
  readonly run: StoredRun | null;
}

/** Advances runs; see the module header. */
export class RunAdvancer {
  private readonly pending = new Set<string>();
  private readonly inFlight = new Map<string, Promise<AdvanceResult | null>>();
  private draining = false;
  private stopped = false;
  private builder: { fns: Set<string>; at: number; build: SyncJobBuilder } | null = null;
  private timer: { at: number; timer: TimerHandle } | null = null;
  /** Per run: no wake advances it before this instant (see `paced`). */
  private readonly restUntil = new Map<string, number>();
  private readonly resting = new Map<string, TimerHandle>();

  constructor(private readonly caps: RunAdvancerCaps) {}

  /** Advance `runId` soon (coalesced). */
  wake(runId: string): void {
    if (this.stopped) return;
    this.pending.add(runId);
    if (!this.draining) void this.drain();
  }

  /** Advance every run the store says needs it (at most `limit`); returns how many changed. */
  async sweep(limit = 100): Promise<number> {
    const ids = await this.caps.store.runsToPlan(this.caps.clock.now(), limit);
    let changed = 0;
    for (const id of ids) {
      if (this.stopped) break;
      if ((await this.advanceNow(id)).changed) changed++;
    }
    return changed;
  }

  /** Advance one run now (serialized with other advances of the same run here). */
  async advanceNow(runId: string): Promise<AdvanceResult> {
    const prior = this.inFlight.get(runId) ?? Promise.resolve(null);
    const next = prior.catch(() => null).then(() => this.advance(runId));
    this.inFlight.set(runId, next);
    try {
      return await next;
    } finally {
      if (this.inFlight.get(runId) === next) this.inFlight.delete(runId);
    }
  }

  /**
   * Stop taking wakes, cancel the retry timer and wait for the advances in flight (runs left
   * are swept by the leader later).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pending.clear();
    this.timer?.timer.cancel();
    this.timer = null;
    for (const rest of this.resting.values()) rest.cancel();
    this.resting.clear();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.size > 0 && !this.stopped) {
        const [runId] = this.pending;
        if (runId === undefined) break;
        this.pending.delete(runId);
        if (this.paced(runId)) continue;
        const started = this.caps.clock.now();
        try {
          await this.advanceNow(runId);
        } catch (error) {
          this.caps.logger.warn({ err: error, runId }, "advancing a workflow run failed");
        }
        const ended = this.caps.clock.now();
        this.restUntil.set(runId, ended + Math.min(MAX_REST_MS, ended - started));
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * True when `runId` was advanced less than one advance's duration ago: it is woken again
   * when that rest ends. A large run (an advance reads every task) is then advanced at most
   * half the time, with every outcome that arrived meanwhile in one pass, leaving the process
   * the other half for its jobs and lease renewals; a small run's rest is a millisecond or two.
   */
  private paced(runId: string): boolean {
    const until = this.restUntil.get(runId);
    const now = this.caps.clock.now();
    if (until === undefined || until <= now) {
      this.restUntil.delete(runId);
      return false;
    }
    if (!this.resting.has(runId)) {
      this.resting.set(
        runId,
        this.caps.clock.setTimer(until - now, () => {
          this.resting.delete(runId);
          this.restUntil.delete(runId);
          this.wake(runId);
        }),
      );
    }
    return true;
  }

  private async advance(runId: string): Promise<AdvanceResult> {
    for (let round = 0; round < 4; round++) {
      const now = this.caps.clock.now();
      const build = await this.jobBuilder(now);
      const box: { missing: string | null; change: RunChange | null } = {
        missing: null,
        change: null,
      };
      let outcome;
      try {
        outcome = await this.caps.store.updateRun(
          runId,
          (snapshot) => {
            // A function the builder was not prepared for: note it, discard this decision
            // (the decision turns a build error into a failed try), prepare it and decide again.
            const change = decideAdvance(snapshot, {
              now,
              buildJob: (request) => {
                try {
                  return taskJob(build, request, now);
                } catch (error) {
                  if (error instanceof UnpreparedFunctionError) box.missing = error.fn;
                  throw error;
                }
              },
            });
            box.change = box.missing === null ? change : null;
            return box.change;
          },
          now,
        );
      } catch (error) {
        if (!(error instanceof QueueFullError)) throw error;
        // A task's function is at its maxPending: the run keeps needsPlan; look again soon.
        this.caps.logger.debug({ runId, err: error }, "workflow task held by maxPending");
        this.retryAt(now + 1_000, runId);
        return { changed: false, jobsQueued: 0, run: null };
      }
      if (box.missing !== null) {
        await this.addFunction(box.missing);
        continue;
      }
      if (outcome.kind === "not_found") return { changed: false, jobsQueued: 0, run: null };
      return this.after(outcome.run, box.change, now);
    }
    throw new Error(`advancing run ${runId}: the job specs kept changing; will retry`);
  }

  private after(run: StoredRun, change: RunChange | null, now: number): AdvanceResult {
    const jobsQueued = change?.jobs?.length ?? 0;
    if (jobsQueued > 0) this.caps.jobsCreated(now);
    const ended = change?.run?.state;
    if (ended === "success" || ended === "failed") {
      this.caps.events.emit("run:finished", {
        runId: run.id,
        workflow: run.workflow,
        state: ended,
        at: now,
      });
      this.caps.runFinished(run);
    } else if (run.nextPlanAt !== null) {
      this.retryAt(run.nextPlanAt, run.id);
    }
    return { changed: change !== null, jobsQueued, run };
  }

  /** Wake `runId` at `at` (one timer: the earliest wanted). */
  private retryAt(at: number, runId: string): void {
    if (this.stopped) return;
    if (this.timer !== null && this.timer.at <= at) return;
    this.timer?.timer.cancel();
    const delay = Math.max(0, at - this.caps.clock.now());
    this.timer = {
      at,
      timer: this.caps.clock.setTimer(delay, () => {
        this.timer = null;
        this.wake(runId);
        void this.sweep().catch((error: unknown) =>
          this.caps.logger.warn({ err: error }, "workflow sweep failed"),
        );
      }),
    };
  }

  private async jobBuilder(now: number): Promise<SyncJobBuilder> {
    const current = this.builder;
    if (current !== null && now - current.at >= 0 && now - current.at < SPEC_FRESH_MS) {
      return current.build;
    }
    const fns = current?.fns ?? new Set<string>();
    this.builder = { fns, at: now, build: await this.caps.prepare(fns) };
    return this.builder.build;
  }

  private async addFunction(fn: string): Promise<void> {
    const fns = new Set(this.builder?.fns ?? []);
    fns.add(fn);
    this.builder = { fns, at: this.caps.clock.now(), build: await this.caps.prepare(fns) };
  }
}

/** A task try's job: the function's policy, one attempt (the workflow owns retries). */
function taskJob(build: SyncJobBuilder, request: TaskJobRequest, now: number) {
  const origin = taskTryOrigin(request.runId, request.taskId, request.tryNumber);
  const job = build(
    request.fn,
    request.payload,
    {
      maxAttempts: 1,
      runAt: request.runAt,
      ...(request.concurrency ? { key: request.concurrency.key } : {}),
    },
    now,
    origin,
  );
  return {
    ...job,
    maxAttempts: 1,
    idempotencyKey: null,
    ...(request.timeoutMs !== null ? { timeoutMs: request.timeoutMs } : {}),
    ...(request.concurrency ? { concurrencyLimit: request.concurrency.limit } : {}),
  };
}
