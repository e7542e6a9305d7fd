/**
 * @module stores/sqlite/schedules/history-retention
 * Statement family: retention of schedule history (`deleteScheduleHistory`). One call is one
 * `BEGIN IMMEDIATE` transaction: it reads at most `limit` entries recorded before the cutoff,
 * oldest first after the caller's cursor (a range of `schedule_history_at_idx`, migration 4),
 * finds for each schedule among them the boundary of its newest `keepLatest` entries (a walk
 * of `keepLatest` entries of `schedule_history_schedule_idx` per schedule), and deletes the
 * examined entries below it, by rowid.
 *
 * Kept entries (a rarely firing schedule's old but newest ones) are passed over and the cursor
 * moves past them, so one pass walks each old entry once; a batch costs O(limit + schedules in
 * it x keepLatest), whatever the size of the history. The cursor is (at, rowid) of the last
 * examined entry.
 */
import type Database from "better-sqlite3";
import { ValidationError } from "../../../core/errors.js";
import type { HistoryDeletion, HistoryDeletionOutcome } from "../../../ports/schedule-store.js";
import { checkHistoryDeletion } from "../../retention-args.js";
import { parseJobId } from "../arguments.js";

interface CandidateRow {
  id: number;
  schedule_id: number;
  at: number;
}

/** The statements' SQL (exported for the plan test). */
export const HISTORY_RETENTION_SQL = {
  candidates: `SELECT id, schedule_id, at FROM schedule_history INDEXED BY schedule_history_at_idx
                WHERE at < ? AND (at, id) > (?, ?)
                ORDER BY at, id LIMIT ? + 0`,
  boundary: `SELECT id FROM schedule_history WHERE schedule_id = ?
              ORDER BY id DESC LIMIT 1 OFFSET ?`,
} as const;

/** Prepare the history retention statements once; returns `deleteScheduleHistory`. */
export function prepareHistoryRetention(
  db: Database.Database,
): (deletion: HistoryDeletion) => HistoryDeletionOutcome {
  // Contract: inputs cutoff, cursor (at, id), limit; up to `limit` entries recorded before the
  // cutoff and after the cursor in (at, id) order. A range of schedule_history_at_idx.
  const candidates = db.prepare<[number, number, number, number], CandidateRow>(
    HISTORY_RETENTION_SQL.candidates,
  );

  // Contract: inputs schedule id, n; the rowid of the schedule's (n+1)-th newest entry, or
  // none when it has at most n. Entries at or below it are outside the newest n. Walks
  // schedule_history_schedule_idx backwards n + 1 steps.
  const boundary = db.prepare<[number, number], number>(HISTORY_RETENTION_SQL.boundary).pluck();

  // Contract: deletes one entry by rowid.
  const remove = db.prepare<[number]>("DELETE FROM schedule_history WHERE id = ?");

  const run = db.transaction((deletion: HistoryDeletion): HistoryDeletionOutcome => {
    const { recordedBefore, keepLatest, limit, after } = checkHistoryDeletion(deletion);
    if (limit === 0) return { deleted: 0, next: after };
    let afterId = 0;
    if (after !== null) {
      const id = parseJobId(after.id);
      if (id === null) {
        throw new ValidationError(
          `deleteScheduleHistory: after.id ${JSON.stringify(after.id)} is not a cursor of this store`,
        );
      }
      afterId = id;
    }
    const rows = candidates.all(
      recordedBefore,
      after?.at ?? Number.MIN_SAFE_INTEGER,
      afterId,
      limit,
    );
    const bounds = new Map<number, number | undefined>();
    let deleted = 0;
    for (const row of rows) {
      if (!bounds.has(row.schedule_id)) {
        bounds.set(row.schedule_id, boundary.get(row.schedule_id, keepLatest));
      }
      const bound = bounds.get(row.schedule_id);
      if (bound !== undefined && row.id <= bound) deleted += remove.run(row.id).changes;
    }
    const last = rows.at(-1);
    return {
      deleted,
      next: rows.length < limit || last === undefined ? null : { at: last.at, id: String(last.id) },
    };
  });

  return (deletion) => run.immediate(deletion);
}
