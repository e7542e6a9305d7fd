/**
 * @module stores/postgres/schedules/read-schedules
 * Statement family: reads of `schedules` (by name, by id, list, due, earliest due, buffered)
 * and of the active jobs of a schedule. Single SELECTs in autocommit, each a consistent
 * snapshot on its own; none takes a row lock. Like every statement of this directory they run
 * as named prepared statements (`exec`), parsed and planned once per connection.
 *
 * The scheduler's per-tick reads are index-driven and never scan all schedules: `due` and
 * `nextDueAt` walk `schedules_due_idx` (next_due_at, id) in due order and stop at the limit;
 * `withBufferedSlots` walks `schedules_buffered_idx`, which holds only schedules with buffered
 * slots; `activeJobs` walks `jobs_schedule_active_idx`. PostgreSQL uses a partial index only
 * when the query implies its predicate, so these statements repeat the conditions of
 * migration 2 word for word.
 */
import type { StoredJob } from "../../../ports/job-store.js";
import type { ObjectSource, StoredSchedule } from "../../../ports/schedule-store.js";
import { clampLimit, parseId } from "../arguments.js";
import { exec, type Queryable } from "../database.js";
import { type JobRow, jobColumns, rowToJob } from "../job-row.js";
import { instant, rowToSchedule, SCHEDULE_COLUMNS, type ScheduleRow } from "./schedule-row.js";

/** Upper bound of any limit a caller passes to the schedule reads. */
export const MAX_SCHEDULE_LIMIT = 10_000;

const limitOf = (limit: number): number => clampLimit(limit, 100, MAX_SCHEDULE_LIMIT);

/** The schedule with this name, or null. */
export async function scheduleByName(
  q: Queryable,
  s: string,
  name: string,
): Promise<StoredSchedule | null> {
  // Contract: input a name; the row or nothing (UNIQUE index on name).
  const { rows } = await exec<ScheduleRow>(
    q,
    `SELECT ${SCHEDULE_COLUMNS} FROM ${s}.schedules WHERE name = $1`,
    [name],
  );
  return rows[0] === undefined ? null : rowToSchedule(rows[0]);
}

/** The schedule with this id, or null (also for a string that is not an id). */
export async function scheduleById(
  q: Queryable,
  s: string,
  scheduleId: string,
): Promise<StoredSchedule | null> {
  const id = parseId(scheduleId);
  if (id === null) return null;
  // Contract: input a schedule id; the row or nothing (primary key).
  const { rows } = await exec<ScheduleRow>(
    q,
    `SELECT ${SCHEDULE_COLUMNS} FROM ${s}.schedules WHERE id = $1`,
    [id],
  );
  return rows[0] === undefined ? null : rowToSchedule(rows[0]);
}

/** Schedules by name, optionally only of one source and/or one fn. */
export async function listSchedules(
  q: Queryable,
  s: string,
  filter?: { readonly source?: ObjectSource; readonly fn?: string },
): Promise<StoredSchedule[]> {
  // Contract: inputs an optional source and fn (null: any); matching schedules by name. Not a
  // hot path (CLI, reconcile), so one statement serves every filter shape.
  const { rows } = await exec<ScheduleRow>(
    q,
    `SELECT ${SCHEDULE_COLUMNS} FROM ${s}.schedules
      WHERE ($1::text IS NULL OR source = $1) AND ($2::text IS NULL OR fn = $2)
      ORDER BY name`,
    [filter?.source ?? null, filter?.fn ?? null],
  );
  return rows.map(rowToSchedule);
}

/**
 * Enabled schedules with next_due_at <= now, and allow_all ones with next_due_at <= now +
 * leadMs (the pre-fire lead), earliest first, at most `limit`.
 */
export async function dueSchedules(
  q: Queryable,
  s: string,
  now: number,
  limit: number,
  leadMs = 0,
): Promise<StoredSchedule[]> {
  // Contract: inputs now, a limit, now + the lead; enabled schedules with next_due_at <= now,
  // and allow_all ones due by now + lead, earliest first (id breaks ties), at most limit rows.
  // Walks schedules_due_idx up to now + lead (other schedules due inside the lead are passed
  // over), stops at the limit.
  const at = instant(now, "now");
  const { rows } = await exec<ScheduleRow>(
    q,
    `SELECT ${SCHEDULE_COLUMNS} FROM ${s}.schedules
      WHERE enabled AND next_due_at IS NOT NULL AND next_due_at <= $3
        AND (next_due_at <= $1 OR overlap = 'allow_all')
      ORDER BY next_due_at, id
      LIMIT $2`,
    [at, limitOf(limit), at + Math.max(0, leadMs)],
  );
  return rows.map(rowToSchedule);
}

/**
 * When the loop must next act: the earliest next_due_at of an enabled schedule, less leadMs
 * for an allow_all one (it is pre-fired that early); null when none is due at all.
 */
export async function earliestDueAt(q: Queryable, s: string, leadMs = 0): Promise<number | null> {
  // Contract: no input; the earliest next_due_at of an enabled schedule. One index probe of
  // schedules_due_idx.
  const { rows } = await exec<{ next_due_at: number }>(
    q,
    `SELECT next_due_at FROM ${s}.schedules
      WHERE enabled AND next_due_at IS NOT NULL
      ORDER BY next_due_at
      LIMIT 1`,
    [],
  );
  const first = rows[0]?.next_due_at;
  if (first === undefined) return null;
  if (leadMs <= 0) return first;
  // Contract: inputs from, until; the earliest next_due_at in [from, until] of an enabled
  // allow_all schedule. Walks schedules_due_idx from `from`, passing over the others, and
  // stops at the first allow_all one. One later than first + lead cannot come before first.
  const allowAll = await exec<{ next_due_at: number }>(
    q,
    `SELECT next_due_at FROM ${s}.schedules
      WHERE enabled AND next_due_at IS NOT NULL AND next_due_at >= $1 AND next_due_at <= $2
        AND overlap = 'allow_all'
      ORDER BY next_due_at
      LIMIT 1`,
    [first, first + leadMs],
  );
  const a = allowAll.rows[0]?.next_due_at;
  return a === undefined ? first : Math.min(first, a - leadMs);
}

/** Enabled schedules whose buffered_slots is not empty, by id, at most `limit`. */
export async function schedulesWithBufferedSlots(
  q: Queryable,
  s: string,
  limit: number,
): Promise<StoredSchedule[]> {
  // Contract: input a limit; enabled schedules with at least one buffered slot, by id. Walks
  // schedules_buffered_idx, which holds only those.
  const { rows } = await exec<ScheduleRow>(
    q,
    `SELECT ${SCHEDULE_COLUMNS} FROM ${s}.schedules
      WHERE enabled AND cardinality(buffered_slots) > 0
      ORDER BY id
      LIMIT $1`,
    [limitOf(limit)],
  );
  return rows.map(rowToSchedule);
}

/** The schedule's jobs in scheduled/queued/running/retrying, oldest first. */
export async function activeJobs(
  q: Queryable,
  s: string,
  scheduleId: string,
): Promise<StoredJob[]> {
  const id = parseId(scheduleId);
  if (id === null) return [];
  // Contract: input a schedule id as text (the origin id); its jobs (origin kind schedule)
  // that are not finished, oldest first. Walks jobs_origin_active_idx (migration 5), whose
  // condition it repeats.
  const { rows } = await exec<JobRow>(
    q,
    `SELECT ${jobColumns()} FROM ${s}.jobs
      WHERE origin_kind = 'schedule' AND origin_id = $1 AND origin_id IS NOT NULL
        AND state IN ('scheduled', 'queued', 'running', 'retrying')
      ORDER BY id`,
    [String(id)],
  );
  return rows.map(rowToJob);
}
