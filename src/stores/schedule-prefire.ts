/**
 * @module stores/schedule-prefire
 * The store rules of pre-firing shared by both adapters (ports/schedule-store, "Pre-fired
 * jobs"): which fire request pre-fires, the lead a due read accepts, and the cursor an update
 * of the jitter alone leaves.
 */
import { ValidationError } from "../core/errors.js";
import { cursorAfter } from "../core/schedules/plan-tick.js";
import type { ScheduleDeclaration, ScheduleRuntimeInit } from "../ports/schedule-store.js";

/**
 * Whether a fire request pre-fires its slot: it carries a job due after the request's `now`
 * (the loop wrote an `allow_all` slot ahead). Such a request applies only while the schedule
 * is enabled, on every store.
 */
export function prefires(request: {
  readonly job: { readonly runAt: number } | null;
  readonly now: number;
}): boolean {
  return request.job !== null && request.job.runAt > request.now;
}

/**
 * The pre-fire lead a caller passes to `dueSchedules`/`nextDueAt`: omitted or 0 means none; a
 * negative, fractional or non-finite value is a ValidationError.
 */
export function checkLead(leadMs: number | undefined): number {
  if (leadMs === undefined) return 0;
  if (!Number.isSafeInteger(leadMs) || leadMs < 0) {
    throw new ValidationError(`leadMs must be an integer >= 0 (ms), got ${String(leadMs)}`);
  }
  return leadMs;
}

/**
 * The cursor after an `update_schedule` that cancelled pre-fired jobs and changes `jitterMs`
 * without giving a cursor: the slot the cancel moved the cursor back to, due at that slot plus
 * the NEW jitter (core `cursorAfter`, as the loop computes every jittered due time). So a slot
 * written ahead under the old jitter fires again at its new due time, as after any other
 * update it fires again under the new definition. (Nothing cancelled: the cursor is kept and
 * the new jitter applies from the next slot, as before pre-firing.)
 */
export function rejittered(
  schedule: Pick<
    ScheduleDeclaration,
    "timing" | "overlap" | "bufferLimit" | "catchup" | "catchupWindowMs" | "jitterMs"
  > & { readonly id: string },
  nextSlotAt: number | null,
): ScheduleRuntimeInit {
  return cursorAfter(
    { ...schedule, nextSlotAt, nextDueAt: nextSlotAt, bufferedSlots: [] },
    nextSlotAt,
  );
}
