/**
 * @module core/schedules/plan-due
 * Which slots of a schedule run now, after the scheduler wakes up (on time, or after
 * downtime), and which are recorded as missed and why. A decision only: the runtime creates
 * the jobs and writes the history, atomically with moving the cursor.
 *
 * The due slots are `nextSlotAt` (the stored cursor) and every later slot up to `now`. The
 * latest due slot is "on time" when `now - slot <= onTimeMs`; it then fires as `fired`
 * whatever the policy. The others were missed during downtime, and the catch-up policy says:
 *
 * - `skip`: none of them runs (missed, `catchup_skip`).
 * - `latest`: only the latest due slot runs (`caught_up` unless on time); the rest are missed
 *   (`catchup_skip`).
 * - `all`: slots within `catchupWindowMs` of now run as `caught_up`, oldest first; older ones
 *   are missed (`outside_catchup_window`). If more than `maxCatchup` would be caught up, a
 *   warning is returned and only the latest slot runs; the rest of the window is missed
 *   (`catchup_cap`), as the Kubernetes CronJob controller does past 100 missed starts.
 *
 * The slots that run are always the newest due slots, so the missed ones are the oldest: the
 * first `maxRecorded` of them are listed one by one and the rest are summarised as one block
 * in `missedUnrecorded` (count, first, last).
 *
 * Cost bound, whatever the length of the outage: at most `maxRecorded + maxCatchup + 3` next-slot
 * steps, plus for cron two searches for a latest slot (O(log outage) steps, see
 * `core/cron/previous`) and up to two counts (O(days), see `core/cron/count`); `every` and `at`
 * are O(1) apart from the listed slots. A year-long outage of an every-second schedule is
 * planned in well under a millisecond.
 */
import { ValidationError } from "../errors.js";
import type { CatchupPolicy, ScheduleTiming } from "./types.js";
import type { MissedReason } from "./reasons.js";
import { countSlots, lastSlotAtOrBefore, nextSlotAfter, validateTiming } from "./timing.js";

/** Hard cap on slots caught up at once (`all`), unless the caller gives `maxCatchup`. */
export const DEFAULT_MAX_CATCHUP = 100;
/** A slot at most this late (ms) is on time, unless the caller gives `onTimeMs`. */
export const DEFAULT_ON_TIME_MS = 60_000;
/** Missed slots listed one by one before the rest are summarised, unless `maxRecorded` is given. */
export const DEFAULT_MAX_RECORDED = 100;

/** What `planDueSlots` needs: the schedule's timing and policy, its cursor, and the time. */
export interface PlanDueInput {
  readonly timing: ScheduleTiming;
  /** The stored cursor: the first slot not yet handled. */
  readonly nextSlotAt: number;
  readonly now: number;
  readonly catchup: CatchupPolicy;
  /** For `all`: only slots with `now - slot <= catchupWindowMs` are caught up. */
  readonly catchupWindowMs: number;
  /** For `all`: at most this many slots are caught up at once (default 100). */
  readonly maxCatchup?: number;
  /** A slot with `now - slot <= onTimeMs` is on time (default 60 000). */
  readonly onTimeMs?: number;
  /** Missed slots listed individually (default 100); older ones are summarised. */
  readonly maxRecorded?: number;
}

/** A slot to run now. */
export interface DueFire {
  readonly slotAt: number;
  /** `fired` when on time, `caught_up` when run late after downtime. */
  readonly kind: "fired" | "caught_up";
}

/** Why a due slot does not run (defined with the other stable reasons). */
export type { MissedReason } from "./reasons.js";

/** A slot that does not run, to be recorded in the schedule's history. */
export interface MissedSlot {
  readonly slotAt: number;
  readonly reason: MissedReason;
}

/** Missed slots not listed one by one: `count` slots from `from` to `to` (both slots). */
export interface MissedSummary {
  readonly count: number;
  readonly from: number;
  readonly to: number;
}

/** The decision: what runs, what is recorded as missed, and the cursor afterwards. */
export interface DuePlan {
  /** Slots to run now, oldest first. */
  readonly fire: DueFire[];
  /** Missed slots listed individually, oldest first (all older than every slot in `fire`). */
  readonly missed: MissedSlot[];
  /** The missed slots after those in `missed` (and before `fire`), or null if none. */
  readonly missedUnrecorded: MissedSummary | null;
  /** Human-readable warnings to record (e.g. the catch-up cap was hit). */
  readonly warnings: string[];
  /** The new cursor: the first slot strictly after `now` (null: never again). */
  readonly nextSlotAt: number | null;
}

/**
 * Decide which due slots fire and which are missed (see the module header for the rules).
 * Deterministic and pure; throws ValidationError for a bad timing or bad numbers.
 */
export function planDueSlots(input: PlanDueInput): DuePlan {
  const { timing, now, catchup, catchupWindowMs } = input;
  const maxCatchup = input.maxCatchup ?? DEFAULT_MAX_CATCHUP;
  const onTimeMs = input.onTimeMs ?? DEFAULT_ON_TIME_MS;
  const maxRecorded = input.maxRecorded ?? DEFAULT_MAX_RECORDED;
  validateTiming(timing);
  requireInteger(input.nextSlotAt, "nextSlotAt", Number.MIN_SAFE_INTEGER);
  requireInteger(now, "now", Number.MIN_SAFE_INTEGER);
  requireInteger(catchupWindowMs, "catchupWindowMs", 0);
  requireInteger(maxCatchup, "maxCatchup", 1);
  requireInteger(onTimeMs, "onTimeMs", 0);
  requireInteger(maxRecorded, "maxRecorded", 0);
  if (catchup !== "skip" && catchup !== "latest" && catchup !== "all") {
    throw new ValidationError(
      `catchup must be "skip", "latest" or "all", got ${JSON.stringify(catchup)}`,
    );
  }

  const first = input.nextSlotAt;
  if (first > now)
    return { fire: [], missed: [], missedUnrecorded: null, warnings: [], nextSlotAt: first };

  // `every` slots are aligned to the cursor, which is itself a slot.
  const anchor = first;
  const next = (t: number): number | null => nextSlotAfter(timing, t, anchor);
  // Common case: only the cursor's slot is due; no search backwards from now is needed.
  const second = next(first);
  const latest =
    second === null || second > now
      ? first
      : Math.max(first, lastSlotAtOrBefore(timing, now, first, anchor) ?? first);
  const onTime = now - latest <= onTimeMs;
  const due: DueSlots = { timing, anchor, first, latest, onTime, next };
  const windowStart = now - catchupWindowMs;

  const { fire, warnings } = chooseFires(due, catchup, windowStart, maxCatchup);
  const reason = (slotAt: number): MissedReason =>
    catchup !== "all"
      ? "catchup_skip"
      : slotAt < windowStart
        ? "outside_catchup_window"
        : "catchup_cap";
  const { missed, missedUnrecorded } = listMissed(due, fire, reason, maxRecorded);
  // With one due slot, the slot after it is the first one after now: reuse it.
  const nextSlotAt = second !== null && second > now ? second : next(now);
  return { fire, missed, missedUnrecorded, warnings, nextSlotAt };
}

/** The due slots of one plan, once the latest due slot is known. */
interface DueSlots {
  readonly timing: ScheduleTiming;
  /** `every` slots are aligned to this (the cursor, itself a slot). */
  readonly anchor: number;
  /** The cursor: the oldest due slot. */
  readonly first: number;
  /** The newest due slot (<= now). */
  readonly latest: number;
  /** Whether `latest` is on time (it then fires as `fired` whatever the policy). */
  readonly onTime: boolean;
  /** The first slot strictly after `t`, or null. */
  readonly next: (t: number) => number | null;
}

/** The slots that run under `catchup`, oldest first, and any warning (the catch-up cap). */
function chooseFires(
  due: DueSlots,
  catchup: CatchupPolicy,
  windowStart: number,
  maxCatchup: number,
): { fire: DueFire[]; warnings: string[] } {
  const latestFire: DueFire = { slotAt: due.latest, kind: due.onTime ? "fired" : "caught_up" };
  switch (catchup) {
    case "skip":
      return { fire: due.onTime ? [latestFire] : [], warnings: [] };
    case "latest":
      return { fire: [latestFire], warnings: [] };
    case "all":
      return catchUpAll(due, latestFire, windowStart, maxCatchup);
    default: {
      const never: never = catchup;
      throw new ValidationError(`unknown catchup policy ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Policy `all`: every slot from `windowStart` runs as `caught_up`, unless more than
 * `maxCatchup` would; then only the latest runs, with a warning.
 */
function catchUpAll(
  due: DueSlots,
  latestFire: DueFire,
  windowStart: number,
  maxCatchup: number,
): { fire: DueFire[]; warnings: string[] } {
  const { timing, anchor, first, latest, onTime, next } = due;
  const caught: number[] = [];
  let capped = false;
  let s = first >= windowStart ? first : next(windowStart - 1);
  // The on-time slot fires as `fired`, outside the catch-up budget.
  while (s !== null && (s < latest || (s === latest && !onTime))) {
    if (caught.length === maxCatchup) {
      capped = true;
      break;
    }
    caught.push(s);
    s = next(s);
  }
  if (capped) {
    const from = caught[0] ?? latest;
    const inWindow = 1 + countSlots(timing, from, onTime ? latest - 1 : latest, anchor);
    const warning =
      `catch-up capped: ${inWindow} missed slots within the catch-up window exceed maxCatchup ${maxCatchup}; ` +
      `only the latest slot (${iso(latest)}) runs and the others are recorded as missed (catchup_cap)`;
    return { fire: [latestFire], warnings: [warning] };
  }
  const fire = caught.map((slotAt): DueFire => ({ slotAt, kind: "caught_up" }));
  if (onTime) fire.push(latestFire);
  return { fire, warnings: [] };
}

/**
 * Every due slot before the first one that runs is missed (fires are always the newest
 * slots): the oldest `maxRecorded` are listed, the rest summarised.
 */
function listMissed(
  due: DueSlots,
  fire: readonly DueFire[],
  reason: (slotAt: number) => MissedReason,
  maxRecorded: number,
): { missed: MissedSlot[]; missedUnrecorded: MissedSummary | null } {
  const { timing, anchor, first, latest, next } = due;
  const lastMissed = fire[0] === undefined ? latest : fire[0].slotAt - 1;
  const missed: MissedSlot[] = [];
  let s: number | null = first;
  while (s !== null && s <= lastMissed && missed.length < maxRecorded) {
    missed.push({ slotAt: s, reason: reason(s) });
    s = next(s);
  }
  let missedUnrecorded: MissedSummary | null = null;
  if (s !== null && s <= lastMissed) {
    const to = lastSlotAtOrBefore(timing, lastMissed, s, anchor) ?? s;
    missedUnrecorded = { count: 1 + countSlots(timing, s, to, anchor), from: s, to };
  }
  return { missed, missedUnrecorded };
}

function requireInteger(value: number, name: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ValidationError(
      `${name} must be a whole number${min === Number.MIN_SAFE_INTEGER ? "" : ` >= ${min}`}, got ${String(value)}`,
    );
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
