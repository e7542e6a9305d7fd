/**
 * @module runtime/scheduler/slot-writer
 * Performs the slot writes the core planned (`planTick`, `plan-outcomes`) and reports what
 * happened. It owns no policy: every record it writes comes from a core decision.
 *
 * Invariants:
 * - One fire path: every write reaches the store through `commit`, which uses the batched
 *   `fireSlots` when the store has it (one transaction per flush) and `fireSlot` otherwise; a
 *   write that throws becomes a `failed` outcome either way, so both paths settle alike.
 * - One queue-full path: a write whose job is refused with QueueFullError is written again as
 *   `planQueueFull` says (no job, `skipped`/`queue_full`, a `schedule:skipped` event).
 * - One failure path: `recordFailure` emits `schedule:error`, records the error on the
 *   schedule and moves its cursor past the due slot (`planAfterFailure`); it never throws, so a
 *   failing schedule cannot stop the loop or delay the others.
 * - A job that cannot be built is recorded (`schedule:error`, `recordError`) and its write is
 *   replaced by `planBuildFailure`; the cursor still moves.
 * - Events of a write (`schedule:missed`, `schedule:skipped`, `schedule:fired`) are emitted
 *   only once it applied (or hit an existing job for the slot), never for a stale write.
 * - A pre-fire write (core/schedules/plan-prefire) gets its job's `runAt` from the plan (the
 *   slot's due time), so the job waits `scheduled` for its slot; every other job runs at once.
 * - A pre-fire write that fails (a store error) does not take the failure path (its slot is
 *   not due, so the cursor stays): the schedule is held by the PrefireBackoff until its retry,
 *   only the slot's first failure is reported (`schedule:error`, `recordError`), and at its
 *   due time the slot fires through the normal path.
 * - Deferred writes (`defer`) carry no cancel orders and are written at the next `flush`;
 *   `writeNow` performs a write's cancel orders first, then writes it alone.
 */
import { QueueFullError } from "../../core/errors.js";
import { scheduleSlotOrigin } from "../../core/jobs/origin.js";
import {
  planAfterFailure,
  planBuildFailure,
  planQueueFull,
} from "../../core/schedules/plan-outcomes.js";
import { runAtOf } from "../../core/schedules/plan-prefire.js";
import type { CancelTarget, SlotWrite } from "../../core/schedules/plan-tick.js";
import type { PrefireBackoff } from "./prefire-backoff.js";
import type { KairosEventMap, KairosEventName } from "../../ports/events.js";
import type { NewJob, StoredJob } from "../../ports/job-store.js";
import type {
  FireSlotBatchOutcome,
  FireSlotOutcome,
  FireSlotRequest,
  StoredSchedule,
} from "../../ports/schedule-store.js";

/** The capabilities the writer is handed (functions, not clients). */
export interface SlotWriterCapabilities {
  /** `ScheduleStore.fireSlot`. */
  readonly fireSlot: (request: FireSlotRequest) => Promise<FireSlotOutcome>;
  /** `ScheduleStore.fireSlots`, when the store has it. */
  readonly fireSlots?: (requests: readonly FireSlotRequest[]) => Promise<FireSlotBatchOutcome[]>;
  /** `ScheduleStore.recordError`. */
  readonly recordError: (scheduleId: string, message: string, now: number) => Promise<void>;
  /** The job for a slot (its policy resolved and stamped); may reject. */
  readonly buildJob: (schedule: StoredSchedule, slotAt: number, now: number) => Promise<NewJob>;
  /** Cancel an active job (overlap policies cancel_other / terminate_other). */
  readonly cancelJob: (jobId: string) => Promise<void>;
  /** A job was created by a write. */
  readonly jobCreated: (job: StoredJob) => void;
  readonly emit: <E extends KairosEventName>(name: E, event: KairosEventMap[E]) => void;
  readonly logError: (error: unknown, message: string, schedule: string) => void;
  /** Where failed pre-fires are remembered (absent: a failed pre-fire takes the failure path). */
  readonly prefireBackoff?: PrefireBackoff;
}

/** What became of one write: the job it created, and whether it failed (abandon the rest). */
export interface WriteResult {
  readonly jobId: string | null;
  readonly failed: boolean;
}

/** The job an overlap skip names, as `schedule:skipped` reports it. */
export type Blocker = NonNullable<KairosEventMap["schedule:skipped"]["blockedBy"]>;
/** Resolves the job a skip names (a CancelTarget of the plan); undefined: none known. */
export type ResolveBlocker = (target: CancelTarget) => Blocker | undefined;

interface Prepared {
  readonly schedule: StoredSchedule;
  readonly write: SlotWrite;
  readonly request: FireSlotRequest;
  readonly resolve?: ResolveBlocker | undefined;
}

/** Writes planned slot writes through the store; see the module header. */
export class SlotWriter {
  private pending: Prepared[] = [];

  constructor(private readonly cap: SlotWriterCapabilities) {}

  /**
   * Queue a write (without cancel orders) for the next `flush`; builds its job now. `resolve`
   * names the job an overlap skip of the write reports.
   */
  async defer(
    schedule: StoredSchedule,
    write: SlotWrite,
    now: number,
    resolve?: ResolveBlocker,
  ): Promise<void> {
    if (write.cancel.length > 0) throw new Error("a write with cancel orders cannot be deferred");
    this.pending.push({ ...(await this.prepare(schedule, write, now)), resolve });
  }

  /** Write every deferred write (one transaction when the store batches) and settle each. */
  async flush(now: number): Promise<void> {
    const items = this.pending;
    this.pending = [];
    await this.commit(items, now);
  }

  /**
   * Perform `write`'s cancel orders, then write it alone. `jobOfSlot` resolves a cancel order
   * naming a job fired earlier in the same plan (undefined: none was created; skipped);
   * `resolve` as for `defer`.
   */
  async writeNow(
    schedule: StoredSchedule,
    write: SlotWrite,
    now: number,
    jobOfSlot: (slotAt: number) => string | undefined,
    resolve?: ResolveBlocker,
  ): Promise<WriteResult> {
    const cancelled = [];
    for (const order of write.cancel) {
      const id = "jobId" in order.target ? order.target.jobId : jobOfSlot(order.target.jobOfSlot);
      if (id === undefined) continue;
      await this.cap.cancelJob(id);
      cancelled.push(order.entry);
    }
    const performed = { ...write, history: [...cancelled, ...write.history] };
    const prepared = { ...(await this.prepare(schedule, performed, now)), resolve };
    const [result] = await this.commit([prepared], now);
    return result ?? { jobId: null, failed: true };
  }

  /**
   * The failure path: report `error` on the schedule and move its cursor past the due slot.
   * Never throws (a failure to record is logged).
   */
  async recordFailure(schedule: StoredSchedule, error: unknown, now: number): Promise<void> {
    this.cap.logError(error, "scheduler: firing failed; recorded", schedule.name);
    try {
      await this.report(schedule, messageOf(error), now);
      const write = planAfterFailure(schedule, now);
      if (!write) return;
      const [outcome] = await this.store([toRequest(schedule, write, null, now)]);
      if (outcome?.kind === "failed") throw outcome.error;
    } catch (inner) {
      this.cap.logError(inner, "scheduler: recording a failure failed", schedule.name);
    }
  }

  /** A pre-fire write failed: hold the schedule until its retry; report the slot's first. */
  private async prefireFailed(
    schedule: StoredSchedule,
    slotAt: number,
    dueAt: number,
    error: unknown,
    now: number,
  ): Promise<void> {
    this.cap.logError(error, "scheduler: pre-firing failed; retried later", schedule.name);
    if (!this.cap.prefireBackoff?.failed(schedule.id, slotAt, dueAt, now)) return;
    try {
      await this.report(schedule, messageOf(error), now);
    } catch (inner) {
      this.cap.logError(inner, "scheduler: recording a failure failed", schedule.name);
    }
  }

  /** Build the write's job; a build failure is reported and the write replaced by the core's. */
  private async prepare(
    schedule: StoredSchedule,
    write: SlotWrite,
    now: number,
  ): Promise<Prepared> {
    if (write.job === null)
      return { schedule, write, request: toRequest(schedule, write, null, now) };
    let job: NewJob;
    try {
      job = await this.cap.buildJob(schedule, write.slotAt, now);
    } catch (error) {
      const message = messageOf(error);
      await this.report(schedule, message, now);
      const failed = planBuildFailure(write, message, now);
      return { schedule, write: failed, request: toRequest(schedule, failed, null, now) };
    }
    // A pre-fire's job waits for its slot: `runAt` = the slot's due time, stored `scheduled`.
    const runAt = runAtOf(write);
    const request = toRequest(
      schedule,
      write,
      {
        ...job,
        ...(runAt === undefined ? {} : { runAt }),
        origin: scheduleSlotOrigin(schedule.id, write.slotAt),
      },
      now,
    );
    return { schedule, write, request };
  }

  private async commit(items: readonly Prepared[], now: number): Promise<WriteResult[]> {
    if (items.length === 0) return [];
    const outcomes = await this.store(items.map((i) => i.request));
    const results: WriteResult[] = [];
    for (const [i, item] of items.entries()) {
      const outcome = outcomes[i] ?? {
        kind: "failed",
        error: new Error("the store returned no outcome"),
      };
      results.push(await this.settle(item, outcome, now));
    }
    return results;
  }

  /** The store call of every write: batched when possible; throws become `failed` outcomes. */
  private async store(requests: readonly FireSlotRequest[]): Promise<FireSlotBatchOutcome[]> {
    const { fireSlots, fireSlot } = this.cap;
    if (fireSlots) {
      try {
        return await fireSlots(requests);
      } catch (error) {
        return requests.map(() => ({ kind: "failed", error }));
      }
    }
    const outcomes: FireSlotBatchOutcome[] = [];
    for (const request of requests) {
      try {
        outcomes.push(await fireSlot(request));
      } catch (error) {
        outcomes.push({ kind: "failed", error });
      }
    }
    return outcomes;
  }

  private async settle(
    item: Prepared,
    outcome: FireSlotBatchOutcome,
    now: number,
  ): Promise<WriteResult> {
    const { schedule, write } = item;
    switch (outcome.kind) {
      case "applied":
        if (runAtOf(write) !== undefined) this.cap.prefireBackoff?.succeeded(schedule.id);
        if (outcome.job) {
          this.cap.jobCreated(outcome.job);
          this.cap.emit("schedule:fired", {
            schedule: schedule.name,
            slotAt: write.slotAt,
            jobId: outcome.job.id,
            catchUp: write.job === "caught_up",
            at: now,
          });
        }
        this.emitAll(item, now);
        return { jobId: outcome.job?.id ?? null, failed: false };
      case "duplicate_slot":
        this.emitAll(item, now);
        return { jobId: null, failed: false };
      case "stale":
        return { jobId: null, failed: false };
      case "failed": {
        if (outcome.error instanceof QueueFullError && write.job !== null) {
          const skipped = planQueueFull(write, outcome.error.message, now);
          const prepared = {
            schedule,
            write: skipped,
            request: toRequest(schedule, skipped, null, now),
          };
          const [result] = await this.commit([prepared], now);
          return { jobId: null, failed: result?.failed ?? true };
        }
        const dueAt = runAtOf(write);
        if (dueAt !== undefined && this.cap.prefireBackoff) {
          await this.prefireFailed(schedule, write.slotAt, dueAt, outcome.error, now);
        } else {
          await this.recordFailure(schedule, outcome.error, now);
        }
        return { jobId: null, failed: true };
      }
      default: {
        const never: never = outcome;
        throw new Error(`unreachable fire outcome ${JSON.stringify(never)}`);
      }
    }
  }

  private emitAll({ schedule, write, resolve }: Prepared, now: number): void {
    for (const event of write.events) {
      const { name, slotAt, reason } = event;
      if (name === "schedule:missed") {
        this.cap.emit(name, { schedule: schedule.name, slotAt, reason, at: now });
      } else {
        const blockedBy = event.blockedBy && resolve?.(event.blockedBy);
        this.cap.emit(name, {
          schedule: schedule.name,
          slotAt,
          reason,
          at: now,
          ...(blockedBy ? { blockedBy } : {}),
        });
      }
    }
  }

  /** Emit `schedule:error` and record the message on the schedule (history + lastError). */
  private async report(schedule: StoredSchedule, message: string, now: number): Promise<void> {
    this.cap.emit("schedule:error", { schedule: schedule.name, message, at: now });
    await this.cap.recordError(schedule.id, message, now);
  }
}

/** The store request of a planned write. */
function toRequest(
  schedule: StoredSchedule,
  write: SlotWrite,
  job: FireSlotRequest["job"],
  now: number,
): FireSlotRequest {
  return {
    scheduleId: schedule.id,
    expectedNextSlotAt: write.expectedNextSlotAt,
    slotAt: write.slotAt,
    job,
    next: write.next,
    history: write.history,
    ...(write.bufferedSlots ? { bufferedSlots: write.bufferedSlots } : {}),
    status: write.status,
    now,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
