/**
 * @module stores/postgres/schedules/history
 * Statement family: a schedule's history (`schedule_history`), the user-facing audit trail of
 * slots and fires. Entries are appended by the other families inside their own transactions
 * (fireSlot, applyPlan; setEnabled and recordError write theirs in their single statement) and
 * by the job-completion trigger of migration 2; they are deleted with their schedule (ON
 * DELETE CASCADE) and by retention (`history-retention.ts`). Newest first means last appended first (by the identity `id`), whatever the
 * `at` of the entries.
 */
import type { ScheduleHistoryEntry } from "../../../ports/schedule-store.js";
import { clampLimit, parseId, pgText } from "../arguments.js";
import { exec, type Queryable } from "../database.js";
import {
  checkHistoryKind,
  type HistoryRow,
  instant,
  instantOrNull,
  rowToHistory,
} from "./schedule-row.js";

/** Default number of entries `history` returns. */
export const DEFAULT_HISTORY_LIMIT = 100;
const MAX_HISTORY_LIMIT = 10_000;

/** An entry to append: the port's entry with the id of its job (a number, or null). */
export type NewHistoryEntry = Omit<ScheduleHistoryEntry, "scheduleId" | "jobId"> & {
  readonly jobId: number | null;
};

/**
 * Append entries to the history of schedule `scheduleId` (a validated id), in order. Runs in
 * the caller's transaction, after the caller locked or read the schedule there (so the foreign
 * key holds). Checks every entry before writing, so a bad one leaves no partial write.
 */
export async function appendHistory(
  q: Queryable,
  s: string,
  scheduleId: string | number,
  entries: readonly NewHistoryEntry[],
): Promise<void> {
  const rows = entries.map((entry, i) => ({
    slotAt: instantOrNull(entry.slotAt ?? null, `history[${i}].slotAt`),
    at: instant(entry.at, `history[${i}].at`),
    kind: checkHistoryKind(entry.kind),
    reason: entry.reason == null ? null : pgText(entry.reason),
    jobId: entry.jobId,
    message: entry.message == null ? null : pgText(entry.message),
  }));
  if (rows.length === 0) return;
  // Contract: inputs a schedule id and one array per column (same length, the entries in
  // order); inserts one row per element, in array order, so the identity ids follow the order
  // of the entries. One round trip whatever the number of entries.
  await exec(
    q,
    `INSERT INTO ${s}.schedule_history (schedule_id, slot_at, at, kind, reason, job_id, message)
     SELECT $1::bigint, e.slot_at, e.at, e.kind, e.reason, e.job_id, e.message
       FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::text[])
            WITH ORDINALITY AS e (slot_at, at, kind, reason, job_id, message, n)
      ORDER BY e.n`,
    [
      scheduleId,
      rows.map((r) => r.slotAt),
      rows.map((r) => r.at),
      rows.map((r) => r.kind),
      rows.map((r) => r.reason),
      rows.map((r) => r.jobId),
      rows.map((r) => r.message),
    ],
  );
}

/** Entries of a schedule, newest first, at most `limit` (default 100). */
export async function listHistory(
  q: Queryable,
  s: string,
  scheduleId: string,
  limit?: number,
): Promise<ScheduleHistoryEntry[]> {
  const id = parseId(scheduleId);
  if (id === null) return [];
  // Contract: inputs a schedule id and a limit; its entries, newest first. Walks
  // schedule_history_schedule_idx backwards and stops at the limit.
  const { rows } = await exec<HistoryRow>(
    q,
    `SELECT schedule_id, slot_at, at, kind, reason, job_id, message
       FROM ${s}.schedule_history
      WHERE schedule_id = $1
      ORDER BY id DESC
      LIMIT $2`,
    [id, clampLimit(limit, DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT)],
  );
  return rows.map(rowToHistory);
}
