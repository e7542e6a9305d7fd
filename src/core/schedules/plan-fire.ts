/**
 * @module core/schedules/plan-fire
 * Firing one slot of a schedule from outside (a Kubernetes CronJob's trigger container calls
 * the fire endpoint): which slot the call means, what to write for it, and what to answer when
 * the slot was handled already. The writes are the scheduler loop's own (`planTick`), planned
 * as at `now = slot`, so overlap policies, history entries and events are exactly the loop's.
 *
 * Rules:
 * - The slot is the schedule's latest slot at or before the instant given (a Job name's minute,
 *   or an instant), in the schedule's timezone for cron. A slot more than FIRE_MAX_AHEAD_MS
 *   after the server's clock is refused (ValidationError: the clocks disagree).
 * - Only the fired slot can create a job: the slots between the cursor and it that the cluster
 *   did not fire are recorded as missed (`catchup_skip`), never fired, whatever the schedule's
 *   catch-up policy (the CronJob controller owns catch-up in this mode).
 * - A slot before the cursor was handled already: `recordedOutcome` answers from the history.
 */
import { ValidationError } from "../errors.js";
import { slotOfJobName } from "../k8s/job-name-slot.js";
import { planTick, type TickPlan, type TickSchedule } from "./plan-tick.js";
import type { FireStatus, HistoryDraft } from "./reasons.js";
import { lastSlotAtOrBefore } from "./timing.js";
import type { ScheduleTiming } from "./types.js";

/** How far after the server's clock a fired slot may be: 5 minutes of clock skew. */
export const FIRE_MAX_AHEAD_MS = 5 * 60_000;

/** How far back from the instant given a slot is looked for (a yearly cron fits). */
export const FIRE_LOOKBACK_MS = 400 * 24 * 3_600_000;

/** Which slot a fire means: the Job the CronJob controller created, or an instant (ms). */
export type FireTarget = { readonly jobName: string } | { readonly slotAt: number };

/** What a fire did: created the job, found the slot's job, or handled the slot without one. */
export type FireOutcome = "fired" | "existing" | "skipped" | "buffered" | "missed";

/** The answer of a fire (jobId: the slot's job, or null when it has none). */
export interface FireDecision {
  readonly outcome: FireOutcome;
  readonly jobId: string | null;
}

/**
 * The slot `target` means for schedule `schedule` at `now`: its latest slot at or before the
 * target's instant. Throws ValidationError for a Job name of another CronJob or without the
 * minutes (slotOfJobName), when the schedule has no slot at or before the instant (within
 * FIRE_LOOKBACK_MS), or when the slot is more than FIRE_MAX_AHEAD_MS after `now`.
 */
export function resolveFireSlot(
  schedule: { readonly name: string; readonly timing: ScheduleTiming },
  target: FireTarget,
  now: number,
): number {
  const instant =
    "jobName" in target ? slotOfJobName(schedule.name, target.jobName) : target.slotAt;
  if (!Number.isSafeInteger(instant)) {
    throw new ValidationError(`slotAt must be a valid instant, got ${String(instant)}`);
  }
  const slot = lastSlotAtOrBefore(schedule.timing, instant, instant - FIRE_LOOKBACK_MS);
  if (slot === null) {
    throw new ValidationError(
      `schedule "${schedule.name}" has no slot at or before ${iso(instant)} ` +
        `(looked back ${FIRE_LOOKBACK_MS / 86_400_000} days): check the schedule's timing`,
    );
  }
  if (slot > now + FIRE_MAX_AHEAD_MS) {
    throw new ValidationError(
      `slot ${iso(slot)} of schedule "${schedule.name}" is more than ` +
        `${FIRE_MAX_AHEAD_MS / 60_000} minutes after the server's clock (${iso(now)}): ` +
        `clock skew between the caller and the server? Fix the clocks (NTP) and fire again`,
    );
  }
  return slot;
}

/**
 * The writes that fire `slotAt` of `schedule`: the loop's plan (`planTick`) at `now = slotAt`
 * with catch-up `latest`, so the slots between the cursor and `slotAt` are recorded missed and
 * only `slotAt` fires (or is skipped / buffered by the overlap policy). History entries are
 * stamped `now` (when the fire happened). No writes when `slotAt` is before the cursor (it was
 * handled: see `recordedOutcome`) or the schedule never fires again.
 */
export function planFire(
  schedule: TickSchedule,
  slotAt: number,
  activeJobIds: readonly string[],
  now: number,
): TickPlan {
  if (schedule.nextSlotAt === null || slotAt < schedule.nextSlotAt) return { writes: [] };
  const plan = planTick({ ...schedule, catchup: "latest" }, slotAt, activeJobIds);
  const stamp = (entry: HistoryDraft): HistoryDraft => ({ ...entry, at: now });
  return {
    writes: plan.writes.map((write) => ({
      ...write,
      history: write.history.map(stamp),
      cancel: write.cancel.map((order) => ({ ...order, entry: stamp(order.entry) })),
    })),
  };
}

/** The answer of a write that applied with `status` (a job created: `fired`). */
export function outcomeOfStatus(status: FireStatus, jobId: string | null): FireDecision {
  if (jobId !== null) return { outcome: "fired", jobId };
  switch (status) {
    case "buffered":
      return { outcome: "buffered", jobId: null };
    case "missed":
      return { outcome: "missed", jobId: null };
    default:
      // skipped (overlap, queue full), or a job that could not be built (recorded as error).
      return { outcome: "skipped", jobId: null };
  }
}

/** The history kinds that say what became of a slot, and the answer each gives. */
const SLOT_ANSWERS: Readonly<Record<string, FireOutcome>> = {
  fired: "existing",
  caught_up: "existing",
  skipped: "skipped",
  dropped: "skipped",
  error: "skipped",
  buffered: "buffered",
  missed: "missed",
};

/**
 * The answer for a slot handled already, from the schedule's history (newest first): the
 * newest entry about the slot that says what became of it (a job: `existing` with it); none
 * (before the schedule existed, during a pause, or beyond the history kept): `missed`.
 */
export function recordedOutcome(
  history: readonly {
    readonly slotAt: number | null;
    readonly kind: string;
    readonly jobId: string | null;
  }[],
  slotAt: number,
): FireDecision {
  for (const entry of history) {
    if (entry.slotAt !== slotAt) continue;
    const outcome = SLOT_ANSWERS[entry.kind];
    if (outcome === undefined) continue;
    return { outcome, jobId: outcome === "existing" ? entry.jobId : null };
  }
  return { outcome: "missed", jobId: null };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
