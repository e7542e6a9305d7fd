/**
 * @module core/schedules/reasons
 * The stable words a schedule's history, status and events are written with. Users filter
 * history and alert on these, so they are part of the public contract: add members, never
 * rename one. Each list is a `const` tuple (iterable, for validation) with its union type.
 */

/** Status recorded for a handled slot (`lastStatus`), until its job's terminal state replaces it. */
export const FIRE_STATUSES = ["fired", "skipped", "missed", "buffered", "error"] as const;
/** One of FIRE_STATUSES. */
export type FireStatus = (typeof FIRE_STATUSES)[number];

/** Kinds of schedule history entries. */
export const HISTORY_KINDS = [
  "fired",
  "caught_up",
  "skipped",
  "missed",
  "buffered",
  "dropped",
  "completed",
  "cancelled_other",
  "error",
  "warning",
  "paused",
  "resumed",
  "prefire_cancelled",
] as const;
/** One of HISTORY_KINDS. */
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** Why a due slot was missed (not run) after downtime; see `plan-due`. */
export const MISSED_REASONS = ["catchup_skip", "outside_catchup_window", "catchup_cap"] as const;
/** One of MISSED_REASONS. */
export type MissedReason = (typeof MISSED_REASONS)[number];

/** Why a due slot was skipped: its previous job was active (`overlap`), or the queue was full. */
export const SKIP_REASONS = ["overlap", "queue_full"] as const;
/** One of SKIP_REASONS; the reason of a `schedule:skipped` event. */
export type SkipReason = (typeof SKIP_REASONS)[number];

/** The overlap policies that cancel other jobs; the reason of a `cancelled_other` entry. */
export const CANCEL_REASONS = ["cancel_other", "terminate_other"] as const;
/** One of CANCEL_REASONS. */
export type CancelReason = (typeof CANCEL_REASONS)[number];

/**
 * Why a pre-fired job (an `allow_all` slot written ahead, not yet due) was cancelled: the
 * schedule was paused, or updated (its slot is then fired again under the new definition).
 */
export const PREFIRE_CANCEL_REASONS = ["paused", "updated"] as const;
/** One of PREFIRE_CANCEL_REASONS; the reason of a `prefire_cancelled` entry. */
export type PrefireCancelReason = (typeof PREFIRE_CANCEL_REASONS)[number];

/**
 * Every reason the engine writes in a history entry, by kind:
 * - `missed`: a MissedReason, or `catchup_summary` for the block of missed slots past the
 *   listing limit.
 * - `warning`: `catchup_cap` (the catch-up cap was hit).
 * - `skipped`: a SkipReason. `buffered`: `overlap`. `dropped`: `buffer_full` (the buffer had
 *   no room, or a newer slot superseded it under cancel_other).
 * - `fired`: none when on time; `from_buffer` when a buffered slot fired. `caught_up`: none.
 * - `cancelled_other`: a CancelReason. `error`: `build_failed` (the job could not be built).
 * - `paused`/`resumed`: `reconcile` when `kairos apply` changed `enabled`.
 * - `prefire_cancelled`: a PrefireCancelReason.
 * - `completed`: the job's terminal state (a JobState, not listed here).
 */
export const HISTORY_REASONS = [
  ...MISSED_REASONS,
  "catchup_summary",
  ...SKIP_REASONS,
  "buffer_full",
  "from_buffer",
  ...CANCEL_REASONS,
  "build_failed",
  "reconcile",
  ...PREFIRE_CANCEL_REASONS,
] as const;
/** One of HISTORY_REASONS. */
export type HistoryReason = (typeof HISTORY_REASONS)[number];

/** A history entry to append, in these words (the store adds the schedule and job ids). */
export interface HistoryDraft {
  readonly slotAt: number | null;
  readonly at: number;
  readonly kind: HistoryKind;
  readonly reason: HistoryReason | null;
  readonly message: string | null;
}
