/**
 * @module core/schedules/plan-outcomes
 * The slot writes the scheduler loop makes outside the planned path of a tick, as decisions:
 * firing a buffered slot once the schedule's jobs have ended, and the write that replaces a
 * planned one when its job was refused (queue full), could not be built, or handling the
 * schedule failed unexpectedly.
 *
 * Invariants: every result keeps the write's compare-and-set cursor (`expectedNextSlotAt`), so
 * it applies only if no other process handled the slot; none creates a job except
 * `planBufferedFire`; a refused or failed slot always moves the cursor on (or empties its
 * buffer place), so one bad slot cannot wedge a schedule. Pure and deterministic.
 */
import { cursorAfter, type Cursor, type SlotWrite, type TickSchedule } from "./plan-tick.js";
import type { HistoryDraft } from "./reasons.js";
import { nextSlotAfter } from "./timing.js";

/**
 * The write that fires the oldest buffered slot once the schedule has no active job, or null
 * (nothing buffered, jobs still active, or the schedule never fires again). The cursor does
 * not move; the slot leaves the buffer.
 */
export function planBufferedFire(
  schedule: TickSchedule,
  activeJobIds: readonly string[],
  now: number,
): SlotWrite | null {
  const [oldest, ...rest] = schedule.bufferedSlots;
  if (oldest === undefined || schedule.nextSlotAt === null || activeJobIds.length > 0) return null;
  return {
    slotAt: oldest,
    expectedNextSlotAt: schedule.nextSlotAt,
    next: { nextSlotAt: schedule.nextSlotAt, nextDueAt: schedule.nextDueAt },
    job: "from_buffer",
    cancel: [],
    history: [{ slotAt: oldest, at: now, kind: "fired", reason: "from_buffer", message: null }],
    bufferedSlots: rest,
    status: "fired",
    events: [],
  };
}

/**
 * The same write when its job was refused because the queue is full: no job, the fire entry
 * replaced by `skipped`/`queue_full`, a `schedule:skipped` event. The cursor moves as planned.
 */
export function planQueueFull(write: SlotWrite, message: string, now: number): SlotWrite {
  return {
    ...write,
    job: null,
    history: [
      ...withoutFireEntry(write),
      { slotAt: write.slotAt, at: now, kind: "skipped", reason: "queue_full", message },
    ],
    status: "skipped",
    events: [
      ...write.events,
      { name: "schedule:skipped", slotAt: write.slotAt, reason: "queue_full" },
    ],
  };
}

/**
 * The same write when its job could not be built (e.g. a concurrency-key function threw): no
 * job, the fire entry replaced by `error`/`build_failed`, status `error`; the cursor moves on
 * so the schedule is not wedged on the slot.
 */
export function planBuildFailure(write: SlotWrite, message: string, now: number): SlotWrite {
  return {
    ...write,
    job: null,
    history: [
      ...withoutFireEntry(write),
      { slotAt: write.slotAt, at: now, kind: "error", reason: "build_failed", message },
    ],
    status: "error",
  };
}

/**
 * After an unexpected failure while handling a due schedule: the write that moves its cursor
 * past `now` with status `error` (no job, no entry: the error itself is recorded separately),
 * so a schedule that keeps failing cannot wedge the loop. Null when its cursor is not due.
 */
export function planAfterFailure(schedule: TickSchedule, now: number): SlotWrite | null {
  const start = schedule.nextSlotAt;
  if (start === null || start > now) return null;
  let following: number | null;
  try {
    following = nextSlotAfter(schedule.timing, now);
  } catch {
    following = null; // an invalid timing: stop firing rather than fail every tick
  }
  let next: Cursor;
  try {
    next = cursorAfter(schedule, following);
  } catch {
    next = { nextSlotAt: following, nextDueAt: following };
  }
  return {
    slotAt: start,
    expectedNextSlotAt: start,
    next,
    job: null,
    cancel: [],
    history: [],
    status: "error",
    events: [],
  };
}

function withoutFireEntry(write: SlotWrite): HistoryDraft[] {
  return write.history.filter(
    (e) => !(e.slotAt === write.slotAt && (e.kind === "fired" || e.kind === "caught_up")),
  );
}
