/**
 * @module core/schedules/plan-prefire
 * Pre-firing: an `allow_all` schedule's coming slot is written up to a lead L before it is
 * due, its job stored `scheduled` with `runAt` = the slot's due time (slot + jitter), so a
 * worker starts it at the instant instead of after the slot's write. Only `allow_all`: every
 * other overlap policy decides from the jobs active at the slot, which an early decision would
 * get wrong, so those schedules keep firing at the instant (`planTick`).
 *
 * Invariants:
 * - A pre-fire plan is one write of the cursor's slot, never a catch-up: it applies only while
 *   the slot is not yet due (`nextDueAt > now`), and `nextDueAt <= now + leadMs`. A slot
 *   already due goes through `planTick` as before.
 * - Its history entry (`fired`) is stamped `now` (up to L before the slot), its job's `runAt`
 *   is the stored `nextDueAt`, and the cursor moves to the following slot with its jitter, as
 *   `planTick` would move it at the slot.
 * - `leadMs <= 0` turns pre-firing off: `planSchedule` is then exactly `planTick`.
 * - Pure and deterministic.
 */
import {
  planTick,
  cursorAfter,
  type SlotWrite,
  type TickPlan,
  type TickSchedule,
} from "./plan-tick.js";
import type { OverlapPolicy } from "./types.js";
import { nextSlotAfter } from "./timing.js";

/** A write of the planner that pre-fires: the job starts at `runAt`, not at the write. */
export interface PrefireWrite extends SlotWrite {
  /** The job's `runAt`: the slot's due time (slot + jitter), after the write's `now`. */
  readonly runAt: number;
}

/** Options of `planSchedule`. */
export interface ScheduleTickOptions {
  /** Catch-up hard cap per schedule (as `planTick`). */
  readonly maxCatchup?: number;
  /** The pre-fire lead in ms (0 or less: off). */
  readonly leadMs?: number;
}

/** Whether a schedule with this overlap policy may be pre-fired. */
export function prefires(overlap: OverlapPolicy): boolean {
  return overlap === "allow_all";
}

/**
 * The pre-fire write of `schedule` at `now`, or null when it is not to be pre-fired (not
 * `allow_all`, lead off, no cursor, already due, or due later than `now + leadMs`).
 */
export function planPrefire(
  schedule: TickSchedule,
  now: number,
  leadMs: number,
): PrefireWrite | null {
  const { nextSlotAt, nextDueAt } = schedule;
  if (leadMs <= 0 || !prefires(schedule.overlap)) return null;
  if (nextSlotAt === null || nextDueAt === null) return null;
  if (nextDueAt <= now || nextDueAt > now + leadMs) return null;
  const following = nextSlotAfter(schedule.timing, nextSlotAt, nextSlotAt);
  return {
    slotAt: nextSlotAt,
    expectedNextSlotAt: nextSlotAt,
    next: cursorAfter(schedule, following),
    job: "fired",
    cancel: [],
    history: [{ slotAt: nextSlotAt, at: now, kind: "fired", reason: null, message: null }],
    status: "fired",
    events: [],
    runAt: nextDueAt,
  };
}

/**
 * Everything the loop decides for one schedule it read as due at `now`: the pre-fire write
 * when `planPrefire` gives one, else `planTick` (see both).
 */
export function planSchedule(
  schedule: TickSchedule,
  now: number,
  activeJobIds: readonly string[],
  options: ScheduleTickOptions = {},
): TickPlan {
  const prefire = planPrefire(schedule, now, options.leadMs ?? 0);
  if (prefire) return { writes: [prefire] };
  return planTick(
    schedule,
    now,
    activeJobIds,
    options.maxCatchup === undefined ? {} : { maxCatchup: options.maxCatchup },
  );
}

/** The `runAt` a write asks for its job (a pre-fire's), or undefined: the write's `now`. */
export function runAtOf(write: SlotWrite): number | undefined {
  return "runAt" in write && typeof write.runAt === "number" ? write.runAt : undefined;
}
