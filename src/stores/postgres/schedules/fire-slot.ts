/**
 * @module stores/postgres/schedules/fire-slot
 * Statement family: handling one slot of a schedule (`fireSlot`), and several in one
 * transaction with a savepoint each (`fireSlots`, below). One slot is ONE transaction (READ
 * COMMITTED):
 *
 * 1. lock the schedule row with a compare-and-set on the cursor the caller read:
 *    `SELECT ... WHERE id = $1 AND next_slot_at = $2 FOR UPDATE`. A concurrent fire of the same
 *    schedule (another replica) holds the lock until it commits; PostgreSQL then re-checks the
 *    WHERE on the new row version, finds the cursor moved, and returns no row: `stale`, nothing
 *    written. So of two fires of one slot exactly one applies;
 * 2. if the request carries a job (origin `{ kind: "schedule", id: <schedule id>,
 *    key: <slot as text> }`): when a job with that origin already exists, keep it
 *    (`duplicate_slot`); otherwise insert it through the JobStore's insert path (`insertJobs`:
 *    same idempotency-key and `maxPending` rules; a QueueFullError or ConflictError propagates
 *    and rolls the whole call back). If a job for the pair appeared after the look-up
 *    (enqueued directly through the JobStore by a transaction that committed meanwhile), the
 *    unique index `jobs_origin_key_idx` raises 23505 and aborts the transaction; the call
 *    then runs once more from step 1, where the look-up finds that job (`duplicate_slot`).
 *    A retry rather than a savepoint keeps the common path two round trips shorter;
 * 3. append the history entries, the job's id on `fired`/`caught_up` entries;
 * 4. move the cursor (only forward: a `next.nextSlotAt` before the expected cursor is a
 *    ValidationError before anything is sent) and record the fire on the schedule.
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
 *
 * Locks: the schedule row (step 1), then the JobStore's `pending` advisory lock of the job's fn
 * when it has a maxPending. No existing job row is locked, so this never waits in a cycle with
 * a finalization (which locks a job row, then, in the completion hook, its schedule row). A batch
 * holds its schedules' rows until its COMMIT, locked in request order: two batches over the same
 * schedules in different orders (two leaders at once) can deadlock, and PostgreSQL then aborts
 * one of them whole (40P01), which the caller sees as a thrown StoreError.
 */
import { ValidationError } from "../../../core/errors.js";
import type { StoredJob } from "../../../ports/job-store.js";
import type {
  FireSlotBatchOutcome,
  FireSlotOutcome,
  FireSlotRequest,
} from "../../../ports/schedule-store.js";
import { parseId } from "../arguments.js";
import { exec, type PgDatabase, type Queryable } from "../database.js";
import { insertJobs } from "../enqueue.js";
import { checkSlotOrigin } from "../../schedule-row.js";
import { prefires } from "../../schedule-prefire.js";
import { appendHistory } from "./history.js";
import { checkBufferedSlots, checkCursor, instant } from "./schedule-row.js";

const STALE: FireSlotOutcome = { kind: "stale" };

/** Handle one slot atomically; see the module header. */
export async function fireSlot(db: PgDatabase, request: FireSlotRequest): Promise<FireSlotOutcome> {
  const checked = checkRequest(request);
  const id = parseId(checked.scheduleId);
  if (id === null) return STALE;
  const once = () => db.transaction((client) => fireIn(client, db, id, checked));
  try {
    return await once();
  } catch (error) {
    // A job for the slot was committed between our look-up and our insert: the look-up of the
    // second run sees it. Once is enough (the pair is unique, the job cannot go away).
    if (!isSlotConflict(error)) throw error;
    return once();
  }
}

/**
 * Several slots in ONE transaction (the scheduler's batch form, `ScheduleStore.fireSlots`):
 * each request runs in its own savepoint and applies or not exactly as `fireSlot` would; one
 * that throws (QueueFullError, ValidationError, a PostgreSQL error) is rolled back to its
 * savepoint alone and reported as `failed`, with non-Kairos errors wrapped by `wrap`. A slot
 * conflict (see the module header) re-runs that request once in a new savepoint. One COMMIT
 * for the batch instead of one per slot; the schedule rows stay locked until it.
 */
export async function fireSlots(
  db: PgDatabase,
  requests: readonly FireSlotRequest[],
  wrap: (error: unknown) => unknown,
): Promise<FireSlotBatchOutcome[]> {
  if (requests.length === 0) return [];
  return db.transaction(async (client) => {
    const outcomes: FireSlotBatchOutcome[] = [];
    for (const request of requests) {
      let checked: FireSlotRequest;
      let id: string | null;
      try {
        checked = checkRequest(request);
        id = parseId(checked.scheduleId);
      } catch (error) {
        outcomes.push({ kind: "failed", error: wrap(error) });
        continue;
      }
      if (id === null) {
        outcomes.push(STALE);
        continue;
      }
      const scheduleId = id;
      const inSavepoint = async (): Promise<FireSlotOutcome> => {
        await client.query("SAVEPOINT kairos_fire_slot");
        try {
          const outcome = await fireIn(client, db, scheduleId, checked);
          await client.query("RELEASE SAVEPOINT kairos_fire_slot");
          return outcome;
        } catch (error) {
          await client.query("ROLLBACK TO SAVEPOINT kairos_fire_slot");
          await client.query("RELEASE SAVEPOINT kairos_fire_slot");
          throw error;
        }
      };
      try {
        try {
          outcomes.push(await inSavepoint());
        } catch (error) {
          if (!isSlotConflict(error)) throw error;
          outcomes.push(await inSavepoint());
        }
      } catch (error) {
        outcomes.push({ kind: "failed", error: wrap(error) });
      }
    }
    return outcomes;
  });
}

/** Steps 1-4 of the module header, inside the caller's transaction (or savepoint). */
async function fireIn(
  client: Queryable,
  db: PgDatabase,
  id: string,
  request: FireSlotRequest,
): Promise<FireSlotOutcome> {
  const { s } = db;
  // Contract: inputs schedule id and the cursor the caller read; locks the schedule row until
  // the transaction ends and returns it only if its cursor is still that one (step 1).
  // A pre-fire (a job due after `now`) applies only while the schedule is enabled: a pause
  // committed after the loop's read must not leave a slot written ahead.
  const locked = await exec<{ enabled: boolean }>(
    client,
    `SELECT enabled FROM ${s}.schedules WHERE id = $1 AND next_slot_at = $2 FOR UPDATE`,
    [id, request.expectedNextSlotAt],
  );
  if (locked.rowCount !== 1) return STALE;
  if (locked.rows[0]?.enabled !== true && prefires(request)) return STALE;

  let job: StoredJob | null = null;
  let createdJobId: number | null = null;
  let existingJobId: number | null = null;
  if (request.job !== null) {
    existingJobId = await jobForSlot(client, s, id, request.slotAt);
    if (existingJobId === null) {
      const [outcome] = await insertJobs(client, db, [request.job], request.now);
      if (outcome === undefined) throw new Error("insertJobs returned no outcome for one job");
      job = outcome.job;
      // An idempotency key can return an older job instead of creating one; that is not a
      // fire of this schedule (run_count, last_job_id unchanged).
      if (outcome.created) createdJobId = Number(job.id);
    }
  }

  const entryJobId = existingJobId ?? (job === null ? null : Number(job.id));
  await appendHistory(
    client,
    s,
    id,
    request.history.map((entry) => ({
      ...entry,
      jobId: entry.kind === "fired" || entry.kind === "caught_up" ? entryJobId : null,
    })),
  );

  // Contract: step 4 (see the module header). Guarded again by next_slot_at = expected; the
  // row is locked since step 1, so it applies to exactly that row.
  const advanced = await exec(
    client,
    `UPDATE ${s}.schedules
        SET next_slot_at   = $3,
            next_due_at    = $4,
            last_slot_at   = GREATEST(COALESCE(last_slot_at, $5), $5),
            last_status    = CASE WHEN $6::boolean THEN last_status ELSE $7 END,
            last_job_id    = COALESCE($8::bigint, last_job_id),
            last_fired_at  = CASE WHEN $8::bigint IS NULL THEN last_fired_at ELSE $9 END,
            run_count      = run_count + CASE WHEN $8::bigint IS NULL THEN 0 ELSE 1 END,
            last_error     = CASE WHEN $8::bigint IS NULL THEN last_error ELSE NULL END,
            buffered_slots = COALESCE($10::bigint[], buffered_slots),
            updated_at     = $9
      WHERE id = $1 AND next_slot_at = $2`,
    [
      id,
      request.expectedNextSlotAt,
      request.next.nextSlotAt,
      request.next.nextDueAt,
      request.slotAt,
      existingJobId !== null,
      request.status,
      createdJobId,
      request.now,
      request.bufferedSlots === undefined ? null : request.bufferedSlots,
    ],
  );
  if (advanced.rowCount !== 1) {
    throw new Error(`schedule ${id}: cursor changed under the row lock`);
  }

  return existingJobId === null
    ? { kind: "applied", job }
    : { kind: "duplicate_slot", existingJobId: String(existingJobId) };
}

/** The id of the job created for (schedule, slot), or null. */
async function jobForSlot(
  q: Queryable,
  s: string,
  scheduleId: string,
  slotAt: number,
): Promise<number | null> {
  // Contract: inputs schedule id and slot, as text (the origin's id and key); the job created
  // for that slot, if any (committed, or inserted by this transaction). One probe of the
  // unique jobs_origin_key_idx (the equality on origin_key implies its IS NOT NULL).
  const { rows } = await exec<{ id: number }>(
    q,
    `SELECT id FROM ${s}.jobs
      WHERE origin_kind = 'schedule' AND origin_id = $1 AND origin_key = $2`,
    [scheduleId, String(slotAt)],
  );
  return rows[0]?.id ?? null;
}

/** True for PostgreSQL's unique violation on the (origin_kind, origin_id, origin_key) index. */
function isSlotConflict(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === "23505" && e.constraint === "jobs_origin_key_idx";
}

/** Validate a request before the transaction; returns it with cursor and buffer normalised. */
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
  return {
    ...request,
    next,
    ...(request.bufferedSlots === undefined
      ? {}
      : { bufferedSlots: checkBufferedSlots(request.bufferedSlots) }),
  };
}
