/**
 * @module runtime/scheduler-loop
 * The scheduler loop: fires due schedule slots as jobs. The core decides (which slots are due,
 * caught up or missed; what the overlap policy says; the jitter); this loop performs it through
 * the ScheduleStore, whose `fireSlot` is atomic and idempotent per (schedule, slot).
 *
 * Loop states (one place changes them, `this.state`):
 *   idle     constructed              -> running
 *   running  firing and sleeping      -> stopping
 *   stopping waiting for the tick     -> stopped
 *   stopped  final
 *
 * Invariants:
 * - It sleeps until the earliest `nextDueAt` (an indexed MIN), a local change (`wake()`), a
 *   commit by another process (the store's change token), or the poll interval. Each tick reads
 *   only the due schedules (`ORDER BY next_due_at LIMIT n`): the cost per fire is logarithmic in
 *   the number of schedules, never a scan of all of them.
 * - It cannot die: an error while firing one schedule is recorded on that schedule (history
 *   `error`, `lastError`) and its cursor moves past the slot, so it neither stops the loop nor
 *   delays the other schedules. Ticks are serial (never two at once).
 */
import { jitterFor } from "../core/schedules/jitter.js";
import { decideOverlap } from "../core/schedules/overlap.js";
import { planDueSlots } from "../core/schedules/plan-due.js";
import { nextSlotAfter } from "../core/schedules/timing.js";
import { QueueFullError } from "../core/errors.js";
import type { Clock } from "../ports/clock.js";
import type { JobStore, NewJob, StoredJob } from "../ports/job-store.js";
import type { Logger } from "../ports/logger.js";
import type {
  FireSlotRequest,
  ScheduleHistoryEntry,
  ScheduleRuntimeInit,
  ScheduleStore,
  StoredSchedule,
} from "../ports/schedule-store.js";
import type { EventBus } from "./event-bus.js";

/** Options of the scheduler loop. */
export interface SchedulerLoopOptions {
  /** Longest sleep between ticks when nothing is due (default 1 s). */
  readonly pollIntervalMs?: number;
  /** How often to look for changes committed by another process (default 100 ms). */
  readonly changeCheckMs?: number;
  /** Schedules handled per tick at most (default 500). */
  readonly batchSize?: number;
  /** Catch-up hard cap: at most this many missed slots run per schedule (default 100). */
  readonly maxCatchup?: number;
  /**
   * Tick on its own timers (default true). False: only `tickNow()` ticks, which makes the loop
   * fully deterministic under a manual clock (tests).
   */
  readonly autoTick?: boolean;
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

type LoopState = "idle" | "running" | "stopping" | "stopped";

/** Fires due schedules as jobs; see the module header. */
export class SchedulerLoop {
  private state: LoopState = "idle";
  private readonly pollIntervalMs: number;
  private readonly changeCheckMs: number;
  private readonly batchSize: number;
  private readonly maxCatchup: number;
  private readonly autoTick: boolean;
  private readonly confirmLeadership: (() => Promise<boolean>) | null;
  private timer: NodeJS.Timeout | null = null;
  private changeTimer: NodeJS.Timeout | null = null;
  private lastChangeToken: string | null = null;
  private ticking: Promise<void> | null = null;
  private again = false;
  private lastTickAt: number | null = null;
  /** Simple fires of the current tick, written together by `flushBatch`. */
  private batch: {
    schedule: StoredSchedule;
    kind: "fired" | "caught_up";
    request: FireSlotRequest;
  }[] = [];
  /** Jobs fired by this loop and not yet seen ending (bounded). */
  private readonly firedJobs = new Set<string>();

  constructor(
    private readonly schedules: ScheduleStore,
    private readonly jobs: JobStore,
    private readonly hooks: SchedulerLoopHooks,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: SchedulerLoopOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.changeCheckMs = options.changeCheckMs ?? 100;
    this.batchSize = options.batchSize ?? 500;
    this.maxCatchup = options.maxCatchup ?? 100;
    this.autoTick = options.autoTick ?? true;
    this.confirmLeadership = options.confirmLeadership ?? null;
  }

  /** Begin firing. Idempotent. */
  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    if (!this.autoTick) return;
    this.changeTimer = setInterval(() => void this.checkForeignChanges(), this.changeCheckMs);
    this.wake();
  }

  /** A job ended (in this process): if the loop fired it, buffered slots may now run. */
  jobEnded(jobId: string): void {
    if (this.firedJobs.delete(jobId)) this.wake();
  }

  private created(job: StoredJob): void {
    this.firedJobs.add(job.id);
    if (this.firedJobs.size > 10_000) this.firedJobs.clear();
    this.hooks.jobCreated(job);
  }

  /** When the loop last completed a tick (ms since epoch), for health checks. */
  lastTick(): number | null {
    return this.lastTickAt;
  }

  /** Run a tick soon: schedules changed, or a job of a schedule ended. */
  wake(): void {
    if (this.state !== "running" || !this.autoTick) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runTick(), 0);
  }

  /** Stop firing; resolves when no tick is in progress. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === "stopped" || this.state === "idle") {
      this.state = "stopped";
      return;
    }
    this.state = "stopping";
    if (this.timer) clearTimeout(this.timer);
    if (this.changeTimer) clearInterval(this.changeTimer);
    this.timer = null;
    this.changeTimer = null;
    await this.ticking;
    this.state = "stopped";
  }

  /** One tick now (tests drive the loop with a manual clock through this). */
  async tickNow(): Promise<void> {
    if (this.ticking) await this.ticking;
    this.ticking = this.tick().finally(() => {
      this.ticking = null;
    });
    await this.ticking;
  }

  private async runTick(): Promise<void> {
    this.timer = null;
    if (this.state !== "running") return;
    this.again = false;
    await this.tickNow();
    if (this.state !== "running") return;
    if (this.again) {
      this.wake();
      return;
    }
    await this.sleepUntilNextDue();
  }

  private async sleepUntilNextDue(): Promise<void> {
    let next: number | null = null;
    try {
      next = await this.schedules.nextDueAt();
    } catch (error) {
      this.logger.error({ err: error }, "scheduler: reading the next due time failed");
    }
    if (this.state !== "running" || this.ticking) return;
    const now = this.clock.now();
    const at = Math.min(next ?? Number.POSITIVE_INFINITY, now + this.pollIntervalMs);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runTick(), Math.max(0, at - now));
  }

  private async checkForeignChanges(): Promise<void> {
    try {
      const token = await this.jobs.changeToken();
      if (token === null) return;
      if (this.lastChangeToken !== null && token !== this.lastChangeToken) this.wake();
      this.lastChangeToken = token;
    } catch (error) {
      this.logger.error({ err: error }, "scheduler: change check failed");
    }
  }

  private async tick(): Promise<void> {
    if (this.confirmLeadership && !(await this.confirmLeadership())) return;
    const now = this.clock.now();
    let due: StoredSchedule[] = [];
    try {
      due = await this.schedules.dueSchedules(now, this.batchSize);
    } catch (error) {
      this.logger.error({ err: error }, "scheduler: reading due schedules failed");
    }
    for (let i = 0; i < due.length; i++) {
      const schedule = due[i];
      if (!schedule) continue;
      try {
        await this.handleDue(schedule, now);
      } catch (error) {
        await this.recordFailure(schedule, now, error);
      }
      // Write the batch, then let workers start the jobs just fired instead of waiting for
      // the whole burst (store calls may be synchronous, as with SQLite).
      if (i % YIELD_EVERY === YIELD_EVERY - 1) {
        await this.flushBatch(now);
        await new Promise((r) => setImmediate(r));
      }
    }
    await this.flushBatch(now);
    if (due.length >= this.batchSize) this.again = true;
    await this.fireBuffered(now);
    this.lastTickAt = this.clock.now();
  }

  /** Handle the due slots of one schedule: fire, catch up, skip or buffer as its policies say. */
  private async handleDue(schedule: StoredSchedule, now: number): Promise<void> {
    if (schedule.nextSlotAt === null) return;
    const plan = planDueSlots({
      timing: schedule.timing,
      nextSlotAt: schedule.nextSlotAt,
      now,
      catchup: schedule.catchup,
      catchupWindowMs: schedule.catchupWindowMs,
      maxCatchup: this.maxCatchup,
    });
    const history: Omit<ScheduleHistoryEntry, "scheduleId" | "jobId">[] = [];
    for (const m of plan.missed) {
      history.push({ slotAt: m.slotAt, at: now, kind: "missed", reason: m.reason, message: null });
    }
    if (plan.missedUnrecorded) {
      const { count, from, to } = plan.missedUnrecorded;
      history.push({
        slotAt: to,
        at: now,
        kind: "missed",
        reason: "catchup_summary",
        message: `${count} more slots missed between ${iso(from)} and ${iso(to)}`,
      });
    }
    for (const warning of plan.warnings) {
      history.push({
        slotAt: null,
        at: now,
        kind: "warning",
        reason: "catchup_cap",
        message: warning,
      });
    }
    for (const m of plan.missed) {
      this.events.emit("schedule:missed", {
        schedule: schedule.name,
        slotAt: m.slotAt,
        reason: m.reason,
        at: now,
      });
    }

    let cursor = schedule.nextSlotAt;
    let buffered = [...schedule.bufferedSlots];
    // allow_all never looks at active jobs: skip the read.
    let active =
      schedule.overlap === "allow_all"
        ? []
        : (await this.schedules.activeJobs(schedule.id)).map((j) => j.id);

    if (plan.fire.length === 0) {
      // Everything due was missed: advance the cursor, record why.
      const last = plan.missed.at(-1)?.slotAt ?? plan.missedUnrecorded?.to ?? cursor;
      await this.write(schedule, {
        expectedNextSlotAt: cursor,
        slotAt: last,
        job: null,
        next: this.cursorAfter(schedule, plan.nextSlotAt),
        history,
        status: "missed",
        now,
      });
      return;
    }

    for (let i = 0; i < plan.fire.length; i++) {
      const slot = plan.fire[i];
      if (!slot) continue;
      const isLast = i === plan.fire.length - 1;
      const next: ScheduleRuntimeInit = isLast
        ? this.cursorAfter(schedule, plan.nextSlotAt)
        : {
            nextSlotAt: plan.fire[i + 1]?.slotAt ?? null,
            nextDueAt: plan.fire[i + 1]?.slotAt ?? null,
          };
      const entries = i === 0 ? history : [];
      const decision = decideOverlap({
        policy: schedule.overlap,
        activeJobIds: active,
        bufferedSlots: buffered,
        slotAt: slot.slotAt,
        bufferLimit: schedule.bufferLimit,
      });
      switch (decision.action) {
        case "fire":
        case "cancel_and_fire": {
          if (
            decision.action === "fire" &&
            plan.fire.length === 1 &&
            this.schedules.fireSlots &&
            (await this.defer(schedule, slot, cursor, next, entries, now))
          ) {
            break;
          }
          if (decision.action === "cancel_and_fire") {
            await this.cancelAll(schedule, decision.cancelJobIds, slot.slotAt, now, entries);
          }
          const jobId = await this.fire(
            schedule,
            slot.slotAt,
            slot.kind,
            cursor,
            next,
            entries,
            now,
          );
          if (jobId) active = [...active, jobId];
          break;
        }
        case "skip":
          entries.push({
            slotAt: slot.slotAt,
            at: now,
            kind: "skipped",
            reason: decision.reason,
            message: null,
          });
          await this.write(schedule, {
            expectedNextSlotAt: cursor,
            slotAt: slot.slotAt,
            job: null,
            next,
            history: entries,
            status: "skipped",
            now,
          });
          this.events.emit("schedule:skipped", {
            schedule: schedule.name,
            slotAt: slot.slotAt,
            reason: decision.reason,
            at: now,
          });
          break;
        case "buffer":
        case "cancel_then_buffer": {
          if (decision.action === "cancel_then_buffer") {
            await this.cancelAll(schedule, decision.cancelJobIds, slot.slotAt, now, entries);
          }
          const dropped = decision.dropped;
          for (const d of dropped) {
            entries.push({
              slotAt: d,
              at: now,
              kind: "dropped",
              reason: "buffer_full",
              message: null,
            });
          }
          if (!dropped.includes(slot.slotAt)) {
            entries.push({
              slotAt: slot.slotAt,
              at: now,
              kind: "buffered",
              reason: "overlap",
              message: null,
            });
          }
          buffered = decision.bufferedSlots;
          await this.write(schedule, {
            expectedNextSlotAt: cursor,
            slotAt: slot.slotAt,
            job: null,
            next,
            history: entries,
            bufferedSlots: buffered,
            status: "buffered",
            now,
          });
          break;
        }
      }
      if (next.nextSlotAt === null) return;
      cursor = next.nextSlotAt;
    }
  }

  /**
   * Queue a simple fire (one due slot, policy says fire) for the tick's batched write. Returns
   * false when the job cannot be built, so the caller takes the normal path and records why.
   */
  private async defer(
    schedule: StoredSchedule,
    slot: { slotAt: number; kind: "fired" | "caught_up" },
    expected: number,
    next: ScheduleRuntimeInit,
    history: Omit<ScheduleHistoryEntry, "scheduleId" | "jobId">[],
    now: number,
  ): Promise<boolean> {
    let job: FireSlotRequest["job"];
    try {
      job = {
        ...(await this.hooks.buildJob(schedule, slot.slotAt, now)),
        scheduleId: schedule.id,
        slotAt: slot.slotAt,
      };
    } catch {
      return false;
    }
    this.batch.push({
      schedule,
      kind: slot.kind,
      request: {
        scheduleId: schedule.id,
        expectedNextSlotAt: expected,
        slotAt: slot.slotAt,
        job,
        next,
        history: [
          ...history,
          { slotAt: slot.slotAt, at: now, kind: slot.kind, reason: null, message: null },
        ],
        status: "fired",
        now,
      },
    });
    return true;
  }

  /** Write the deferred fires in one store transaction and report each outcome. */
  private async flushBatch(now: number): Promise<void> {
    const items = this.batch;
    this.batch = [];
    if (items.length === 0 || !this.schedules.fireSlots) return;
    let outcomes;
    try {
      outcomes = await this.schedules.fireSlots(items.map((i) => i.request));
    } catch (error) {
      for (const item of items) await this.recordFailure(item.schedule, now, error);
      return;
    }
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const outcome = outcomes[i];
      if (!item || !outcome) continue;
      const { schedule, request } = item;
      if (outcome.kind === "applied" && outcome.job) {
        this.created(outcome.job);
        this.events.emit("schedule:fired", {
          schedule: schedule.name,
          slotAt: request.slotAt,
          jobId: outcome.job.id,
          catchUp: item.kind === "caught_up",
          at: now,
        });
      } else if (outcome.kind === "failed") {
        if (outcome.error instanceof QueueFullError) {
          await this.write(schedule, {
            ...request,
            job: null,
            history: [
              ...request.history.slice(0, -1),
              {
                slotAt: request.slotAt,
                at: now,
                kind: "skipped",
                reason: "queue_full",
                message: outcome.error.message,
              },
            ],
            status: "skipped",
          });
          this.events.emit("schedule:skipped", {
            schedule: schedule.name,
            slotAt: request.slotAt,
            reason: "queue_full",
            at: now,
          });
        } else {
          await this.recordFailure(schedule, now, outcome.error);
        }
      }
    }
  }

  /** Create the job of one slot; returns its id, or null if the slot was already fired. */
  private async fire(
    schedule: StoredSchedule,
    slotAt: number,
    kind: "fired" | "caught_up",
    expected: number,
    next: ScheduleRuntimeInit,
    history: Omit<ScheduleHistoryEntry, "scheduleId" | "jobId">[],
    now: number,
  ): Promise<string | null> {
    let job: FireSlotRequest["job"];
    try {
      job = {
        ...(await this.hooks.buildJob(schedule, slotAt, now)),
        scheduleId: schedule.id,
        slotAt,
      };
    } catch (error) {
      // Building the job failed (e.g. a concurrency key function threw): record it on the
      // schedule and move past the slot.
      this.events.emit("schedule:error", {
        schedule: schedule.name,
        message: messageOf(error),
        at: now,
      });
      await this.schedules.recordError(schedule.id, messageOf(error), now);
      await this.write(schedule, {
        expectedNextSlotAt: expected,
        slotAt,
        job: null,
        next,
        history: [
          ...history,
          { slotAt, at: now, kind: "error", reason: "build_failed", message: messageOf(error) },
        ],
        status: "error",
        now,
      });
      return null;
    }
    const request: Omit<FireSlotRequest, "job"> = {
      scheduleId: schedule.id,
      expectedNextSlotAt: expected,
      slotAt,
      next,
      history: [...history, { slotAt, at: now, kind, reason: null, message: null }],
      status: "fired",
      now,
    };
    let outcome;
    try {
      outcome = await this.schedules.fireSlot({ ...request, job });
    } catch (error) {
      if (!(error instanceof QueueFullError)) throw error;
      await this.write(schedule, {
        ...request,
        job: null,
        history: [
          ...history,
          { slotAt, at: now, kind: "skipped", reason: "queue_full", message: error.message },
        ],
        status: "skipped",
      });
      this.events.emit("schedule:skipped", {
        schedule: schedule.name,
        slotAt,
        reason: "queue_full",
        at: now,
      });
      return null;
    }
    if (outcome.kind === "applied" && outcome.job) {
      this.created(outcome.job);
      this.events.emit("schedule:fired", {
        schedule: schedule.name,
        slotAt,
        jobId: outcome.job.id,
        catchUp: kind === "caught_up",
        at: now,
      });
      return outcome.job.id;
    }
    return null;
  }

  /** Fire the oldest buffered slot of schedules whose active jobs have ended. */
  private async fireBuffered(now: number): Promise<void> {
    let withBuffer: StoredSchedule[] = [];
    try {
      withBuffer = await this.schedules.schedulesWithBufferedSlots(this.batchSize);
    } catch (error) {
      this.logger.error({ err: error }, "scheduler: reading buffered schedules failed");
      return;
    }
    for (const schedule of withBuffer) {
      try {
        const [oldest, ...rest] = schedule.bufferedSlots;
        if (oldest === undefined || schedule.nextSlotAt === null) continue;
        if ((await this.schedules.activeJobs(schedule.id)).length > 0) continue;
        const job = {
          ...(await this.hooks.buildJob(schedule, oldest, now)),
          scheduleId: schedule.id,
          slotAt: oldest,
        };
        const outcome = await this.schedules.fireSlot({
          scheduleId: schedule.id,
          expectedNextSlotAt: schedule.nextSlotAt,
          slotAt: oldest,
          job,
          next: { nextSlotAt: schedule.nextSlotAt, nextDueAt: schedule.nextDueAt },
          history: [
            { slotAt: oldest, at: now, kind: "fired", reason: "from_buffer", message: null },
          ],
          bufferedSlots: rest,
          status: "fired",
          now,
        });
        if (outcome.kind === "applied" && outcome.job) {
          this.created(outcome.job);
          this.events.emit("schedule:fired", {
            schedule: schedule.name,
            slotAt: oldest,
            jobId: outcome.job.id,
            catchUp: false,
            at: now,
          });
        }
      } catch (error) {
        await this.recordFailure(schedule, now, error);
      }
    }
  }

  private async cancelAll(
    schedule: StoredSchedule,
    jobIds: readonly string[],
    slotAt: number,
    now: number,
    history: Omit<ScheduleHistoryEntry, "scheduleId" | "jobId">[],
  ): Promise<void> {
    for (const id of jobIds) {
      await this.hooks.cancelJob(id);
      history.push({
        slotAt,
        at: now,
        kind: "cancelled_other",
        reason: schedule.overlap,
        message: `cancelled job ${id} for the new slot`,
      });
    }
  }

  private async write(
    schedule: StoredSchedule,
    request: Omit<FireSlotRequest, "scheduleId">,
  ): Promise<void> {
    await this.schedules.fireSlot({ ...request, scheduleId: schedule.id });
  }

  /** The cursor after `nextSlotAt`, with its deterministic jitter. */
  private cursorAfter(schedule: StoredSchedule, nextSlotAt: number | null): ScheduleRuntimeInit {
    if (nextSlotAt === null) return { nextSlotAt: null, nextDueAt: null };
    if (schedule.jitterMs <= 0) return { nextSlotAt, nextDueAt: nextSlotAt };
    const following = nextSlotAfter(schedule.timing, nextSlotAt);
    return {
      nextSlotAt,
      nextDueAt: nextSlotAt + jitterFor(schedule.id, nextSlotAt, schedule.jitterMs, following),
    };
  }

  /**
   * Record a failure on the schedule and move its cursor past the due slot, so a schedule that
   * keeps failing cannot wedge the loop or delay the others.
   */
  private async recordFailure(
    schedule: StoredSchedule,
    now: number,
    error: unknown,
  ): Promise<void> {
    const message = messageOf(error);
    this.logger.error(
      { err: error, schedule: schedule.name },
      "scheduler: firing failed; recorded",
    );
    this.events.emit("schedule:error", { schedule: schedule.name, message, at: now });
    try {
      await this.schedules.recordError(schedule.id, message, now);
      if (schedule.nextSlotAt !== null && schedule.nextSlotAt <= now) {
        const next = this.cursorAfter(schedule, safeNextSlot(schedule, now));
        await this.schedules.fireSlot({
          scheduleId: schedule.id,
          expectedNextSlotAt: schedule.nextSlotAt,
          slotAt: schedule.nextSlotAt,
          job: null,
          next,
          history: [],
          status: "error",
          now,
        });
      }
    } catch (inner) {
      this.logger.error(
        { err: inner, schedule: schedule.name },
        "scheduler: recording a failure failed",
      );
    }
  }
}

/**
 * Fires written per transaction and between two yields to the event loop during a burst.
 * Large enough that a second's burst of slots is fired in a few transactions (workers then
 * claim its jobs together); small enough that workers are never starved for long.
 */
const YIELD_EVERY = 128;

function safeNextSlot(schedule: StoredSchedule, now: number): number | null {
  try {
    return nextSlotAfter(schedule.timing, now);
  } catch {
    return null;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
