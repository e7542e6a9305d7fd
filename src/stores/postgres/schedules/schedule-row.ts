/**
 * @module stores/postgres/schedules/schedule-row
 * The mapping between the schedule port's types and the PostgreSQL `schedules`,
 * `schedule_history` and `functions` rows, both ways.
 *
 * Validation is shared with the SQLite adapter (`stores/schedule-row.ts`, driver-neutral): the
 * same input is a ValidationError on both stores, with the same message, and the same
 * impossible row is a StoreError on read. This file only bridges the column types that differ:
 * `enabled` is BOOLEAN here (0/1 in SQLite) and `buffered_slots` a BIGINT[] (JSON text in
 * SQLite). BIGINT scalars arrive as JS numbers (see `database.ts`); elements of a BIGINT[]
 * arrive as decimal strings (the pool parses only scalar int8).
 */
import { StoreError } from "../../../core/errors.js";
import type { ScheduleDeclaration, StoredSchedule } from "../../../ports/schedule-store.js";
import {
  instant,
  rowToDeclaration as neutralRowToDeclaration,
  rowToSchedule as neutralRowToSchedule,
  type DeclarationParams,
  type ScheduleColumns,
} from "../../schedule-row.js";

export {
  checkCursor,
  checkHistoryKind,
  declarationToParams,
  functionToParams,
  instant,
  instantOrNull,
  rowToFunction,
  rowToHistory,
  type DeclarationParams,
  type FunctionRow,
  type HistoryRow,
} from "../../schedule-row.js";

/**
 * The columns of a `schedules` row, for SELECT and RETURNING lists. Statements name the columns
 * rather than `*`, as the job store's do: they are prepared per connection (`exec`), and
 * PostgreSQL refuses to run a prepared `SELECT *` whose result columns changed, which would
 * break running processes the moment a newer Kairos adds a column in a migration.
 */
export const SCHEDULE_COLUMNS = [
  "id",
  "name",
  "fn",
  "kind",
  "cron",
  "timezone",
  "every_ms",
  "at",
  "payload",
  "enabled",
  "pause_note",
  "overlap",
  "buffer_limit",
  "catchup",
  "catchup_window_ms",
  "jitter_ms",
  "source",
  "created_at",
  "updated_at",
  "next_slot_at",
  "next_due_at",
  "last_slot_at",
  "last_fired_at",
  "last_status",
  "last_job_id",
  "run_count",
  "buffered_slots",
  "last_error",
].join(", ");

/** The columns of a `functions` row (see `SCHEDULE_COLUMNS`). */
export const FUNCTION_COLUMNS = "name, kind, spec, source, created_at, updated_at";

/** A `schedules` row as the pool returns it (`SELECT ${SCHEDULE_COLUMNS}`). */
export interface ScheduleRow extends ScheduleColumns {
  enabled: boolean;
  buffered_slots: readonly (string | number)[];
}

/**
 * The declared columns as positional values, in the order of the column list
 * `name, fn, kind, cron, timezone, every_ms, at, payload, enabled, pause_note, overlap,
 * buffer_limit, catchup, catchup_window_ms, jitter_ms, source` ($1..$16 of the statements that
 * write them).
 */
export function declarationValues(p: DeclarationParams): unknown[] {
  return [
    p.name,
    p.fn,
    p.kind,
    p.cron,
    p.timezone,
    p.everyMs,
    p.at,
    p.payload,
    p.enabled,
    p.pauseNote,
    p.overlap,
    p.bufferLimit,
    p.catchup,
    p.catchupWindowMs,
    p.jitterMs,
    p.source,
  ];
}

/** The declaration a row holds (the inverse of `declarationToParams`). */
export function rowToDeclaration(row: ScheduleRow): ScheduleDeclaration {
  return neutralRowToDeclaration(row, row.enabled);
}

/** Map a row to a StoredSchedule. Throws StoreError for a row no Kairos version could have written. */
export function rowToSchedule(row: ScheduleRow): StoredSchedule {
  return neutralRowToSchedule(row, row.enabled, bufferedSlots);
}

function bufferedSlots(row: ScheduleRow): number[] {
  return row.buffered_slots.map((slot) => {
    const value = Number(slot);
    if (!Number.isSafeInteger(value)) {
      throw new StoreError(
        `schedule ${row.id} has a buffered slot ${JSON.stringify(slot)} that is not an instant`,
      );
    }
    return value;
  });
}

/** Check buffered slots given by a caller (each an instant); returns them as a new array. */
export function checkBufferedSlots(slots: readonly number[]): number[] {
  return slots.map((slot, i) => instant(slot, `bufferedSlots[${i}]`));
}
