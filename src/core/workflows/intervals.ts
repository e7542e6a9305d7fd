/**
 * @module core/workflows/intervals
 * Logical dates, data intervals and catch-up of scheduled workflow runs. Pure: time is a
 * parameter, and the schedule's fires come from `core/schedules/timing` (so cron fires follow
 * the DST rule of `core/cron/next`: a daily run's interval is 23 h or 25 h across a change, an
 * hourly schedule fires every real hour).
 *
 * Semantics, with F the schedule's fires (cron in its timezone, or `every` slots anchored at
 * `startDate` as Airflow anchors a timedelta schedule):
 * - `dataInterval` (Airflow's default cron timetable): a run covers [f, next fire); its logical
 *   date is f, the interval START, and it becomes due at the interval END.
 * - `trigger` (Airflow's CronTriggerTimetable): a run's logical date is the fire time f, due at
 *   f; its data interval is [previous fire, f). (Airflow 3's trigger timetable gives [f, f]
 *   unless told an interval; Kairos uses the previous fire, so a task always sees what it covers.)
 * - A logical date is never before `startDate` nor after `endDate` (both inclusive, as Airflow).
 * - Catch-up on: one run per due logical date after the latest one that has a run, in order,
 *   at most `cap` per call (`more` says to call again). Catch-up off: only the latest due one
 *   (the latest COMPLETE interval, as Airflow 2 does) is created and every earlier one not yet
 *   run is reported skipped (Airflow drops them silently; Kairos records them). With
 *   `trigger` semantics that is the latest fire at or before now (Airflow 2 again). Airflow 3
 *   instead waits for the next interval end / next fire, so enabling a workflow runs nothing
 *   at once; Kairos keeps Airflow 2's "run the latest due one now" in both semantics.
 * - Manual runs: `manualDataInterval` (Airflow's `infer_manual_data_interval` for cron; for
 *   `every` the interval is aligned to the anchor, where Airflow takes [date - every, date)).
 */
import { countSlots, lastSlotAtOrBefore, nextSlotAfter } from "../schedules/timing.js";
import { ValidationError } from "../errors.js";
import type { RunSemantics, WorkflowSchedule } from "./definition.js";

/** [start, end) in ms since the epoch. */
export interface DataInterval {
  readonly start: number;
  readonly end: number;
}

/** One scheduled run: its identity (logical date), what it covers, and when it is due. */
export interface RunSlot {
  readonly logicalDate: number;
  readonly dataInterval: DataInterval;
  /** The earliest instant the run may start. */
  readonly runAfter: number;
}

/** What `planScheduledRuns` needs; all instants in ms since the epoch. */
export interface ScheduledRunsInput {
  readonly schedule: WorkflowSchedule;
  readonly runSemantics: RunSemantics;
  /** The workflow's startDate; a workflow without one passes when it was first declared. */
  readonly startDate: number;
  readonly endDate: number | null;
  readonly catchup: boolean;
  /** The latest logical date that already has a scheduled run, or null. */
  readonly latestLogicalDate: number | null;
  readonly now: number;
  /** At most this many runs created and skipped slots listed per call (>= 1). */
  readonly cap: number;
}

/** The runs to create now and the slots skipped; see the module comment. */
export interface ScheduledRunsPlan {
  /** Runs to create, oldest first. */
  readonly create: readonly RunSlot[];
  /** Slots skipped because catch-up is off, oldest first; at most `cap` are listed. */
  readonly skipped: readonly RunSlot[];
  /** How many slots were skipped in all (may exceed `skipped.length`). */
  readonly skippedCount: number;
  /** True when the cap cut `create` short and more runs are already due. */
  readonly more: boolean;
  /** When the next slot after this plan becomes due, or null if none ever will (endDate). */
  readonly nextRunAfter: number | null;
}

/** How far back the fire before a cron fire is looked for (a Feb 29 schedule needs 8 years). */
const PREVIOUS_FIRE_LOOKBACK_MS = 9 * 366 * 86_400_000;

/** The schedule's fires, anchored for `every`. */
class Fires {
  constructor(
    private readonly schedule: WorkflowSchedule,
    private readonly anchor: number,
  ) {}
  after(t: number): number | null {
    return nextSlotAfter(this.schedule, t, this.anchor);
  }
  atOrBefore(t: number, notBefore: number): number | null {
    return lastSlotAtOrBefore(this.schedule, t, notBefore, this.anchor);
  }
  count(after: number, until: number): number {
    return countSlots(this.schedule, after, until, this.anchor);
  }
}

/**
 * The run slot whose logical date is the fire `logicalDate`, or null when the schedule never
 * fires after it (`dataInterval` needs the interval's end).
 */
function slotAt(fires: Fires, semantics: RunSemantics, logicalDate: number): RunSlot | null {
  if (semantics === "dataInterval") {
    const end = fires.after(logicalDate);
    if (end === null) return null;
    return { logicalDate, dataInterval: { start: logicalDate, end }, runAfter: end };
  }
  const previous = fires.atOrBefore(logicalDate - 1, logicalDate - PREVIOUS_FIRE_LOOKBACK_MS);
  return {
    logicalDate,
    dataInterval: { start: previous ?? logicalDate, end: logicalDate },
    runAfter: logicalDate,
  };
}

/**
 * The scheduled runs to create at `now` (see the module comment). Deterministic: the same
 * input gives the same plan. Cost: O(cap) fire computations plus a few searches.
 */
export function planScheduledRuns(input: ScheduledRunsInput): ScheduledRunsPlan {
  if (!Number.isSafeInteger(input.cap) || input.cap < 1) {
    throw new ValidationError(`cap must be a whole number >= 1, got ${String(input.cap)}`);
  }
  const fires = new Fires(input.schedule, input.startDate);
  const semantics = input.runSemantics;
  const endDate = input.endDate ?? Infinity;
  const lowerBound = Math.max(input.startDate, (input.latestLogicalDate ?? -Infinity) + 1);
  const first = fires.after(lowerBound - 1);
  const latestDue = latestDueLogicalDate(input, fires, lowerBound);
  const slotOf = (logicalDate: number): RunSlot => {
    const slot = slotAt(fires, semantics, logicalDate);
    if (slot === null) throw new Error("unreachable: a due logical date has an interval end");
    return slot;
  };
  const upcoming = (after: number | null): number | null => {
    const next = after === null ? first : fires.after(after);
    if (next === null || next > endDate) return null;
    return slotAt(fires, semantics, next)?.runAfter ?? null;
  };
  const nothing = { create: [], skipped: [], skippedCount: 0, more: false };
  if (first === null || latestDue === null || latestDue < first) {
    return { ...nothing, nextRunAfter: upcoming(null) };
  }
  if (!input.catchup) {
    const skipped: RunSlot[] = [];
    for (let f: number | null = first; f !== null && f < latestDue; f = fires.after(f)) {
      if (skipped.length === input.cap) break;
      skipped.push(slotOf(f));
    }
    return {
      create: [slotOf(latestDue)],
      skipped,
      skippedCount: fires.count(first - 1, latestDue - 1),
      more: false,
      nextRunAfter: upcoming(latestDue),
    };
  }
  const create: RunSlot[] = [];
  let f: number | null = first;
  while (f !== null && f <= latestDue && create.length < input.cap) {
    create.push(slotOf(f));
    f = fires.after(f);
  }
  const more = f !== null && f <= latestDue;
  const last = create[create.length - 1]?.logicalDate ?? null;
  return { create, skipped: [], skippedCount: 0, more, nextRunAfter: upcoming(last) };
}

/** The latest logical date >= lowerBound, <= endDate, whose run is due at `now`; or null. */
function latestDueLogicalDate(
  input: ScheduledRunsInput,
  fires: Fires,
  lowerBound: number,
): number | null {
  const endDate = input.endDate ?? Infinity;
  if (input.runSemantics === "trigger") {
    return fires.atOrBefore(Math.min(input.now, endDate), lowerBound);
  }
  // The latest interval end at or before now; its logical date is the fire before it.
  const end = fires.atOrBefore(input.now, lowerBound);
  if (end === null) return null;
  return fires.atOrBefore(Math.min(end - 1, endDate), lowerBound);
}

/**
 * The data interval of a manual run with this logical date (any instant). With
 * `dataInterval` semantics it is the latest complete interval ending at or before the logical
 * date (Airflow's `infer_manual_data_interval`); with `trigger`, [the latest fire before it,
 * logical date). Without a schedule, or when no fire precedes it, the interval is empty
 * [logicalDate, logicalDate).
 */
export function manualDataInterval(
  schedule: WorkflowSchedule | null,
  runSemantics: RunSemantics,
  logicalDate: number,
  anchor = 0,
): DataInterval {
  const empty = { start: logicalDate, end: logicalDate };
  if (schedule === null) return empty;
  const fires = new Fires(schedule, anchor);
  const notBefore = logicalDate - PREVIOUS_FIRE_LOOKBACK_MS;
  if (runSemantics === "trigger") {
    const previous = fires.atOrBefore(logicalDate - 1, notBefore);
    return previous === null ? empty : { start: previous, end: logicalDate };
  }
  const end = fires.atOrBefore(logicalDate, notBefore);
  const start = end === null ? null : fires.atOrBefore(end - 1, notBefore);
  return end === null || start === null ? empty : { start, end };
}
