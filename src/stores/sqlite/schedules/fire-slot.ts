/**
 * @module stores/sqlite/schedules/fire-slot
 * Statement family: handling one slot of a schedule (`fireSlot`). One `BEGIN IMMEDIATE`
 * transaction, so no other connection writes between its steps:
 *
 * 1. read the schedule; if it is gone or its `next_slot_at` is not the cursor the caller read
 *    (compare-and-set), return `stale` and write nothing; also when the request pre-fires
 *    (a job with `runAt > now`) and the schedule is paused: a pause commits between the loop's
 *    read and its pre-fire would otherwise leave a slot written ahead for a paused schedule;
 * 2. if the request carries a job (origin `{ kind: "schedule", id: <schedule id>,
 *    key: <slot as text> }`): when a job with that origin already exists, keep it
 *    (`duplicate_slot`); otherwise insert the job through the JobStore's enqueue path (same
 *    idempotency-key and `maxPending` rules; a QueueFullError or ConflictError propagates and
 *    rolls the whole call back, so nothing is written);
 * 3. append the history entries, the job's id on `fired`/`caught_up` entries;
 * 4. move the cursor (only forward: a `next.nextSlotAt` before the expected cursor is a
 *    ValidationError) and record the fire on the schedule.
 *
 * What step 4 records:
 *   always            next_slot_at, next_due_at, last_slot_at (never moves back),
 *                     buffered_slots (when given), updated_at
 *   unless duplicate  last_status = the request's status (a job's terminal state replaces it
 *                     later, through the `schedule` completion hook, completion.ts)
 *   a job created     last_job_id, last_fired_at = now, run_count + 1, last_error cleared
 *
 * A duplicate slot leaves last_status/last_job_id/run_count alone: the fire that created the
 * job recorded them, and its job may already have finished.
 */
import type Database from "better-sqlite3";
import { ValidationError } from "../../../core/errors.js";
import type { StoredJob } from "../../../ports/job-store.js";
import type {
  FireSlotBatchOutcome,
  FireSlotOutcome,
  FireSlotRequest,
} from "../../../ports/schedule-store.js";
import { parseJobId } from "../arguments.js";
import { prepareEnqueue } from "../enqueue.js";
import { type NewHistoryEntry, prepareHistory } from "./history.js";
import { checkSlotOrigin } from "../../schedule-row.js";
import { prefires } from "../../schedule-prefire.js";
import { bufferedSlotsToJson, checkCursor, instant } from "./schedule-row.js";

interface AdvanceParams {
  id: number;
  expected: number;
  nextSlotAt: number | null;
  nextDueAt: number | null;
  slotAt: number;
  status: string;
  duplicate: 0 | 1;
  createdJobId: number | null;
  bufferedSlots: string | null;
  now: number;
}

/** The prepared single and batch forms of fireSlot. */
export interface PreparedFireSlot {
  (request: FireSlotRequest): FireSlotOutcome;
  /** Several slots in one IMMEDIATE transaction; each runs in its own savepoint. */
  many(requests: readonly FireSlotRequest[]): FireSlotBatchOutcome[];
}

/** Prepare the fireSlot statements once; the returned function handles one slot atomically. */
export function prepareFireSlot(db: Database.Database): PreparedFireSlot {
  // Shared with JobStore.enqueue: called inside this transaction, it runs as a savepoint.
  const enqueue = prepareEnqueue(db);
  const history = prepareHistory(db);
  const { cursorOf, jobForSlot, advance } = prepareStatements(db);

  const fire = db.transaction((id: number, request: FireSlotRequest): FireSlotOutcome => {
    const schedule = cursorOf.get(id);
    if (schedule === undefined || schedule.next_slot_at !== request.expectedNextSlotAt) {
      return { kind: "stale" };
    }
    if (schedule.enabled !== 1 && prefires(request)) return { kind: "stale" };

    let job: StoredJob | null = null;
    let createdJobId: number | null = null;
    let existingJobId: number | null = null;
    if (request.job !== null) {
      existingJobId = jobForSlot.get(String(id), String(request.slotAt))?.id ?? null;
      if (existingJobId === null) {
        const [outcome] = enqueue([request.job], request.now);
        if (outcome === undefined) throw new Error("enqueue returned no outcome for one job");
        job = outcome.job;
        // An idempotency key can return an older job instead of creating one; that is not a
        // fire of this schedule (run_count, last_job_id unchanged).
        if (outcome.created) createdJobId = Number(job.id);
      }
    }

    const entryJobId = existingJobId ?? (job === null ? null : Number(job.id));
    history.append(id, entriesWithJob(request, entryJobId));

    const changed = advance.run(advanceParams(id, request, existingJobId, createdJobId)).changes;
    if (changed !== 1) throw new Error(`schedule ${id}: cursor changed under the write lock`);

    return existingJobId === null
      ? { kind: "applied", job }
      : { kind: "duplicate_slot", existingJobId: String(existingJobId) };
  });

  const single = (request: FireSlotRequest): FireSlotOutcome => {
    const checked = checkRequest(request);
    const id = parseJobId(checked.scheduleId);
    return id === null ? { kind: "stale" } : fire.immediate(id, checked);
  };
  // Inside the outer transaction each `fire` call runs as a savepoint (better-sqlite3 nests
  // transactions that way), so a request that throws rolls back alone.
  const batch = db.transaction((requests: readonly FireSlotRequest[]): FireSlotBatchOutcome[] =>
    requests.map((request) => {
      try {
        const checked = checkRequest(request);
        const id = parseJobId(checked.scheduleId);
        return id === null ? { kind: "stale" } : fire(id, checked);
      } catch (error) {
        return { kind: "failed", error };
      }
    }),
  );
  return Object.assign(single, {
    many: (requests: readonly FireSlotRequest[]) => batch.immediate(requests),
  });
}

/** The statements of steps 1, 2 and 4, prepared once (enqueue and history have their own). */
function prepareStatements(db: Database.Database) {
  // Contract: input a schedule id; its cursor, read under the write lock (step 1).
  const cursorOf = db.prepare<[number], { next_slot_at: number | null; enabled: number }>(
    "SELECT next_slot_at, enabled FROM schedules WHERE id = ?",
  );

  // Contract: inputs the schedule id and the slot, both as text (the origin's id and key); the
  // job created for that slot, if any. One probe of the unique jobs_origin_key_idx (the
  // equality on origin_key implies its IS NOT NULL condition).
  const jobForSlot = db.prepare<[originId: string, originKey: string], { id: number }>(
    `SELECT id FROM jobs INDEXED BY jobs_origin_key_idx
      WHERE origin_kind = 'schedule' AND origin_id = ? AND origin_key = ?`,
  );

  // Contract: step 4 (see the module header). Guarded again by next_slot_at = expected, so it
  // can only apply to the cursor read in step 1.
  const advance = db.prepare<AdvanceParams>(
    `UPDATE schedules
        SET next_slot_at  = @nextSlotAt,
            next_due_at   = @nextDueAt,
            last_slot_at  = MAX(COALESCE(last_slot_at, @slotAt), @slotAt),
            last_status   = CASE WHEN @duplicate = 1 THEN last_status ELSE @status END,
            last_job_id   = COALESCE(@createdJobId, last_job_id),
            last_fired_at = CASE WHEN @createdJobId IS NULL THEN last_fired_at ELSE @now END,
            run_count     = run_count + (CASE WHEN @createdJobId IS NULL THEN 0 ELSE 1 END),
            last_error    = CASE WHEN @createdJobId IS NULL THEN last_error ELSE NULL END,
            buffered_slots = COALESCE(@bufferedSlots, buffered_slots),
            updated_at    = @now
      WHERE id = @id AND next_slot_at = @expected`,
  );

  return { cursorOf, jobForSlot, advance };
}

/** The request's history entries (step 3), the slot's job id on `fired`/`caught_up` entries. */
function entriesWithJob(request: FireSlotRequest, jobId: number | null): NewHistoryEntry[] {
  return request.history.map((entry) => ({
    ...entry,
    jobId: entry.kind === "fired" || entry.kind === "caught_up" ? jobId : null,
  }));
}

/** The parameters of step 4: a duplicate slot keeps the status, a created job counts a fire. */
function advanceParams(
  id: number,
  request: FireSlotRequest,
  existingJobId: number | null,
  createdJobId: number | null,
): AdvanceParams {
  return {
    id,
    expected: request.expectedNextSlotAt,
    nextSlotAt: request.next.nextSlotAt,
    nextDueAt: request.next.nextDueAt,
    slotAt: request.slotAt,
    status: request.status,
    duplicate: existingJobId === null ? 0 : 1,
    createdJobId,
    bufferedSlots:
      request.bufferedSlots === undefined ? null : bufferedSlotsToJson(request.bufferedSlots),
    now: request.now,
  };
}

/** Validate a request before the transaction; returns it with the cursor normalised. */
function checkRequest(request: FireSlotRequest): FireSlotRequest {
  const expected = instant(request.expectedNextSlotAt, "expectedNextSlotAt");
  const slotAt = instant(request.slotAt, "slotAt");
  instant(request.now, "now");
  const next = checkCursor(request.next, "next");
  if (next.nextSlotAt !== null && next.nextSlotAt < expected) {
    throw new ValidationError(
      `fireSlot moves a cursor only forward: next.nextSlotAt ${next.nextSlotAt} is before the ` +
        `expected cursor ${expected}`,
    );
  }
  if (typeof request.status !== "string" || request.status === "") {
    throw new ValidationError(
      `status must be a non-empty string, got ${JSON.stringify(request.status)}`,
    );
  }
  checkSlotOrigin(request.job, request.scheduleId, slotAt);
  return { ...request, next };
}
