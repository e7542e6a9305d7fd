/**
 * @module core/cron/next
 * The next fire instant of a cron schedule in an IANA timezone.
 *
 * The expression is matched against local wall time. Where daylight saving makes a wall time
 * happen zero or two times, Kairos follows Vixie cron:
 *
 * - Spring forward (a gap): a fixed-time schedule whose wall time falls in the gap fires once,
 *   at the first instant after the jump (`30 2 * * *` in America/New_York on 2026-03-08 fires
 *   at 03:00 EDT = 07:00Z). If the wall time at that instant matches too, it is the same fire.
 * - Fall back (an overlap): a fixed-time schedule fires once, at the first occurrence
 *   (`30 1 * * *` on 2026-11-01 in New York fires at 01:30 EDT = 05:30Z, not at 01:30 EST).
 * - A schedule that runs every hour or more often (the hour field is `*`, a step or all 24
 *   hours, or the minute/second fields match several values: `ParsedCron.followsElapsedTime`)
 *   follows real elapsed time: wall times in a gap do not exist and are not fired, and wall
 *   times in an overlap fire at both occurrences. `0 * * * *` across the 2026-11-01 fall-back
 *   in New York fires at 05:00Z, 06:00Z, 07:00Z (every real hour), and across spring-forward
 *   fires 06:00Z, 07:00Z with no duplicate.
 *
 * What croner 10.0.1 does on its own (and why Kairos does not use its timezone mode): in a gap
 * it fires at the matching minute after the jump (03:30 EDT, not 03:00); in an overlap it
 * drops the second occurrence of hourly schedules (a lost real hour); across spring-forward
 * `nextRuns` lists the first instant after the jump twice (a duplicate fire). Kairos asks
 * croner only for wall times (fixed offset 0, pure calendar arithmetic) and maps them to
 * instants itself.
 *
 * Cost: one croner call and a few Intl calls; a few more near a transition.
 */
import { compileCron, type CompiledCron } from "./compile.js";
import { assertTimeZone, MAX_SHIFT_MS, offsetAt, resolveWall, transitionIn } from "./time-zone.js";
import { ValidationError } from "../errors.js";

/**
 * The first fire instant strictly after `afterMs` (ms since epoch) of the cron expression in
 * `timezone`, per the DST rule above, or null if it never fires again (croner's horizon is the
 * year 3000). Throws CronError for an invalid expression or timezone. Deterministic: the same
 * arguments always give the same answer.
 */
export function nextCronFire(expr: string, timezone: string, afterMs: number): number | null {
  const cron = compileCron(expr);
  assertTimeZone(timezone, expr);
  if (!Number.isFinite(afterMs)) {
    throw new ValidationError(
      `afterMs must be a finite number of ms since the epoch, got ${String(afterMs)}`,
    );
  }
  const offset = offsetAt(timezone, afterMs);
  const main = firstFireFromWall(cron, timezone, afterMs, afterMs + offset);
  if (!cron.parsed.followsElapsedTime) return main;
  const repeat = secondOccurrenceAhead(cron, timezone, afterMs, offset);
  if (repeat === null) return main;
  return main === null ? repeat : Math.min(main, repeat);
}

/**
 * Scan wall times after `fromWall` in order; the first one that yields an instant after
 * `afterMs` gives the answer (instants grow with wall times once the repeated first pass of an
 * overlap is behind `afterMs`; the other case is `secondOccurrenceAhead`).
 */
function firstFireFromWall(
  cron: CompiledCron,
  timezone: string,
  afterMs: number,
  fromWall: number,
): number | null {
  const elapsed = cron.parsed.followsElapsedTime;
  let cursor = fromWall;
  for (;;) {
    const wall = cron.nextWall(cursor);
    if (wall === null) return null;
    const at = resolveWall(timezone, wall);
    switch (at.kind) {
      case "normal":
        if (at.instant > afterMs) return at.instant;
        cursor = wall;
        break;
      case "overlap": {
        const candidates = elapsed ? at.instants : at.instants.slice(0, 1);
        const hit = candidates.find((t) => t > afterMs);
        if (hit !== undefined) return hit;
        cursor = wall;
        break;
      }
      case "gap":
        if (!elapsed && at.transition > afterMs) return at.transition;
        // Skip the rest of the gap: no wall time in it exists.
        cursor = Math.max(wall, at.resumesAtWall - 1);
        break;
      default: {
        const never: never = at;
        throw new Error(`unreachable: ${String(never)}`);
      }
    }
  }
}

/**
 * For schedules that follow elapsed time: when clocks are set back within the next shift,
 * wall times already passed (before `afterMs`'s wall time) happen again after the transition.
 * Returns the first such second occurrence, or null.
 */
function secondOccurrenceAhead(
  cron: CompiledCron,
  timezone: string,
  afterMs: number,
  offset: number,
): number | null {
  const later = offsetAt(timezone, afterMs + MAX_SHIFT_MS);
  if (later >= offset) return null;
  const shift = offset - later;
  // Only when the transition comes within one shift is any wall time at or before ours repeated.
  if (offsetAt(timezone, afterMs + shift) === offset) return null;
  const transition = transitionIn(timezone, afterMs, afterMs + shift);
  const wall = cron.nextWall(transition + later - 1);
  if (wall === null || wall > afterMs + offset) return null;
  return wall - later;
}
