/**
 * @module core/schedules/plan-tick
 * Everything the scheduler loop decides for one due schedule, as data: which slot writes to
 * make (in order), what each records, which jobs to cancel first, which events to emit. The
 * loop only performs the writes (`ScheduleStore.fireSlot[s]`), builds the jobs and reports
 * outcomes; the writes outside this path (buffered fires, refusals, failures) are decided in
 * `plan-outcomes`. Composes `planDueSlots` (catch-up), `decideOverlap`, `jitterFor` and
 * `nextSlotAfter`.
 *
 * Invariants of a plan:
 * - Writes chain: the first expects the stored cursor; each next one expects the cursor the
 *   previous one leaves (`next.nextSlotAt`). The last leaves the cursor after `now`, with its
 *   deterministic jitter (`nextDueAt`); a one-shot (`at`) schedule's last leaves null (done).
 * - A write that creates a job (`job` not null) has exactly one entry of kind `fired` or
 *   `caught_up` for its slot; `planQueueFull` and `planBuildFailure` replace that entry.
 * - The first write carries the missed-slot entries, the catch-up summary and warnings, and
 *   the `schedule:missed` events; later writes carry only their own slot's entries.
 * - Cancel orders precede their write; each job is ordered cancelled at most once per plan.
 *   A job fired by an earlier write of the same plan is named by its slot (`jobOfSlot`): the
 *   loop resolves it, and records the order's entry only if it cancelled something.
 * - Planning assumes every fire of the plan creates its job: later slots of the same tick are
 *   decided as though it were active. If that fire creates none (queue full, build failed),
 *   those slots keep the decision made under that assumption (e.g. `skip` records `overlap`).
 * - Pure and deterministic: same input, same plan. Throws ValidationError (from planDueSlots
 *   or decideOverlap) for an invalid schedule; the loop records that as a firing error.
 */
import type { CatchupPolicy, OverlapPolicy, ScheduleTiming } from "./types.js";
import { jitterFor } from "./jitter.js";
import { decideOverlap, type OverlapDecision } from "./overlap.js";
import { planDueSlots, type DueFire, type DuePlan } from "./plan-due.js";
import type {
  CancelReason,
  FireStatus,
  HistoryDraft,
  HistoryKind,
  HistoryReason,
  MissedReason,
  SkipReason,
} from "./reasons.js";
import { nextSlotAfter } from "./timing.js";

/** The fields of a schedule (declared and runtime) that a tick decides from. */
export interface TickSchedule {
  readonly id: string;
  readonly timing: ScheduleTiming;
  readonly overlap: OverlapPolicy;
  readonly bufferLimit: number;
  readonly catchup: CatchupPolicy;
  readonly catchupWindowMs: number;
  readonly jitterMs: number;
  /** The stored cursor: the first slot not yet handled (null: never fires again). */
  readonly nextSlotAt: number | null;
  readonly nextDueAt: number | null;
  readonly bufferedSlots: readonly number[];
}

/** A schedule's cursor: the next slot and when it is due (slot + jitter). */
export interface Cursor {
  readonly nextSlotAt: number | null;
  readonly nextDueAt: number | null;
}

/** Why a job is created: on time, late after downtime, or from the overlap buffer. */
export type JobKind = "fired" | "caught_up" | "from_buffer";

/** A job to cancel: one that was active, or the one an earlier write of this plan fires. */
export type CancelTarget = { readonly jobId: string } | { readonly jobOfSlot: number };

/** Cancel `target` before the write; append `entry` to the write's history if it was cancelled. */
export interface CancelOrder {
  readonly target: CancelTarget;
  readonly entry: HistoryDraft;
}

/** An event to emit once the write is applied (the loop adds the schedule name and `at`). */
export type TickEvent =
  | { readonly name: "schedule:missed"; readonly slotAt: number; readonly reason: MissedReason }
  | {
      readonly name: "schedule:skipped";
      readonly slotAt: number;
      readonly reason: SkipReason;
      /** For `overlap`: the active job that holds the slot (the oldest; the loop resolves it). */
      readonly blockedBy?: CancelTarget;
    };

/** One atomic slot write (`ScheduleStore.fireSlot`), with what precedes and follows it. */
export interface SlotWrite {
  /** The slot handled (the last one when only missed slots are recorded). */
  readonly slotAt: number;
  /** Compare-and-set: the cursor this write expects to find. */
  readonly expectedNextSlotAt: number;
  /** The cursor after this write. */
  readonly next: Cursor;
  /** Create a job of this kind for `slotAt`, or none. */
  readonly job: JobKind | null;
  /** Jobs to cancel before writing (cancel_other / terminate_other). */
  readonly cancel: readonly CancelOrder[];
  readonly history: readonly HistoryDraft[];
  /** The complete new buffer; omitted: unchanged. */
  readonly bufferedSlots?: readonly number[];
  readonly status: FireStatus;
  readonly events: readonly TickEvent[];
}

/** Options of a tick. */
export interface TickOptions {
  /** Catch-up hard cap per schedule (default: planDueSlots' DEFAULT_MAX_CATCHUP). */
  readonly maxCatchup?: number;
}

/** The decisions for one due schedule: its writes, in order (empty: nothing is due). */
export interface TickPlan {
  readonly writes: readonly SlotWrite[];
}

/**
 * Plan one due schedule at `now`, given the ids of its active (non-terminal) jobs, oldest
 * first. See the module header for the invariants of the result.
 */
export function planTick(
  schedule: TickSchedule,
  now: number,
  activeJobIds: readonly string[],
  options: TickOptions = {},
): TickPlan {
  const start = schedule.nextSlotAt;
  if (start === null || start > now) return { writes: [] };
  const due = planDueSlots({
    timing: schedule.timing,
    nextSlotAt: start,
    now,
    catchup: schedule.catchup,
    catchupWindowMs: schedule.catchupWindowMs,
    maxCatchup: options.maxCatchup,
  });
  const head = dueHistory(due, now);
  const events = due.missed.map((m): TickEvent => ({
    name: "schedule:missed",
    slotAt: m.slotAt,
    reason: m.reason,
  }));
  const after = cursorAfter(schedule, due.nextSlotAt);
  if (due.fire.length === 0) {
    // Everything due was missed: advance the cursor and record why.
    const last = due.missedUnrecorded?.to ?? due.missed.at(-1)?.slotAt ?? start;
    const write: SlotWrite = {
      slotAt: last,
      expectedNextSlotAt: start,
      next: after,
      job: null,
      cancel: [],
      history: head,
      status: "missed",
      events,
    };
    return { writes: [write] };
  }
  const overlap = new PlannedOverlap(schedule, activeJobIds, now);
  const writes: SlotWrite[] = [];
  let cursor = start;
  for (const [i, slot] of due.fire.entries()) {
    const following = due.fire[i + 1];
    const next = following ? { nextSlotAt: following.slotAt, nextDueAt: following.slotAt } : after;
    const base = {
      slotAt: slot.slotAt,
      expectedNextSlotAt: cursor,
      next,
      history: i === 0 ? head : [],
      events: i === 0 ? events : [],
    };
    writes.push(overlap.decide(slot, base));
    if (next.nextSlotAt === null) break;
    cursor = next.nextSlotAt;
  }
  return { writes };
}

type WriteBase = Pick<SlotWrite, "slotAt" | "expectedNextSlotAt" | "next" | "history" | "events">;

/** The overlap state across the slots of one plan: active jobs, orders given, the buffer. */
class PlannedOverlap {
  /** Active jobs by the key decideOverlap sees: a real id, or a key for a planned fire. */
  private readonly targets = new Map<string, CancelTarget>();
  private readonly ordered = new Set<string>();
  private buffered: readonly number[];

  constructor(
    private readonly schedule: TickSchedule,
    activeJobIds: readonly string[],
    private readonly now: number,
  ) {
    for (const id of activeJobIds) this.targets.set(id, { jobId: id });
    this.buffered = schedule.bufferedSlots;
  }

  decide(slot: DueFire, base: WriteBase): SlotWrite {
    const { now, schedule } = this;
    const decision: OverlapDecision = decideOverlap({
      policy: schedule.overlap,
      activeJobIds: [...this.targets.keys()],
      bufferedSlots: this.buffered,
      slotAt: slot.slotAt,
      bufferLimit: schedule.bufferLimit,
    });
    const entry = (kind: HistoryKind, reason: HistoryReason | null, at = slot.slotAt) =>
      ({ slotAt: at, at: now, kind, reason, message: null }) satisfies HistoryDraft;
    switch (decision.action) {
      case "fire":
      case "cancel_and_fire": {
        const cancel =
          decision.action === "fire"
            ? []
            : this.orders(decision.cancelJobIds, "terminate_other", slot);
        // The job this write creates is active for the later slots of the plan.
        this.targets.set(`\u0000slot:${slot.slotAt}`, { jobOfSlot: slot.slotAt });
        const history = [...base.history, entry(slot.kind, null)];
        return { ...base, job: slot.kind, cancel, history, status: "fired" };
      }
      case "skip": {
        const [blockedBy] = this.targets.values(); // the oldest active job (insertion order)
        return {
          ...base,
          job: null,
          cancel: [],
          history: [...base.history, entry("skipped", decision.reason)],
          status: "skipped",
          events: [
            ...base.events,
            {
              name: "schedule:skipped",
              slotAt: slot.slotAt,
              reason: decision.reason,
              ...(blockedBy ? { blockedBy } : {}),
            },
          ],
        };
      }
      case "buffer":
      case "cancel_then_buffer": {
        const cancel =
          decision.action === "buffer"
            ? []
            : this.orders(decision.cancelJobIds, "cancel_other", slot);
        const history = [
          ...base.history,
          ...decision.dropped.map((d) => entry("dropped", "buffer_full", d)),
        ];
        if (!decision.dropped.includes(slot.slotAt)) history.push(entry("buffered", "overlap"));
        this.buffered = decision.bufferedSlots;
        return {
          ...base,
          job: null,
          cancel,
          history,
          bufferedSlots: this.buffered,
          status: "buffered",
        };
      }
      default: {
        const never: never = decision;
        throw new Error(`unreachable overlap decision ${JSON.stringify(never)}`);
      }
    }
  }

  /** Cancel orders for the jobs not yet ordered cancelled in this plan. */
  private orders(keys: readonly string[], reason: CancelReason, slot: DueFire): CancelOrder[] {
    const orders: CancelOrder[] = [];
    for (const key of keys) {
      const target = this.targets.get(key);
      if (!target || this.ordered.has(key)) continue;
      this.ordered.add(key);
      const what =
        "jobId" in target ? `job ${target.jobId}` : `the job of slot ${iso(target.jobOfSlot)}`;
      orders.push({
        target,
        entry: {
          slotAt: slot.slotAt,
          at: this.now,
          kind: "cancelled_other",
          reason,
          message: `cancelled ${what} for the new slot`,
        },
      });
    }
    return orders;
  }
}

/** The cursor at `nextSlotAt`, due after its deterministic jitter (never past the slot after). */
export function cursorAfter(schedule: TickSchedule, nextSlotAt: number | null): Cursor {
  if (nextSlotAt === null) return { nextSlotAt: null, nextDueAt: null };
  if (schedule.jitterMs <= 0) return { nextSlotAt, nextDueAt: nextSlotAt };
  const following = nextSlotAfter(schedule.timing, nextSlotAt);
  return {
    nextSlotAt,
    nextDueAt: nextSlotAt + jitterFor(schedule.id, nextSlotAt, schedule.jitterMs, following),
  };
}

/** Entries for the missed slots, the summary of those not listed, and the warnings. */
function dueHistory(due: DuePlan, now: number): HistoryDraft[] {
  const history: HistoryDraft[] = due.missed.map((m) => ({
    slotAt: m.slotAt,
    at: now,
    kind: "missed",
    reason: m.reason,
    message: null,
  }));
  if (due.missedUnrecorded) {
    const { count, from, to } = due.missedUnrecorded;
    history.push({
      slotAt: to,
      at: now,
      kind: "missed",
      reason: "catchup_summary",
      message: `${count} more slots missed between ${iso(from)} and ${iso(to)}`,
    });
  }
  for (const warning of due.warnings) {
    history.push({
      slotAt: null,
      at: now,
      kind: "warning",
      reason: "catchup_cap",
      message: warning,
    });
  }
  return history;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
