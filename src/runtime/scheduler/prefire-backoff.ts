/**
 * @module runtime/scheduler/prefire-backoff
 * What the loop remembers of pre-fire writes that failed (a store error), so that a failing
 * store does not make it retry the slot on every tick until the slot is due.
 *
 * Guarantees:
 * - After a failed pre-fire of a slot, the schedule is not pre-fired again before its retry
 *   instant: PREFIRE_RETRY_MS after the first failure, doubling after each further one, never
 *   later than the slot's due time.
 * - Only the first failure of a slot is to be recorded on the schedule (`failed` says so), so
 *   a slot adds at most one error record from its pre-fire; later failures are only logged.
 * - Nothing here stops the slot from firing: from its due time the schedule is no longer held
 *   and the tick fires it through the normal path, which records its own failure and moves the
 *   cursor past the slot as for any schedule.
 * - Memory is bounded: an entry is dropped once its slot is due, when its pre-fire succeeds,
 *   and all of them past MAX_ENTRIES (a dropped entry only allows an earlier retry).
 * Time is the caller's `now`; no clock is read here.
 */

/** The first retry of a failed pre-fire, in ms after the failure (then doubling). */
export const PREFIRE_RETRY_MS = 100;

/** Schedules remembered at most (beyond: forgotten, so retried at once). */
const MAX_ENTRIES = 10_000;

interface Held {
  readonly slotAt: number;
  readonly dueAt: number;
  readonly failures: number;
  readonly retryAt: number;
}

/** The failed pre-fires of one loop; see the module header. */
export class PrefireBackoff {
  private readonly held = new Map<string, Held>();

  /**
   * A pre-fire of `slotAt` (due `dueAt`) failed at `now`: hold the schedule until its retry.
   * Returns true for the slot's first failure (the one to record on the schedule).
   */
  failed(scheduleId: string, slotAt: number, dueAt: number, now: number): boolean {
    const before = this.held.get(scheduleId);
    const failures = before !== undefined && before.slotAt === slotAt ? before.failures + 1 : 1;
    const retryAt = Math.min(dueAt, now + PREFIRE_RETRY_MS * 2 ** Math.min(failures - 1, 20));
    if (this.held.size >= MAX_ENTRIES && before === undefined) this.held.clear();
    this.held.set(scheduleId, { slotAt, dueAt, failures, retryAt });
    return failures === 1;
  }

  /** A pre-fire of the schedule applied: forget its failures. */
  succeeded(scheduleId: string): void {
    this.held.delete(scheduleId);
  }

  /**
   * Whether the tick must leave the schedule alone at `now`: its cursor's slot failed to
   * pre-fire, its retry instant has not come and the slot is not yet due.
   */
  holds(
    schedule: { readonly id: string; readonly nextSlotAt: number | null },
    now: number,
  ): boolean {
    const held = this.held.get(schedule.id);
    if (held === undefined) return false;
    if (held.slotAt !== schedule.nextSlotAt || now >= held.dueAt) {
      this.held.delete(schedule.id);
      return false;
    }
    return now < held.retryAt;
  }

  /** The earliest retry instant after `now` of a slot not yet due, or null (none held). */
  nextRetryAt(now: number): number | null {
    let earliest: number | null = null;
    for (const [id, held] of this.held) {
      if (now >= held.dueAt) this.held.delete(id);
      else if (earliest === null || held.retryAt < earliest) earliest = held.retryAt;
    }
    return earliest;
  }
}
