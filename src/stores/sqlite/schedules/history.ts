/**
 * @module stores/sqlite/schedules/history
 * Statement family: a schedule's history (`schedule_history`), the user-facing audit trail of
 * slots and fires. Entries are appended by the other families inside their own transactions
 * (fireSlot, setEnabled, recordError, applyPlan) and by the job-completion trigger of migration
 * 2; they are deleted with their schedule (ON DELETE CASCADE) and by retention
 * (`history-retention.ts`). Newest first means last appended first (by rowid), whatever the
 * `at` of the entries.
 */
import type Database from "better-sqlite3";
import type { ScheduleHistoryEntry } from "../../../ports/schedule-store.js";
import { clampLimit, parseJobId } from "../arguments.js";
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

/** An entry to append: the port's entry with the rowids of its schedule and job. */
export type NewHistoryEntry = Omit<ScheduleHistoryEntry, "scheduleId" | "jobId"> & {
  readonly jobId: number | null;
};

/** The history statements, prepared once per store. */
export interface HistoryStatements {
  /** Append entries, in order. Runs inside the caller's transaction; checks each entry first. */
  append(scheduleRowid: number, entries: readonly NewHistoryEntry[]): void;
  /** Entries of a schedule, newest first, at most `limit` (default 100). */
  list(scheduleId: string, limit?: number): ScheduleHistoryEntry[];
}

/** Prepare the history statements once. */
export function prepareHistory(db: Database.Database): HistoryStatements {
  // Contract: inserts one entry. The caller holds the write lock and has read the schedule in
  // the same transaction, so the foreign key holds.
  const insert = db.prepare<HistoryRow>(
    `INSERT INTO schedule_history (schedule_id, slot_at, at, kind, reason, job_id, message)
     VALUES (@schedule_id, @slot_at, @at, @kind, @reason, @job_id, @message)`,
  );

  // Contract: inputs a schedule id and a limit; its entries, newest first. Walks
  // schedule_history_schedule_idx backwards and stops at the limit.
  const select = db.prepare<[number, number], HistoryRow>(
    `SELECT schedule_id, slot_at, at, kind, reason, job_id, message FROM schedule_history
      WHERE schedule_id = ? ORDER BY id DESC LIMIT ? + 0`, // "+ 0": a bare LIMIT ? recompiles per call in this SQLite
  );

  return {
    append: (scheduleRowid, entries) => {
      // Check all entries before the first insert, so a bad one leaves no partial write even
      // for a caller that catches the error inside its transaction.
      const rows = entries.map((entry, i): HistoryRow => ({
        schedule_id: scheduleRowid,
        slot_at: instantOrNull(entry.slotAt ?? null, `history[${i}].slotAt`),
        at: instant(entry.at, `history[${i}].at`),
        kind: checkHistoryKind(entry.kind),
        reason: entry.reason ?? null,
        job_id: entry.jobId,
        message: entry.message ?? null,
      }));
      for (const row of rows) insert.run(row);
    },
    list: (scheduleId, limit) => {
      const id = parseJobId(scheduleId);
      if (id === null) return [];
      return select
        .all(id, clampLimit(limit, DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT))
        .map(rowToHistory);
    },
  };
}
