/**
 * @module core/schedules/timing
 * Slot arithmetic for the three kinds of schedule timing: `cron` (in its IANA timezone, with
 * the DST rule of `core/cron/next`), `every` (fixed interval, slots aligned to an anchor
 * instant, computed arithmetically) and `at` (one instant). A slot is the nominal fire instant
 * in ms since the epoch; every function here is pure and takes time as a parameter.
 */
import { countCronFires } from "../cron/count.js";
import { nextCronFire } from "../cron/next.js";
import { validateCron } from "../cron/parse.js";
import { previousCronFire } from "../cron/previous.js";
import { ValidationError } from "../errors.js";
import type { ScheduleTiming } from "./types.js";

/** The shortest interval an `every` schedule may have: 1 s (cron's own resolution). */
export const MIN_EVERY_MS = 1_000;

/**
 * Throws ValidationError (CronError for cron) unless the timing is usable: a valid cron
 * expression and IANA timezone; `everyMs` a whole number of ms >= 1 s; `at` a finite instant.
 */
export function validateTiming(timing: ScheduleTiming): void {
  switch (timing.kind) {
    case "cron":
      validateCron(timing.cron, timing.timezone);
      return;
    case "every":
      if (!Number.isSafeInteger(timing.everyMs) || timing.everyMs < MIN_EVERY_MS) {
        throw new ValidationError(
          `every must be a whole number of milliseconds of at least ${MIN_EVERY_MS} (1s), got ${String(timing.everyMs)}`,
        );
      }
      return;
    case "at":
      if (!Number.isFinite(timing.at)) {
        throw new ValidationError(
          `at must be a finite instant (ms since the epoch), got ${String(timing.at)}`,
        );
      }
      return;
    default: {
      const never: never = timing;
      throw new ValidationError(`unknown schedule timing ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The first slot strictly after `afterMs`, or null if there is none. `every` slots are
 * `anchorMs + k * everyMs` (default anchor 0, the epoch: `every: 30s` fires at :00 and :30);
 * `at` returns its instant if it is after `afterMs`.
 */
export function nextSlotAfter(
  timing: ScheduleTiming,
  afterMs: number,
  anchorMs = 0,
): number | null {
  switch (timing.kind) {
    case "cron":
      return nextCronFire(timing.cron, timing.timezone, afterMs);
    case "every":
      return anchorMs + (Math.floor((afterMs - anchorMs) / timing.everyMs) + 1) * timing.everyMs;
    case "at":
      return timing.at > afterMs ? timing.at : null;
    default: {
      const never: never = timing;
      throw new ValidationError(`unknown schedule timing ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The latest slot s with `notBeforeMs <= s <= atOrBeforeMs`, or null. O(1) for `every` and
 * `at`; for cron O(log distance) next-fire calls (see `core/cron/previous`).
 */
export function lastSlotAtOrBefore(
  timing: ScheduleTiming,
  atOrBeforeMs: number,
  notBeforeMs: number,
  anchorMs = 0,
): number | null {
  if (atOrBeforeMs < notBeforeMs) return null;
  switch (timing.kind) {
    case "cron":
      return previousCronFire(timing.cron, timing.timezone, atOrBeforeMs, notBeforeMs);
    case "every": {
      const s = anchorMs + Math.floor((atOrBeforeMs - anchorMs) / timing.everyMs) * timing.everyMs;
      return s >= notBeforeMs ? s : null;
    }
    case "at":
      return timing.at >= notBeforeMs && timing.at <= atOrBeforeMs ? timing.at : null;
    default: {
      const never: never = timing;
      throw new ValidationError(`unknown schedule timing ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The number of slots s with `afterMs < s <= untilMs`. O(1) for `every` and `at`; for cron
 * O(days in the range) (see `core/cron/count`), never O(slots).
 */
export function countSlots(
  timing: ScheduleTiming,
  afterMs: number,
  untilMs: number,
  anchorMs = 0,
): number {
  if (!(untilMs > afterMs)) return 0;
  switch (timing.kind) {
    case "cron":
      return countCronFires(timing.cron, timing.timezone, afterMs, untilMs);
    case "every": {
      const upTo = (t: number): number => Math.floor((t - anchorMs) / timing.everyMs);
      return upTo(untilMs) - upTo(afterMs);
    }
    case "at":
      return timing.at > afterMs && timing.at <= untilMs ? 1 : 0;
    default: {
      const never: never = timing;
      throw new ValidationError(`unknown schedule timing ${JSON.stringify(never)}`);
    }
  }
}
