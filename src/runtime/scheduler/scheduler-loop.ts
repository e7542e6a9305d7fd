/**
 * @module runtime/scheduler/scheduler-loop
 * The scheduler loop: decides WHEN to tick; `tick.ts` does the tick (with the core deciding
 * what each due schedule needs and `slot-writer.ts` writing it).
 *
 * Loop states (only `this.state` changes them):
 *   idle      constructed                          -> running (start), stopped (stop)
 *   running   ticking and sleeping                 -> stopping (stop)
 *   stopping  waker stopped, waiting for the tick  -> stopped
 *   stopped   final; start() does nothing
 *
 * Invariants:
 * - Ticks are serial: `tickNow` waits until no tick runs before starting one, whoever calls it
 *   (the waker, the engine, a test), so two ticks never overlap in one process.
 * - It sleeps through the shared Waker: until the earliest `nextDueAt` (an indexed MIN), at most
 *   `pollIntervalMs`; a local change (`wake()`), a job it fired ending (`jobEnded`) or a commit
 *   by another process (the store's change token or push) wakes it sooner. A wake during a tick
 *   is not lost: the loop ticks again right after.
 * - Every timer goes through the Clock port, so a manual clock drives the loop in tests; after
 *   `stop()` resolves no timer of the loop is pending and no tick runs.
 * - Before every tick it confirms leadership when asked to (the split-brain guard of
 *   multi-process stores): a process that no longer leads skips the tick.
 * - With `timing: "external"` a tick fires no due slot, only buffered ones, and the loop sleeps
 *   until a wake or the poll interval (never until a due time it will not act on).
 * - With a pre-fire lead L (embedded timing only) it wakes L before an `allow_all` schedule is
 *   due and at the due time of the others (`ScheduleStore.nextDueAt(L)`), and a tick reads
 *   exactly those (`dueSchedules(now, limit, L)`), so it never spins on a schedule it will
 *   not act on yet. A pre-fire that fails is retried with a backoff (`prefire-backoff.ts`),
 *   never on every tick, and the slot still fires at its instant.
 */
import { ValidationError } from "../../core/errors.js";
import type { Clock } from "../../ports/clock.js";
import type { JobStore, NewJob, StoredJob } from "../../ports/job-store.js";
import type { Logger } from "../../ports/logger.js";
import type { ScheduleStore, StoredSchedule } from "../../ports/schedule-store.js";
import type { EventBus } from "../event-bus.js";
import { Waker } from "../waker.js";
import { PrefireBackoff } from "./prefire-backoff.js";
import { SlotWriter } from "./slot-writer.js";
import { runTick } from "./tick.js";

/**
 * Who decides when a schedule's slots fire: `embedded` (this loop fires due slots) or
 * `external` (a Kubernetes CronJob fires each slot through `schedules.fire`; the loop fires
 * only buffered slots, when the job holding them ends).
 */
export type SchedulerTiming = "embedded" | "external";

/** Options of the scheduler loop. */
export interface SchedulerLoopOptions {
  /**
   * `embedded` (default): the loop fires every due slot. `external`: the cluster owns timing
   * (`scheduler.backend: kubernetes`): the loop never fires a due slot itself (a CronJob fires
   * it through the fire endpoint), but still fires buffered slots (buffer_one / buffer_all)
   * when the job holding them ends. Set with `kairos.start({ scheduler: { timing } })`.
   */
  readonly timing?: SchedulerTiming;
  /** Longest sleep between ticks when nothing is due (default 1 s). */
  readonly pollIntervalMs?: number;
  /** How often to look for changes committed by another process (default 100 ms). */
  readonly changeCheckMs?: number;
  /** Schedules handled per tick at most (default 500). */
  readonly batchSize?: number;
  /** Catch-up hard cap: at most this many missed slots run per schedule (default 100). */
  readonly maxCatchup?: number;
  /**
   * Pre-fire lead in ms (default DEFAULT_PREFIRE_LEAD_MS; 0 turns pre-firing off). An
   * `allow_all` schedule's slot is written up to this long before it is due, its job stored
   * `scheduled` with `runAt` = the slot's due time, so a worker starts it at the instant
   * (core/schedules/plan-prefire). Other overlap policies always fire at the instant, and with
   * `timing: "external"` nothing is pre-fired.
   */
  readonly prefireLeadMs?: number;
  /**
   * Checked before every tick: false skips the tick (this process no longer leads). The
   * split-brain guard for multi-process stores.
   */
  readonly confirmLeadership?: () => Promise<boolean>;
}

/** What the loop needs from the engine to build and cancel jobs. */
export interface SchedulerLoopHooks {
  /** The job to create for a slot of `schedule` (function options applied). */
  buildJob(schedule: StoredSchedule, slotAt: number, now: number): Promise<NewJob>;
  /** A job was created: wake workers. */
  jobCreated(job: StoredJob): void;
  /** Cancel an active job (overlap policies cancel_other / terminate_other). */
  cancelJob(jobId: string): Promise<void>;
}

/** The capabilities the loop itself uses (the tick's are wired by `createSchedulerLoop`). */
export interface SchedulerLoopCapabilities {
  /** One tick at `now`; `more`: tick again at once. */
  readonly tick: (now: number) => Promise<{ more: boolean }>;
  /** The earliest `nextDueAt` of the enabled schedules. */
  readonly nextDueAt: () => Promise<number | null>;
  /** The job store's change signals (`changeToken`, optional `onChange`). */
  readonly changeToken: () => Promise<string | null>;
  readonly onChange?: (listener: () => void) => () => void;
  readonly clock: Clock;
  readonly logError: (error: unknown, message: string) => void;
}

type LoopState = "idle" | "running" | "stopping" | "stopped";

/**
 * Default pre-fire lead (1 s): a second's burst of slots is written before its instant at
 * 10,000 schedules a minute with room to spare, and mostly at 100,000 (docs/benchmarks.md,
 * where a longer lead is measured too); short enough that what a pre-fire moves earlier
 * (`schedule:fired`, history, `nextFireAt`) stays within a second of the slot.
 */
export const DEFAULT_PREFIRE_LEAD_MS = 1_000;

/** Jobs remembered as fired by this loop, for `jobEnded` (bounded). */
const MAX_TRACKED_JOBS = 10_000;

/** Ticks the scheduler when due; see the module header. */
export class SchedulerLoop {
  private state: LoopState = "idle";
  private readonly waker: Waker;
  private readonly pollIntervalMs: number;
  private ticking: Promise<void> | null = null;
  /** A wake came during a tick: tick again right after it. */
  private again = false;
  private lastTickAt: number | null = null;
  /** Jobs fired by this loop and not yet seen ending (bounded). */
  private readonly firedJobs = new Set<string>();

  constructor(
    private readonly cap: SchedulerLoopCapabilities,
    private readonly options: SchedulerLoopOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.waker = new Waker({
      clock: cap.clock,
      onWake: () => this.onWake(),
      changeToken: cap.changeToken,
      ...(cap.onChange ? { onChange: cap.onChange } : {}),
      changeCheckMs: options.changeCheckMs ?? 100,
      onError: (error) => cap.logError(error, "scheduler: change check failed"),
    });
  }

  /** Begin ticking (the first tick as soon as the clock lets timers run). Idempotent. */
  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    this.waker.start();
    this.waker.wakeNow();
  }

  /** Run a tick soon: schedules changed, or a job of a schedule ended. */
  wake(): void {
    if (this.state !== "running") return;
    if (this.ticking) this.again = true;
    else this.waker.wakeNow();
  }

  /** A job ended (in this process): if the loop fired it, buffered slots may now run. */
  jobEnded(jobId: string): void {
    if (this.firedJobs.delete(jobId)) this.wake();
  }

  /** Remember a job this loop fired (the slot writer's `jobCreated`). */
  tracked(job: StoredJob): void {
    this.firedJobs.add(job.id);
    if (this.firedJobs.size > MAX_TRACKED_JOBS) this.firedJobs.clear();
  }

  /** When the loop last completed a tick (ms since epoch), for health checks. */
  lastTick(): number | null {
    return this.lastTickAt;
  }

  /** Stop ticking; resolves when no tick is in progress and no timer is left. Idempotent. */
  async stop(): Promise<void> {
    switch (this.state) {
      case "idle":
      case "stopped":
        this.waker.stop();
        this.state = "stopped";
        return;
      case "running":
      case "stopping":
        this.state = "stopping";
        this.waker.stop();
        while (this.ticking) await this.ticking;
        this.state = "stopped";
        return;
      default: {
        const never: never = this.state;
        throw new Error(`unreachable loop state ${String(never)}`);
      }
    }
  }

  /** One tick now, after any tick in progress (the engine's `tickScheduler` and tests). */
  async tickNow(): Promise<void> {
    while (this.ticking) await this.ticking;
    const tick = this.tick().finally(() => {
      if (this.ticking === tick) this.ticking = null;
    });
    this.ticking = tick;
    await tick;
  }

  private onWake(): void {
    if (this.state !== "running") return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    void this.runAndSleep();
  }

  private async runAndSleep(): Promise<void> {
    this.again = false;
    await this.tickNow();
    if (this.state !== "running") return;
    if (this.again) {
      this.waker.wakeNow();
      return;
    }
    let next: number | null = null;
    try {
      next = await this.cap.nextDueAt();
    } catch (error) {
      this.cap.logError(error, "scheduler: reading the next due time failed");
    }
    // A tick started meanwhile (tickNow, or a wake) arms the next sleep itself when it ends.
    if (this.state !== "running" || this.ticking) return;
    const pollAt = this.cap.clock.now() + this.pollIntervalMs;
    this.waker.wakeAt(next === null ? pollAt : Math.min(next, pollAt));
  }

  private async tick(): Promise<void> {
    const confirm = this.options.confirmLeadership;
    if (confirm && !(await confirm())) return;
    const { more } = await this.cap.tick(this.cap.clock.now());
    if (more) this.again = true;
    this.lastTickAt = this.cap.clock.now();
  }
}

/** Everything `createSchedulerLoop` wires together. */
export interface SchedulerLoopDeps {
  readonly schedules: ScheduleStore;
  readonly jobs: Pick<JobStore, "changeToken" | "onChange">;
  readonly hooks: SchedulerLoopHooks;
  readonly events: Pick<EventBus, "emit">;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * The composition root of the scheduler: hands each collaborator (loop, tick, slot writer)
 * only the functions it uses, taken from the ports and the engine's hooks.
 */
export function createSchedulerLoop(
  deps: SchedulerLoopDeps,
  options: SchedulerLoopOptions = {},
): SchedulerLoop {
  const { schedules, jobs, hooks, events, clock, logger } = deps;
  const logError = (error: unknown, message: string, schedule?: string): void =>
    logger.error(schedule === undefined ? { err: error } : { err: error, schedule }, message);
  const external = options.timing === "external";
  // External timing (a CronJob fires each slot) never pre-fires.
  const leadMs = external ? 0 : prefireLead(options.prefireLeadMs);
  const settings = {
    batchSize: options.batchSize ?? 500,
    maxCatchup: options.maxCatchup ?? 100,
    fireDue: !external,
    leadMs,
  };
  const fireSlots = schedules.fireSlots?.bind(schedules);
  const backoff = new PrefireBackoff();
  const writer = new SlotWriter({
    prefireBackoff: backoff,
    fireSlot: (request) => schedules.fireSlot(request),
    ...(fireSlots ? { fireSlots } : {}),
    recordError: (id, message, now) => schedules.recordError(id, message, now),
    buildJob: (schedule, slotAt, now) => hooks.buildJob(schedule, slotAt, now),
    cancelJob: (jobId) => hooks.cancelJob(jobId),
    jobCreated: (job) => {
      loop.tracked(job);
      hooks.jobCreated(job);
    },
    emit: (name, event) => events.emit(name, event),
    logError,
  });
  const tickCapabilities = {
    dueSchedules: (now: number, limit: number) =>
      leadMs > 0 ? schedules.dueSchedules(now, limit, leadMs) : schedules.dueSchedules(now, limit),
    activeJobs: (id: string) => schedules.activeJobs(id),
    schedulesWithBufferedSlots: (limit: number) => schedules.schedulesWithBufferedSlots(limit),
    logError,
    holds: (schedule: StoredSchedule, now: number) => backoff.holds(schedule, now),
  };
  const onChange = jobs.onChange?.bind(jobs);
  const loop = new SchedulerLoop(
    {
      tick: (now) => runTick(tickCapabilities, writer, settings, now),
      nextDueAt: () =>
        external
          ? Promise.resolve(null)
          : leadMs > 0
            ? nextWake(schedules, leadMs, backoff, clock.now())
            : schedules.nextDueAt(),
      changeToken: () => jobs.changeToken(),
      ...(onChange ? { onChange } : {}),
      clock,
      logError,
    },
    options,
  );
  return loop;
}

/**
 * When the loop must next act with a pre-fire lead: `nextDueAt(lead)`, unless that is already
 * past while pre-fires are held (the held schedules are what is within its lead, or may be):
 * then the earliest retry of a held one or the earliest due time, so a failing store is not
 * read in a loop. Another `allow_all` slot within its lead meanwhile is pre-fired at that wake
 * (or fired at its instant, at the latest).
 */
async function nextWake(
  schedules: ScheduleStore,
  leadMs: number,
  backoff: PrefireBackoff,
  now: number,
): Promise<number | null> {
  const next = await schedules.nextDueAt(leadMs);
  const retry = backoff.nextRetryAt(now);
  if (retry === null || next === null || next > now) return next;
  const due = await schedules.nextDueAt();
  return due === null ? retry : Math.min(retry, due);
}

/** The pre-fire lead option, checked: an integer >= 0 (ValidationError otherwise). */
function prefireLead(leadMs: number | undefined): number {
  if (leadMs === undefined) return DEFAULT_PREFIRE_LEAD_MS;
  if (!Number.isSafeInteger(leadMs) || leadMs < 0) {
    throw new ValidationError(
      `scheduler.prefireLeadMs must be an integer >= 0 (ms; 0 turns pre-firing off), got ${String(leadMs)}`,
    );
  }
  return leadMs;
}
