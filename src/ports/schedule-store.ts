/**
 * @module ports/schedule-store
 * The store port for schedules (and the functions declared in config). Adapters implement it
 * next to JobStore, on the same database, and pass the schedule conformance suite.
 *
 * Rules every adapter keeps:
 * - Each method is atomic. Time is given by the caller (`now`, ms since epoch).
 * - At most one job per (schedule, slot): a slot's job has the origin
 *   `{ kind: "schedule", id: scheduleId, key: String(slotAt) }`, and (kind, id, key) is unique
 *   among jobs (ports/job-store), so a slot fires once across restarts and replicas. A job
 *   triggered by hand has `{ kind: "schedule", id, key: null }`.
 * - `fireSlot` advances a schedule's cursor only forward and only from the cursor the caller
 *   read (compare-and-set on `nextSlotAt`), in the same transaction that inserts the job.
 * - Runtime state (cursor, last fire, last status, run count, history) is never reset by
 *   `applyPlan`; only declared fields change.
 * - The schedule store owns the `schedule` origin kind: opening it registers the `schedule`
 *   completion hook with the job store of the same database (ports/job-store, "Completion
 *   hooks"). When a job of a schedule reaches a terminal state, the hook records it on the
 *   schedule in the same transaction as the job's finalization or cancel: `lastStatus` only
 *   while the job is still the schedule's last job (an older job finishing late does not
 *   overwrite a newer status), and a `completed` history entry (slot = the origin's key) if
 *   the schedule still exists (a finished job of a deleted schedule finishes normally).
 * - Pre-fired jobs: a slot's job stored `scheduled` with `runAt > now` (the scheduler wrote an
 *   `allow_all` slot ahead) is not yet fired for the user. A pause (`setEnabled` false), an
 *   `update_schedule` and a `delete_schedule` cancel such jobs of the schedule in their own
 *   transaction; pause and update record a `prefire_cancelled` entry per job (reason `paused`
 *   or `updated`), move the cursor back to the earliest cancelled slot (due at that job's
 *   `runAt`; an update that changes `jitterMs` without a cursor: due at the slot plus the new
 *   jitter, stores/schedule-prefire `rejittered`) and take the cancelled fires off `runCount`.
 *   When the schedule's last job is one of them, `lastJobId`, `lastStatus` and `lastFiredAt`
 *   are put back to the newest fire whose job was not a cancelled pre-fire (its job's terminal
 *   state, else `fired`), or null when there is none. The cancelled jobs are returned
 *   (`applyPlan`, `setEnabled`) so the caller announces them. `fireSlot(s)` refuses (`stale`)
 *   a request whose job is due after its `now` while the schedule is paused.
 * - Retention (`deleteScheduleHistory`) never deletes a schedule's newest `keepLatest` entries,
 *   however old, so every schedule still shows its recent history. Each call is one short
 *   transaction that examines at most `limit` old entries, found through an index, and says
 *   where the next call resumes; the caller loops.
 */
import type { JobOrigin, NewJob, StoredJob } from "./job-store.js";
import type { StoredFunction } from "../core/functions/types.js";
import type { FunctionRegistryStore } from "./function-registry.js";
import type { InstanceStore } from "./instance-store.js";
import type { ObjectSource } from "../core/object-source.js";
import type { PlanChange } from "../core/reconcile/types.js";
import type {
  ScheduleHistoryEntry,
  ScheduleRuntimeInit,
  StoredSchedule,
} from "../core/schedules/types.js";

// The domain types live in core; re-exported here for the adapters and the runtime.
export type { StoredFunction } from "../core/functions/types.js";
export type { ObjectSource } from "../core/object-source.js";
export type { PlanChange } from "../core/reconcile/types.js";
export type {
  CatchupPolicy,
  OverlapPolicy,
  ScheduleDeclaration,
  ScheduleHistoryEntry,
  ScheduleRuntimeInit,
  ScheduleRuntimeState,
  ScheduleTiming,
  StoredSchedule,
} from "../core/schedules/types.js";

/** Where a `deleteScheduleHistory` pass resumes: after the entry recorded at `at` with this `id`. */
export interface HistoryCursor {
  readonly at: number;
  /** Opaque; compared only by the adapter that returned it. */
  readonly id: string;
}

/** One batch of history retention: entries recorded (`at`) before `recordedBefore`. */
export interface HistoryDeletion {
  /** Only entries recorded strictly before this instant (ms since epoch). */
  readonly recordedBefore: number;
  /** Each schedule's newest this-many entries are kept whatever their age (an integer >= 0). */
  readonly keepLatest: number;
  /** At most this many old entries are examined (and so at most this many deleted). */
  readonly limit: number;
  /** Resume after this entry (the `next` of the previous call); omitted or null: from the oldest. */
  readonly after?: HistoryCursor | null;
}

/** Outcome of one `deleteScheduleHistory` call. */
export interface HistoryDeletionOutcome {
  /** Entries deleted by this call. */
  readonly deleted: number;
  /** Where the next call resumes, or null when this call examined every remaining old entry. */
  readonly next: HistoryCursor | null;
}

/** Request to handle one slot of a schedule atomically. */
export interface FireSlotRequest {
  readonly scheduleId: string;
  /** The cursor the caller read; the write applies only if it is still the stored one. */
  readonly expectedNextSlotAt: number;
  /** The slot handled by this call (the last one when several missed slots are recorded). */
  readonly slotAt: number;
  /**
   * The job to create for the slot, with the origin
   * `{ kind: "schedule", id: scheduleId, key: String(slotAt) }` (core/jobs/origin
   * `scheduleSlotOrigin`), or null (skipped/missed/buffered).
   */
  readonly job: (NewJob & { readonly origin: JobOrigin }) | null;
  /** The cursor after this call. */
  readonly next: ScheduleRuntimeInit;
  /**
   * History entries to append. The engine writes HistoryDraft values (stable reasons from
   * `core/schedules/reasons`); typed as text here because adapters store and validate any text
   * (the conformance suite writes arbitrary reasons).
   */
  readonly history: readonly Omit<ScheduleHistoryEntry, "scheduleId" | "jobId">[];
  /** Replace the buffered slots with this list (omitted: unchanged). */
  readonly bufferedSlots?: readonly number[];
  /**
   * The status to record (the engine writes a FireStatus); a job's terminal state replaces it
   * later. Text, because adapters validate what they are given (e.g. reject an empty one).
   */
  readonly status: string;
  readonly now: number;
}

/** Outcome of `fireSlot`. */
export type FireSlotOutcome =
  | { readonly kind: "applied"; readonly job: StoredJob | null }
  /** The cursor moved (another process handled it) or the schedule is gone: nothing written. */
  | { readonly kind: "stale" }
  /** A job for (schedule, slot) already exists: the cursor advanced, no second job. */
  | { readonly kind: "duplicate_slot"; readonly existingJobId: string };

/** Outcome of one request of `fireSlots`. */
export type FireSlotBatchOutcome =
  FireSlotOutcome | { readonly kind: "failed"; readonly error: unknown };

/**
 * A pre-fired job cancelled by a pause, an update or a delete of its schedule (the module rule
 * "Pre-fired jobs"): enough for the caller to announce it as any cancel of a pending job.
 */
export interface CancelledPrefire {
  readonly jobId: string;
  readonly fn: string;
  readonly attempt: number;
  readonly scheduleId: string;
  /** The slot the job was written for. */
  readonly slotAt: number;
}

/** Outcome of `applyPlan`: the pre-fired jobs its updates and deletes cancelled, by slot. */
export interface ApplyPlanOutcome {
  readonly cancelled: readonly CancelledPrefire[];
}

/** Outcome of `setEnabled`: the schedule as updated, and the pre-fired jobs a pause cancelled. */
export interface SetEnabledOutcome {
  readonly schedule: StoredSchedule;
  readonly cancelled: readonly CancelledPrefire[];
}

/** The schedule store port. */
export interface ScheduleStore {
  /** Create or upgrade the schema (shared migrations with the job store). Idempotent. */
  migrate(): Promise<void>;

  listSchedules(filter?: {
    readonly source?: ObjectSource;
    readonly fn?: string;
  }): Promise<StoredSchedule[]>;
  getSchedule(name: string): Promise<StoredSchedule | null>;
  getScheduleById(id: string): Promise<StoredSchedule | null>;
  listFunctions(): Promise<StoredFunction[]>;
  getFunction(name: string): Promise<StoredFunction | null>;
  /** The function registry on the same database (defined functions, live workers), if any. */
  readonly functionRegistry?: FunctionRegistryStore;
  /** The live processes of the deployment on the same database, if any. */
  readonly instances?: InstanceStore;

  /**
   * Apply a reconcile plan in one transaction: all changes or none. Throws ConflictError when a
   * create names an existing schedule, NotFoundError when an update/delete names a missing one.
   * Returns the pre-fired jobs the plan cancelled (empty when none).
   */
  applyPlan(changes: readonly PlanChange[], now: number): Promise<ApplyPlanOutcome>;

  /**
   * Pause or resume; recorded in history. Returns the updated schedule with the pre-fired jobs
   * a pause cancelled in the same transaction (see the rule above), or null if unknown.
   */
  setEnabled(
    name: string,
    enabled: boolean,
    note: string | null,
    now: number,
    cursor?: ScheduleRuntimeInit,
  ): Promise<SetEnabledOutcome | null>;

  /**
   * Enabled schedules with `nextDueAt <= now`, and `allow_all` ones with `nextDueAt <= now +
   * leadMs` (the scheduler pre-fires those; omitted or 0: none), earliest first, at most
   * `limit` (index-driven). ValidationError for a lead that is not an integer >= 0.
   */
  dueSchedules(now: number, limit: number, leadMs?: number): Promise<StoredSchedule[]>;

  /**
   * When the scheduler must next act: the earliest `nextDueAt` among enabled schedules, less
   * `leadMs` for an `allow_all` one (omitted or 0: the earliest `nextDueAt`), or null.
   */
  nextDueAt(leadMs?: number): Promise<number | null>;

  /** Enabled schedules that have buffered slots (checked when their active jobs end). */
  schedulesWithBufferedSlots(limit: number): Promise<StoredSchedule[]>;

  /** Handle a slot atomically: see FireSlotRequest and the module rules. */
  fireSlot(request: FireSlotRequest): Promise<FireSlotOutcome>;

  /**
   * Optional batch form of `fireSlot` for the scheduler's hot path: one transaction; each
   * request applies or not on its own exactly as `fireSlot` would, and one that throws (e.g.
   * QueueFullError) is rolled back alone and reported as `failed`. Outcomes are in order.
   */
  fireSlots?(requests: readonly FireSlotRequest[]): Promise<FireSlotBatchOutcome[]>;

  /** Jobs of the schedule that are not terminal (scheduled, queued, running, retrying), oldest first. */
  activeJobs(scheduleId: string): Promise<StoredJob[]>;

  /** Record a firing error on the schedule (history + lastError) without moving its cursor. */
  recordError(scheduleId: string, message: string, now: number): Promise<void>;

  /** Newest first. */
  history(scheduleId: string, limit?: number): Promise<ScheduleHistoryEntry[]>;

  /**
   * Retention: examine up to `limit` entries recorded before `recordedBefore`, oldest first
   * (by `at`, then recording order) after the cursor `after`, and delete those that are not
   * among their schedule's newest `keepLatest` entries — all in one short transaction. Entries
   * kept by `keepLatest` are passed over, and the returned cursor lets the next call start
   * after them, so a pass walks each old entry once. Index-driven: the cost of a call grows
   * with `limit` and `keepLatest`, not with the size of the history.
   */
  deleteScheduleHistory(deletion: HistoryDeletion): Promise<HistoryDeletionOutcome>;
}
