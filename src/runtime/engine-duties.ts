/**
 * @module runtime/engine-duties
 * The list of the leader's duties an engine runs, wired to narrow capabilities: the scheduler
 * loop (when the store has schedules), lease recovery and retention. The workflow planner and
 * reapers join this list; nothing else in the engine changes when a duty is added.
 */
import { parseRetention, type RetentionOption } from "../core/retention.js";
import type { ControlStore } from "../ports/control-store.js";
import type { EventFeedStore } from "../ports/event-feed-store.js";
import type { KairosEventMap } from "../ports/events.js";
import { emitStopCarriedOut } from "./control-events.js";
import { createEventRetentionDuty, EVENT_RETENTION_MS } from "./duties/event-retention.js";
import type { RandomSource } from "../core/retry/backoff.js";
import type { Clock } from "../ports/clock.js";
import type { JobStore, NewJob } from "../ports/job-store.js";
import type { Logger } from "../ports/logger.js";
import type { ScheduleBackend } from "../ports/schedule-backend.js";
import type { HistoryDeletion, ScheduleStore, StoredSchedule } from "../ports/schedule-store.js";
import { createBackendSyncDuty } from "./duties/backend-sync.js";
import { createLeaseRecoveryDuty } from "./duties/lease-recovery.js";
import { createSettleStopsDuty } from "./duties/settle-stops.js";
import { createStartGraceDuty, START_GRACE_MS } from "./duties/start-grace.js";
import { createRetentionDuty } from "./duties/retention.js";
import { currentRetention } from "./duties/retention-policy.js";
import { createSchedulerDuty } from "./duties/scheduler.js";
import type { EventBus } from "./event-bus.js";
import type { FunctionRegistry } from "./functions.js";
import type { LeaderDuty } from "./leader-duties.js";
import { createSchedulerLoop, type SchedulerLoopOptions } from "./scheduler/scheduler-loop.js";
import type { WorkerPool } from "./worker/worker-pool.js";

/** What the duties are built from. */
export interface EngineDutyContext {
  readonly store: JobStore;
  readonly scheduleStore: ScheduleStore | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: RandomSource;
  readonly retention?: RetentionOption;
  /** Where schedules' timing lives (absent or null: the scheduler loop fires every slot). */
  readonly scheduleBackend?: ScheduleBackend | null;
  /** The event feed (absent: no feed retention). */
  readonly feedStore?: EventFeedStore | null;
  /** Stop/start control requests: recovery carries out a dead worker's pending stop. */
  readonly controlStore?: ControlStore | null;
  /** The start grace window (ms; default START_GRACE_MS). */
  readonly startGraceMs?: number;
  /** How long feed events are kept (default 1 day). */
  readonly eventRetention?: RetentionOption;
  readonly events: EventBus;
  readonly registry: FunctionRegistry;
  /** This process's worker pool, if it runs one. */
  pool(): WorkerPool | null;
  /** The split-brain guard, checked before every scheduler tick. */
  confirmLeadership(): Promise<boolean>;
  /** The job of a schedule's slot, its policy resolved. */
  buildJob(schedule: StoredSchedule, now: number): Promise<NewJob>;
  cancelJob(jobId: string): Promise<void>;
  /** A job was recovered (for the engine's counters). */
  recovered(): void;
}

/** The duties, and handles on the two the engine talks to. */
export interface EngineDuties {
  readonly duties: LeaderDuty[];
  readonly scheduler: ReturnType<typeof createSchedulerDuty> | null;
  readonly recovery: ReturnType<typeof createLeaseRecoveryDuty>;
}

/** Build the leader's duties for an engine. */
export function createLeaderDuties(
  ctx: EngineDutyContext,
  options: { readonly loop: SchedulerLoopOptions; readonly recoverIntervalMs: number },
): EngineDuties {
  const scheduler = ctx.scheduleStore ? schedulerDuty(ctx, ctx.scheduleStore, options.loop) : null;
  const control = ctx.controlStore;
  const recovery = createLeaseRecoveryDuty(
    {
      listExpired: (now, limit) => ctx.store.listExpired(now, limit),
      finalize: (requests, now) => ctx.store.finalize(requests, now),
      isRunningHere: (jobId) => ctx.pool()?.isRunningHere(jobId) ?? false,
      now: () => ctx.clock.now(),
      random: ctx.random,
      recovered: (event) => {
        ctx.recovered();
        ctx.events.emit("job:recovered", event);
        if (event.outcome === "stopped" && control) stoppedByRecovery(ctx, control, event);
      },
      due: (runAt) => ctx.pool()?.notify(runAt),
      logger: ctx.logger,
      ...(control
        ? {
            stopsRequested: (ids: readonly string[]) => control.stopsRequested(ids),
            completeStop: (id: string, token: string, now: number) =>
              control.completeStop(id, token, now),
          }
        : {}),
    },
    options.recoverIntervalMs,
  );
  const duties: LeaderDuty[] = [...(scheduler ? [scheduler] : []), recovery, retentionDuty(ctx)];
  if (ctx.scheduleBackend && ctx.scheduleStore) {
    duties.push(createBackendSyncDuty(ctx.scheduleBackend, ctx.scheduleStore, ctx.logger));
  }
  if (control) {
    const graceMs = ctx.startGraceMs ?? START_GRACE_MS;
    duties.push(
      createStartGraceDuty({
        control,
        graceMs,
        now: () => ctx.clock.now(),
        logger: ctx.logger,
        events: ctx.events,
        jobs: ctx.store,
      }),
      createSettleStopsDuty({
        control,
        now: () => ctx.clock.now(),
        logger: ctx.logger,
        intervalMs: Math.max(50, Math.min(5_000, Math.floor(graceMs / 4))),
        events: ctx.events,
      }),
    );
  }
  const feed = ctx.feedStore;
  if (feed) {
    duties.push(
      createEventRetentionDuty({
        deleteEventsBefore: (before, batch) => feed.deleteEventsBefore(before, batch),
        retentionMs:
          ctx.eventRetention === undefined
            ? EVENT_RETENTION_MS
            : parseRetention(ctx.eventRetention, "eventRetention"),
        now: () => ctx.clock.now(),
        logger: ctx.logger,
      }),
    );
  }
  return { duties, scheduler, recovery };
}

/** Lease recovery carried out a dead worker's stop: `job:stopped`, `control:resolved`. */
function stoppedByRecovery(
  ctx: EngineDutyContext,
  control: ControlStore,
  event: KairosEventMap["job:recovered"],
): void {
  const job = { id: event.jobId, fn: event.fn, attempt: event.attempt };
  emitStopCarriedOut(ctx.events, control, job, event.at, "recovery").catch((error: unknown) =>
    ctx.events.emit("worker:error", { error, at: ctx.clock.now(), where: "control-events" }),
  );
}

function schedulerDuty(
  ctx: EngineDutyContext,
  schedules: ScheduleStore,
  options: SchedulerLoopOptions,
): ReturnType<typeof createSchedulerDuty> {
  return createSchedulerDuty(() =>
    createSchedulerLoop(
      {
        schedules,
        jobs: ctx.store,
        hooks: {
          buildJob: (schedule, _slotAt, now) => ctx.buildJob(schedule, now),
          jobCreated: (job) => ctx.pool()?.notify(job.runAt),
          cancelJob: (jobId) => ctx.cancelJob(jobId),
        },
        events: ctx.events,
        clock: ctx.clock,
        logger: ctx.logger,
      },
      {
        ...options,
        // With a schedule backend the cluster fires the slots (through the fire endpoint); the
        // loop only releases buffered slots.
        ...(ctx.scheduleBackend ? { timing: "external" as const } : {}),
        confirmLeadership: () => ctx.confirmLeadership(),
      },
    ),
  );
}

function retentionDuty(ctx: EngineDutyContext): LeaderDuty {
  const { store, scheduleStore } = ctx;
  return createRetentionDuty({
    deleteFinishedJobs: (deletion) => store.deleteFinishedJobs(deletion),
    ...(scheduleStore
      ? { deleteScheduleHistory: (d: HistoryDeletion) => scheduleStore.deleteScheduleHistory(d) }
      : {}),
    retention: () =>
      currentRetention({
        defaultRetention: ctx.retention,
        defined: () => ctx.registry.all(),
        declared: async () => (scheduleStore ? scheduleStore.listFunctions() : []),
      }),
    now: () => ctx.clock.now(),
    logger: ctx.logger,
  });
}
