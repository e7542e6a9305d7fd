/**
 * @module stores/postgres/schedules/history-retention
 * Statement family: retention of schedule history (`deleteScheduleHistory`). One call is ONE
 * statement: it reads at most `limit` entries recorded before the cutoff, oldest first after
 * the caller's cursor (a range of `schedule_history_at_idx`, migration 4), finds for each
 * schedule among them the boundary of its newest `keepLatest` entries (a backward walk of
 * `keepLatest` entries of `schedule_history_schedule_idx` per schedule), deletes the examined
 * entries at or below it, and returns the count and the last examined entry (the next cursor).
 *
 * Kept entries (a rarely firing schedule's old but newest ones) are passed over and the cursor
 * moves past them, so one pass walks each old entry once; a batch costs O(limit + schedules in
 * it x keepLatest), whatever the size of the history. Entries are appended, never updated, so
 * the DELETE only competes with the ON DELETE CASCADE of a schedule being deleted.
 */
import { ValidationError } from "../../../core/errors.js";
import type { HistoryDeletion, HistoryDeletionOutcome } from "../../../ports/schedule-store.js";
import { checkHistoryDeletion } from "../../retention-args.js";
import { parseId } from "../arguments.js";
import type { PgDatabase } from "../database.js";

/**
 * The statement's SQL for schema `s` (exported for the plan test). Contract: inputs cutoff,
 * cursor (at, id), limit, keepLatest. `examined`: up to `limit` entries recorded before the
 * cutoff after the cursor, in (at, id) order; `bounds`: per schedule among them, the id of its
 * (keepLatest+1)-th newest entry (null: it has at most keepLatest, none goes); deletes the
 * examined entries at or below their bound. Returns the number deleted and examined, and the
 * last examined entry.
 */
export function historyRetentionSql(s: string): string {
  return `WITH examined AS (
       SELECT id, schedule_id, at FROM ${s}.schedule_history
        WHERE at < $1 AND (at, id) > ($2, $3::bigint)
        ORDER BY at, id LIMIT $4
     ),
     bounds AS (
       SELECT d.schedule_id,
              (SELECT h.id FROM ${s}.schedule_history AS h
                WHERE h.schedule_id = d.schedule_id
                ORDER BY h.id DESC OFFSET $5 LIMIT 1) AS bound
         FROM (SELECT DISTINCT schedule_id FROM examined) AS d
     ),
     gone AS (
       DELETE FROM ${s}.schedule_history AS h
        USING examined AS e JOIN bounds AS b ON b.schedule_id = e.schedule_id
        WHERE h.id = e.id AND e.id <= b.bound
        RETURNING h.id
     ),
     last AS (SELECT at, id FROM examined ORDER BY at DESC, id DESC LIMIT 1)
     SELECT (SELECT count(*) FROM gone)::int AS deleted,
            (SELECT count(*) FROM examined)::int AS examined,
            (SELECT at FROM last) AS last_at,
            (SELECT id FROM last) AS last_id`;
}

/** Delete up to `limit` old history entries (see the module header). */
export async function deleteScheduleHistory(
  db: PgDatabase,
  deletion: HistoryDeletion,
): Promise<HistoryDeletionOutcome> {
  const { recordedBefore, keepLatest, limit, after } = checkHistoryDeletion(deletion);
  if (limit === 0) return { deleted: 0, next: after };
  let afterId = "0";
  if (after !== null) {
    const id = parseId(after.id);
    if (id === null) {
      throw new ValidationError(
        `deleteScheduleHistory: after.id ${JSON.stringify(after.id)} is not a cursor of this store`,
      );
    }
    afterId = id;
  }
  const s = db.s;
  const { rows } = await db.query<{
    deleted: number;
    examined: number;
    last_at: number | null;
    last_id: number | null;
  }>(historyRetentionSql(s), [
    recordedBefore,
    after?.at ?? Number.MIN_SAFE_INTEGER,
    afterId,
    limit,
    keepLatest,
  ]);
  const row = rows[0]!;
  return {
    deleted: row.deleted,
    next:
      row.examined < limit || row.last_at === null || row.last_id === null
        ? null
        : { at: row.last_at, id: String(row.last_id) },
  };
}
