/**
 * @module stores/sqlite/schedules/read-schedules
 * Statement family: reads of `schedules` (by name, by id, list, due, earliest due, buffered)
 * and of the active jobs of a schedule. Single SELECTs, each a consistent snapshot on its own;
 * none takes the write lock.
 *
 * The scheduler's per-tick reads are index-driven and never scan all schedules: `due` and
 * `nextDueAt` walk `schedules_due_idx` in due order and stop at the limit (with a pre-fire
 * lead L they also pass over the schedules other than allow_all due within L); `withBufferedSlots`
 * walks `schedules_buffered_idx`, which holds only schedules with buffered slots;
 * `activeJobs` walks `jobs_schedule_active_idx`. `INDEXED BY` makes a plan change that would
 * lose the index an error at prepare time instead of a silent scan. A partial index is used
 * only when the query repeats its condition, so these statements copy the conditions of
 * migration 2 word for word.
 */
import type Database from "better-sqlite3";
import type { StoredJob } from "../../../ports/job-store.js";
import type { ObjectSource, StoredSchedule } from "../../../ports/schedule-store.js";
import { clampLimit, parseJobId } from "../arguments.js";
import { type JobRow, rowToJob } from "../job-row.js";
import { type ScheduleRow, rowToSchedule } from "./schedule-row.js";

/** Upper bound of any limit a caller passes to the schedule reads. */
export const MAX_SCHEDULE_LIMIT = 10_000;

/** The read statements, prepared once per store. */
export interface ScheduleReads {
  byName(name: string): StoredSchedule | null;
  byId(scheduleId: string): StoredSchedule | null;
  list(filter?: { readonly source?: ObjectSource; readonly fn?: string }): StoredSchedule[];
  due(now: number, limit: number, leadMs?: number): StoredSchedule[];
  nextDueAt(leadMs?: number): number | null;
  withBufferedSlots(limit: number): StoredSchedule[];
  activeJobs(scheduleId: string): StoredJob[];
}

/** Prepare the read statements once. */
export function prepareScheduleReads(db: Database.Database): ScheduleReads {
  // Contract: input a name; the row or nothing (UNIQUE index on name).
  const byName = db.prepare<[string], ScheduleRow>("SELECT * FROM schedules WHERE name = ?");

  // Contract: input a schedule id; the row or nothing.
  const byId = db.prepare<[number], ScheduleRow>("SELECT * FROM schedules WHERE id = ?");

  // Contract: inputs an optional source and fn (null: any); matching schedules by name. Not a
  // hot path (CLI, reconcile), so one statement serves every filter shape.
  const list = db.prepare<{ source: string | null; fn: string | null }, ScheduleRow>(
    `SELECT * FROM schedules
      WHERE (@source IS NULL OR source = @source) AND (@fn IS NULL OR fn = @fn)
      ORDER BY name`,
  );

  // Contract: inputs now, now + the pre-fire lead, a limit; enabled schedules with
  // next_due_at <= now, and allow_all ones with next_due_at <= now + lead, earliest first (id
  // breaks ties), at most limit rows. Walks schedules_due_idx up to now + lead (other
  // schedules due inside the lead are passed over), stops at the limit.
  const due = db.prepare<{ now: number; until: number; limit: number }, ScheduleRow>(
    `SELECT * FROM schedules INDEXED BY schedules_due_idx
      WHERE enabled = 1 AND next_due_at IS NOT NULL AND next_due_at <= @until
        AND (next_due_at <= @now OR overlap = 'allow_all')
      ORDER BY next_due_at, id LIMIT @limit + 0`,
  );

  // Contract: no input; the earliest next_due_at of an enabled schedule. One index probe.
  const earliest = db.prepare<[], { next_due_at: number }>(
    `SELECT next_due_at FROM schedules INDEXED BY schedules_due_idx
      WHERE enabled = 1 AND next_due_at IS NOT NULL
      ORDER BY next_due_at LIMIT 1`,
  );

  // Contract: inputs from, until; the earliest next_due_at in [from, until] of an enabled
  // allow_all schedule. Walks schedules_due_idx from `from`, passing over the other schedules
  // due in the range, and stops at the first allow_all one.
  const earliestAllowAll = db.prepare<[number, number], { next_due_at: number }>(
    `SELECT next_due_at FROM schedules INDEXED BY schedules_due_idx
      WHERE enabled = 1 AND next_due_at IS NOT NULL AND next_due_at >= ? AND next_due_at <= ?
        AND overlap = 'allow_all'
      ORDER BY next_due_at LIMIT 1`,
  );

  // Contract: input a limit; enabled schedules whose buffered_slots is not empty, by id.
  const buffered = db.prepare<[number], ScheduleRow>(
    `SELECT * FROM schedules INDEXED BY schedules_buffered_idx
      WHERE enabled = 1 AND buffered_slots <> '[]'
      ORDER BY id LIMIT ? + 0`,
  );

  // Contract: input a schedule id as text (the origin id); its jobs (origin kind schedule) in
  // scheduled/queued/running/retrying, oldest first. Walks jobs_origin_active_idx, whose
  // condition it repeats word for word (migration 5).
  const active = db.prepare<[originId: string], JobRow>(
    `SELECT * FROM jobs INDEXED BY jobs_origin_active_idx
      WHERE origin_kind = 'schedule' AND origin_id = ?
        AND origin_id IS NOT NULL
        AND (state = 'scheduled' OR state = 'queued' OR state = 'running' OR state = 'retrying')
      ORDER BY id`,
  );

  const limitOf = (limit: number) => clampLimit(limit, 100, MAX_SCHEDULE_LIMIT);

  return {
    byName: (name) => {
      const row = byName.get(name);
      return row === undefined ? null : rowToSchedule(row);
    },
    byId: (scheduleId) => {
      const id = parseJobId(scheduleId);
      const row = id === null ? undefined : byId.get(id);
      return row === undefined ? null : rowToSchedule(row);
    },
    list: (filter) =>
      list.all({ source: filter?.source ?? null, fn: filter?.fn ?? null }).map(rowToSchedule),
    due: (now, limit, leadMs = 0) =>
      due.all({ now, until: now + Math.max(0, leadMs), limit: limitOf(limit) }).map(rowToSchedule),
    nextDueAt: (leadMs = 0) => {
      const first = earliest.get()?.next_due_at;
      if (first === undefined) return null;
      if (leadMs <= 0) return first;
      // min over schedules of (due - lead for allow_all, due for the others): an allow_all due
      // later than first + lead cannot come before `first`.
      const allowAll = earliestAllowAll.get(first, first + leadMs)?.next_due_at;
      return allowAll === undefined ? first : Math.min(first, allowAll - leadMs);
    },
    withBufferedSlots: (limit) => buffered.all(limitOf(limit)).map(rowToSchedule),
    activeJobs: (scheduleId) => {
      const id = parseJobId(scheduleId);
      return id === null ? [] : active.all(String(id)).map(rowToJob);
    },
  };
}
