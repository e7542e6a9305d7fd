/**
 * @module stores/schedule-prefire
 * The store rules of pre-firing shared by both adapters (ports/schedule-store, "Pre-fired
 * jobs"): which fire request pre-fires, and the lead a due read accepts.
 */
import { ValidationError } from "../core/errors.js";

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
