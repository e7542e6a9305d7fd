/**
 * @module core/schedules/types
 * What a schedule is: its timing and policies (declared by the user), its runtime state (owned
 * by the scheduler loop), and the entries of its history.
 */
import type { HistoryKind } from "./reasons.js";
import type { ObjectSource } from "../object-source.js";

/** What a schedule does when its slot comes while its previous job is still active (Temporal's names). */
export type OverlapPolicy =
  "skip" | "buffer_one" | "buffer_all" | "cancel_other" | "terminate_other" | "allow_all";

/** Which missed slots run after downtime. */
export type CatchupPolicy = "skip" | "latest" | "all";

/** When a schedule fires. */
export type ScheduleTiming =
  | { readonly kind: "cron"; readonly cron: string; readonly timezone: string }
  | { readonly kind: "every"; readonly everyMs: number }
  | { readonly kind: "at"; readonly at: number };

/** The declared (user-owned) fields of a schedule. */
export interface ScheduleDeclaration {
  readonly name: string;
  readonly fn: string;
  readonly timing: ScheduleTiming;
  /** Canonical JSON text of the payload given to each job. */
  readonly payloadJson: string;
  readonly enabled: boolean;
  /** Why it is paused, if someone said. */
  readonly pauseNote: string | null;
  readonly overlap: OverlapPolicy;
  /** For `buffer_all`: at most this many buffered slots (a new slot past it is dropped and recorded). */
  readonly bufferLimit: number;
  readonly catchup: CatchupPolicy;
  /** For `all`: only slots this recent are caught up. */
  readonly catchupWindowMs: number;
  /** Deterministic delay in [0, jitterMs) per slot, never past the next slot. */
  readonly jitterMs: number;
  readonly source: ObjectSource;
}

/** The runtime state of a schedule, owned by the scheduler loop. */
export interface ScheduleRuntimeState {
  /** The next slot (nominal fire instant) not yet handled; null when it never fires again. */
  readonly nextSlotAt: number | null;
  /** When the next slot is due: `nextSlotAt` plus its jitter. Ordered by an index. */
  readonly nextDueAt: number | null;
  /** The last slot handled (fired, skipped, missed). */
  readonly lastSlotAt: number | null;
  /** When the last job was created. */
  readonly lastFiredAt: number | null;
  /** Terminal state of the last finished job, or `skipped`/`missed`/`error`. */
  readonly lastStatus: string | null;
  readonly lastJobId: string | null;
  /** Jobs fired in all. */
  readonly runCount: number;
  /** Slots waiting for the active job to finish (buffer_one / buffer_all / cancel_other), oldest first. */
  readonly bufferedSlots: readonly number[];
  /** The last error while firing, if the last attempt to fire failed. */
  readonly lastError: string | null;
}

/** A stored schedule. */
export interface StoredSchedule extends ScheduleDeclaration, ScheduleRuntimeState {
  readonly id: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One entry of a schedule's history (audit trail of slots and fires). */
export interface ScheduleHistoryEntry {
  readonly scheduleId: string;
  /** The slot concerned (null for entries not about a slot, e.g. `paused`). */
  readonly slotAt: number | null;
  /** When it was recorded. */
  readonly at: number;
  readonly kind: HistoryKind;
  /**
   * Stable reason: a HistoryReason for the entries the engine writes (see
   * `core/schedules/reasons`), the job's terminal state for `completed`; typed as text because
   * stored rows are read back as written.
   */
  readonly reason: string | null;
  readonly jobId: string | null;
  readonly message: string | null;
}

/** The cursor a new (or re-timed) schedule starts from. */
export interface ScheduleRuntimeInit {
  readonly nextSlotAt: number | null;
  readonly nextDueAt: number | null;
}
