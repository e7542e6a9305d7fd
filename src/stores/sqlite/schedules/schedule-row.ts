/**
 * @module stores/sqlite/schedules/schedule-row
 * The mapping between the schedule port's types and the SQLite `schedules`, `schedule_history`
 * and `functions` rows, both ways. The checks are driver-neutral and shared with the PostgreSQL
 * adapter (`stores/schedule-row.ts`); this file only bridges the column types SQLite stores its
 * own way: `enabled` is 0/1 and `buffered_slots` JSON text.
 */
import { StoreError } from "../../../core/errors.js";
import type { ScheduleDeclaration, StoredSchedule } from "../../../ports/schedule-store.js";
import {
  declarationToParams as checkedDeclaration,
  instant,
  rowToDeclaration as neutralRowToDeclaration,
  rowToSchedule as neutralRowToSchedule,
  type DeclarationParams as NeutralDeclarationParams,
  type ScheduleColumns,
} from "../../schedule-row.js";

export {
  checkCursor,
  checkHistoryKind,
  functionToParams,
  instant,
  instantOrNull,
  rowToFunction,
  rowToHistory,
  type FunctionRow,
  type HistoryRow,
} from "../../schedule-row.js";

/** A `schedules` row as better-sqlite3 returns it (`SELECT *`). */
export interface ScheduleRow extends ScheduleColumns {
  enabled: number;
  buffered_slots: string;
}

/** The declared columns of a `schedules` row, as statement parameters (`enabled` as 0/1). */
export interface DeclarationParams extends Omit<NeutralDeclarationParams, "enabled"> {
  enabled: 0 | 1;
}

/** Check a declaration and turn it into the declared columns. Throws ValidationError. */
export function declarationToParams(d: ScheduleDeclaration): DeclarationParams {
  const params = checkedDeclaration(d);
  return { ...params, enabled: params.enabled ? 1 : 0 };
}

/** The declaration a row holds (the inverse of `declarationToParams`). */
export function rowToDeclaration(row: ScheduleRow): ScheduleDeclaration {
  return neutralRowToDeclaration(row, row.enabled === 1);
}

/** Map a row to a StoredSchedule. Throws StoreError for a row no Kairos version could have written. */
export function rowToSchedule(row: ScheduleRow): StoredSchedule {
  return neutralRowToSchedule(row, row.enabled === 1, parseBufferedSlots);
}

function parseBufferedSlots(row: ScheduleRow): number[] {
  let value: unknown;
  try {
    value = JSON.parse(row.buffered_slots);
  } catch (cause) {
    throw new StoreError(`schedule ${row.id} has a buffered_slots column that is not JSON`, {
      cause,
    });
  }
  if (!Array.isArray(value) || !value.every((v): v is number => typeof v === "number")) {
    throw new StoreError(`schedule ${row.id} has a buffered_slots column that is not a number[]`);
  }
  return value;
}

/** JSON text for `buffered_slots`: exactly `[]` when empty (the buffered index relies on it). */
export function bufferedSlotsToJson(slots: readonly number[]): string {
  slots.forEach((slot, i) => instant(slot, `bufferedSlots[${i}]`));
  return JSON.stringify(slots);
}
