/**
 * @module core/cron/previous
 * The latest fire of a cron schedule at or before an instant, found by searching with
 * `nextCronFire` (so it obeys the same DST rule) instead of walking every fire: a gallop back
 * from the instant, then bisection. Cost: O(log(distance to that fire / 1 s)) calls of
 * `nextCronFire` — about 100 for a fire a year back, whatever the schedule's frequency.
 * (croner has `previousRuns`, but only in its own timezone mode, whose DST handling Kairos
 * replaces.)
 */
import { ValidationError } from "../errors.js";
import { nextCronFire } from "./next.js";

/**
 * The latest fire instant f of the cron expression in `timezone` with
 * `notBeforeMs <= f <= atOrBeforeMs`, or null if there is none. Instants are integer ms.
 * Throws CronError for an invalid expression or timezone.
 */
export function previousCronFire(
  expr: string,
  timezone: string,
  atOrBeforeMs: number,
  notBeforeMs: number,
): number | null {
  if (!Number.isFinite(atOrBeforeMs) || !Number.isFinite(notBeforeMs)) {
    throw new ValidationError("previousCronFire needs finite instants");
  }
  const next = (t: number): number | null => nextCronFire(expr, timezone, t);
  const dueBy = (f: number | null): f is number => f !== null && f <= atOrBeforeMs;
  if (atOrBeforeMs < notBeforeMs) {
    next(atOrBeforeMs); // still validate the expression and timezone
    return null;
  }
  const floor = notBeforeMs - 1;
  // Gallop back: find lo with next(lo) <= atOrBefore; hi keeps next(hi) > atOrBefore.
  let hi = atOrBeforeMs;
  let lo = hi;
  for (let step = 1_000; ; step *= 4) {
    const candidate = Math.max(atOrBeforeMs - step, floor);
    if (dueBy(next(candidate))) {
      lo = candidate;
      break;
    }
    if (candidate === floor) return null;
    hi = candidate;
  }
  // Bisect, jumping lo to each fire found: next(lo) <= atOrBefore < next(hi).
  for (;;) {
    const f = next(lo);
    if (!dueBy(f)) throw new Error("unreachable: previousCronFire lost its lower bound");
    const after = next(f);
    if (!dueBy(after)) return f;
    lo = f;
    const mid = lo + Math.floor((hi - lo) / 2);
    if (mid > lo) {
      if (dueBy(next(mid))) lo = mid;
      else hi = mid;
    }
  }
}
