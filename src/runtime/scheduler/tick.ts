/**
 * @module runtime/scheduler/tick
 * One scheduler tick: read the due schedules, ask the core what to do with each (`planSchedule`:
 * an `allow_all` slot within the pre-fire lead is written ahead, else `planTick`),
 * hand the writes to the slot writer, then fire buffered slots whose jobs have ended
 * (`planBufferedFire`). No policy here, and no timer: the loop decides when a tick runs.
 *
 * Invariants:
 * - It reads only the due schedules (`ORDER BY next_due_at LIMIT batchSize`): the cost per fire
 *   is logarithmic in the number of schedules, never a scan of all of them.
 * - A schedule whose plan is one write without cancel orders (the common case) is deferred and
 *   written with up to YIELD_EVERY others in one flush; a multi-write plan (catch-up) is
 *   written in order, each write after the previous one settled, because a later write may
 *   cancel the job an earlier one created. A failed write abandons the rest of its plan (its
 *   cursor was moved past the due slot by the failure path).
 * - An error while handling one schedule goes to the writer's failure path; it never ends the
 *   tick or delays the other schedules.
 * - With `fireDue: false` (external timing) no due schedule is read or fired; buffered slots
 *   still fire.
 * - A schedule the capabilities `hold` (a failed pre-fire waiting for its retry) is passed
 *   over, and a batch of only such schedules does not ask for another tick at once.
 */
import { planBufferedFire } from "../../core/schedules/plan-outcomes.js";
import { planSchedule } from "../../core/schedules/plan-prefire.js";
import type { StoredJob } from "../../ports/job-store.js";
import type { StoredSchedule } from "../../ports/schedule-store.js";
import type { ResolveBlocker, SlotWriter } from "./slot-writer.js";

/** What a tick needs of an active job: its id, and for messages its state and lease. */
export type ActiveJob = Pick<StoredJob, "id" | "state" | "leaseExpiresAt">;

/** The capabilities a tick reads with (functions, not clients). */
export interface TickCapabilities {
  /** `ScheduleStore.dueSchedules`. */
  readonly dueSchedules: (now: number, limit: number) => Promise<StoredSchedule[]>;
  /** The schedule's non-terminal jobs, oldest first. */
  readonly activeJobs: (scheduleId: string) => Promise<ActiveJob[]>;
  /** `ScheduleStore.schedulesWithBufferedSlots`. */
  readonly schedulesWithBufferedSlots: (limit: number) => Promise<StoredSchedule[]>;
  readonly logError: (error: unknown, message: string) => void;
  /**
   * Whether a due schedule is to be left alone this tick (a pre-fire of its slot failed and
   * its retry has not come; `PrefireBackoff.holds`). Absent: none is.
   */
  readonly holds?: (schedule: StoredSchedule, now: number) => boolean;
}

/** Limits of a tick. */
export interface TickSettings {
  /** Schedules handled per tick at most. */
  readonly batchSize: number;
  /** Catch-up hard cap per schedule. */
  readonly maxCatchup: number;
  /**
   * Fire due slots (default true). False when timing is external (a CronJob fires each slot):
   * the tick then only fires buffered slots whose blocking jobs ended.
   */
  readonly fireDue?: boolean;
  /**
   * Pre-fire lead in ms (0 or omitted: off). `cap.dueSchedules` must then also return the
   * `allow_all` schedules due within it (the loop passes the lead to the store).
   */
  readonly leadMs?: number;
}

/**
 * Fires written per transaction and between two yields to the event loop during a burst.
 * Large enough that a second's burst of slots is fired in a few transactions (workers then
 * claim its jobs together); small enough that workers are never starved for long.
 */
export const YIELD_EVERY = 128;

/**
 * Run one tick at `now`. Resolves `{ more: true }` when the batch was full, so due schedules
 * may remain and the loop should tick again at once. Never rejects on a store error.
 */
export async function runTick(
  cap: TickCapabilities,
  writer: SlotWriter,
  settings: TickSettings,
  now: number,
): Promise<{ more: boolean }> {
  let due: StoredSchedule[] = [];
  try {
    if (settings.fireDue !== false) due = await cap.dueSchedules(now, settings.batchSize);
  } catch (error) {
    cap.logError(error, "scheduler: reading due schedules failed");
  }
  let held = 0;
  for (const [i, schedule] of due.entries()) {
    if (cap.holds?.(schedule, now)) {
      held++;
      continue;
    }
    try {
      await handleDue(cap, writer, schedule, now, settings);
    } catch (error) {
      await writer.recordFailure(schedule, error, now);
    }
    // Write the batch, then let workers start the jobs just fired instead of waiting for the
    // whole burst (store calls may be synchronous, as with SQLite). Not a timer: a yield.
    if (i % YIELD_EVERY === YIELD_EVERY - 1) {
      await writer.flush(now);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  await writer.flush(now);
  await fireBuffered(cap, writer, settings.batchSize, now);
  // A full batch of held schedules is not more work: their retry wakes the loop.
  return { more: due.length >= settings.batchSize && held < due.length };
}

/** Plan one due schedule and hand its writes to the writer. */
async function handleDue(
  cap: TickCapabilities,
  writer: SlotWriter,
  schedule: StoredSchedule,
  now: number,
  settings: TickSettings,
): Promise<void> {
  // allow_all never looks at active jobs: skip the read.
  const active = schedule.overlap === "allow_all" ? [] : await cap.activeJobs(schedule.id);
  const ids = active.map((j) => j.id);
  const { writes } = planSchedule(schedule, now, ids, {
    maxCatchup: settings.maxCatchup,
    leadMs: settings.leadMs ?? 0,
  });
  const jobBySlot = new Map<number, string>();
  const resolve = blockerResolver(active, jobBySlot);
  const [only] = writes;
  if (writes.length === 1 && only && only.cancel.length === 0) {
    await writer.defer(schedule, only, now, resolve);
    return;
  }
  for (const write of writes) {
    const jobOfSlot = (slot: number) => jobBySlot.get(slot);
    const result = await writer.writeNow(schedule, write, now, jobOfSlot, resolve);
    if (result.failed) return;
    if (result.jobId !== null) jobBySlot.set(write.slotAt, result.jobId);
  }
}

/** Fire the oldest buffered slot of each schedule whose active jobs have ended. */
async function fireBuffered(
  cap: TickCapabilities,
  writer: SlotWriter,
  limit: number,
  now: number,
): Promise<void> {
  let withBuffer: StoredSchedule[] = [];
  try {
    withBuffer = await cap.schedulesWithBufferedSlots(limit);
  } catch (error) {
    cap.logError(error, "scheduler: reading buffered schedules failed");
    return;
  }
  for (const schedule of withBuffer) {
    try {
      if (schedule.bufferedSlots.length === 0 || schedule.nextSlotAt === null) continue;
      const active = (await cap.activeJobs(schedule.id)).map((j) => j.id);
      const write = planBufferedFire(schedule, active, now);
      if (write) await writer.writeNow(schedule, write, now, () => undefined);
    } catch (error) {
      await writer.recordFailure(schedule, error, now);
    }
  }
}

/** Names the job an overlap skip reports: an active job as read, or one this plan fired. */
function blockerResolver(
  active: readonly ActiveJob[],
  jobBySlot: ReadonlyMap<number, string>,
): ResolveBlocker {
  const byId = new Map(active.map((j) => [j.id, j]));
  return (target) => {
    if ("jobId" in target) {
      const job = byId.get(target.jobId);
      return {
        jobId: target.jobId,
        state: job?.state ?? null,
        leaseExpiresAt: job?.leaseExpiresAt ?? null,
      };
    }
    const jobId = jobBySlot.get(target.jobOfSlot);
    return jobId === undefined ? undefined : { jobId, state: null, leaseExpiresAt: null };
  };
}
