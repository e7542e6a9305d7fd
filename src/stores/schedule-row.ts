/**
 * @module stores/schedule-row
 * The driver-neutral half of the mapping between the schedule port's types and the
 * `schedules`, `schedule_history` and `functions` rows, shared by the SQLite and PostgreSQL
 * adapters. Enumerations are checked here (the tables carry no CHECK for them, see migration
 * 2): input that no row may hold is a ValidationError before anything is written, with the same
 * message on both stores; a row that no Kairos version could have written is a StoreError on
 * read. Each adapter's `schedules/schedule-row.ts` bridges the two columns whose type differs by
 * driver: `enabled` (0/1 in SQLite, BOOLEAN in PostgreSQL) and `buffered_slots` (JSON text in
 * SQLite, BIGINT[] in PostgreSQL).
 */
import { StoreError, ValidationError } from "../core/errors.js";
import { type JobOrigin, scheduleSlotOrigin } from "../core/jobs/origin.js";
import type {
  FireSlotRequest,
  CatchupPolicy,
  ObjectSource,
  OverlapPolicy,
  ScheduleDeclaration,
  ScheduleHistoryEntry,
  ScheduleRuntimeInit,
  ScheduleTiming,
  StoredFunction,
  StoredSchedule,
} from "../ports/schedule-store.js";

/**
 * Check that the job of a fireSlot request carries its slot's origin
 * `{ kind: "schedule", id: scheduleId, key: String(slotAt) }`; ValidationError otherwise.
 */
export function checkSlotOrigin(
  job: FireSlotRequest["job"],
  scheduleId: string,
  slotAt: number,
): void {
  if (job === null) return;
  const expected = scheduleSlotOrigin(scheduleId, slotAt);
  const origin = job.origin as JobOrigin | undefined;
  if (origin?.kind !== expected.kind || origin.id !== expected.id || origin.key !== expected.key) {
    throw new ValidationError(
      `the job of a fireSlot must carry its slot's origin ${JSON.stringify(expected)}; ` +
        `got ${JSON.stringify(origin ?? null)}`,
    );
  }
}

/** The columns of a `schedules` row that both drivers return alike (all but `enabled` and `buffered_slots`). */
export interface ScheduleColumns {
  id: number;
  name: string;
  fn: string;
  kind: string;
  cron: string | null;
  timezone: string | null;
  every_ms: number | null;
  at: number | null;
  payload: string;
  pause_note: string | null;
  overlap: string;
  buffer_limit: number;
  catchup: string;
  catchup_window_ms: number;
  jitter_ms: number;
  source: string;
  created_at: number;
  updated_at: number;
  next_slot_at: number | null;
  next_due_at: number | null;
  last_slot_at: number | null;
  last_fired_at: number | null;
  last_status: string | null;
  last_job_id: number | null;
  run_count: number;
  last_error: string | null;
}

/** The declared columns of a `schedules` row, checked; each adapter binds `enabled` its own way. */
export interface DeclarationParams {
  name: string;
  fn: string;
  kind: string;
  cron: string | null;
  timezone: string | null;
  everyMs: number | null;
  at: number | null;
  payload: string;
  enabled: boolean;
  pauseNote: string | null;
  overlap: string;
  bufferLimit: number;
  catchup: string;
  catchupWindowMs: number;
  jitterMs: number;
  source: string;
}

/** A `schedule_history` row. */
export interface HistoryRow {
  schedule_id: number;
  slot_at: number | null;
  at: number;
  kind: string;
  reason: string | null;
  job_id: number | null;
  message: string | null;
}

/** A `functions` row. */
export interface FunctionRow {
  name: string;
  kind: string;
  spec: string;
  source: string;
  created_at: number;
  updated_at: number;
}

type HistoryKind = ScheduleHistoryEntry["kind"];

// Records keyed by the port's unions: adding a member to a union breaks the build here.
const OVERLAP: Record<OverlapPolicy, true> = {
  skip: true,
  buffer_one: true,
  buffer_all: true,
  cancel_other: true,
  terminate_other: true,
  allow_all: true,
};
const CATCHUP: Record<CatchupPolicy, true> = { skip: true, latest: true, all: true };
const SOURCE: Record<ObjectSource, true> = { config: true, api: true };
const FUNCTION_SOURCE: Record<StoredFunction["source"], true> = {
  config: true,
  api: true,
  define: true,
};
const FUNCTION_KIND: Record<StoredFunction["kind"], true> = {
  http: true,
  command: true,
  module: true,
  inline: true,
};
const HISTORY_KIND: Record<HistoryKind, true> = {
  fired: true,
  caught_up: true,
  skipped: true,
  missed: true,
  buffered: true,
  dropped: true,
  completed: true,
  cancelled_other: true,
  error: true,
  warning: true,
  paused: true,
  resumed: true,
  prefire_cancelled: true,
};

function isMember<K extends string>(set: Record<K, true>, value: string): value is K {
  return Object.prototype.hasOwnProperty.call(set, value);
}

function oneOf<K extends string>(set: Record<K, true>, value: unknown, what: string): K {
  if (typeof value === "string" && isMember(set, value)) return value;
  throw new ValidationError(
    `${what} is ${JSON.stringify(value)}; expected one of ${Object.keys(set).join(", ")}`,
  );
}

function integer(value: unknown, what: string, min: number): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= min) return value;
  throw new ValidationError(
    `${what} is ${JSON.stringify(value)}; expected an integer of at least ${min}`,
  );
}

function text(value: unknown, what: string): string {
  if (typeof value === "string" && value !== "") return value;
  throw new ValidationError(`${what} is ${JSON.stringify(value)}; expected a non-empty string`);
}

function jsonText(value: unknown, what: string): string {
  if (typeof value === "string") {
    try {
      JSON.parse(value);
      return value;
    } catch {
      // fall through to the error below
    }
  }
  throw new ValidationError(`${what} must be JSON text, got ${JSON.stringify(value)}`);
}

/** An instant (ms since epoch, an integer); anything else is a ValidationError. */
export function instant(value: unknown, what: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  throw new ValidationError(
    `${what} is ${JSON.stringify(value)}; expected ms since epoch as an integer`,
  );
}

/** An instant or null; anything else is a ValidationError. */
export function instantOrNull(value: unknown, what: string): number | null {
  return value === null ? null : instant(value, what);
}

/** Check a cursor; returns it with `undefined` fields read as null. */
export function checkCursor(cursor: ScheduleRuntimeInit, what: string): ScheduleRuntimeInit {
  return {
    nextSlotAt: instantOrNull(cursor.nextSlotAt ?? null, `${what}.nextSlotAt`),
    nextDueAt: instantOrNull(cursor.nextDueAt ?? null, `${what}.nextDueAt`),
  };
}

/** Check a declaration and turn it into the declared columns. Throws ValidationError. */
export function declarationToParams(d: ScheduleDeclaration): DeclarationParams {
  const where = `schedule ${JSON.stringify(d.name)}`;
  if (typeof d.enabled !== "boolean") {
    throw new ValidationError(`${where}: enabled must be a boolean`);
  }
  if (d.pauseNote !== null && typeof d.pauseNote !== "string") {
    throw new ValidationError(`${where}: pauseNote must be a string or null`);
  }
  return {
    name: text(d.name, "schedule name"),
    fn: text(d.fn, `${where}: fn`),
    ...timingToParams(d.timing, where),
    payload: jsonText(d.payloadJson, `${where}: payloadJson`),
    enabled: d.enabled,
    pauseNote: d.pauseNote,
    overlap: oneOf(OVERLAP, d.overlap, `${where}: overlap`),
    bufferLimit: integer(d.bufferLimit, `${where}: bufferLimit`, 0),
    catchup: oneOf(CATCHUP, d.catchup, `${where}: catchup`),
    catchupWindowMs: integer(d.catchupWindowMs, `${where}: catchupWindowMs`, 0),
    jitterMs: integer(d.jitterMs, `${where}: jitterMs`, 0),
    source: oneOf(SOURCE, d.source, `${where}: source`),
  };
}

function timingToParams(
  timing: ScheduleTiming,
  where: string,
): Pick<DeclarationParams, "kind" | "cron" | "timezone" | "everyMs" | "at"> {
  const none = { cron: null, timezone: null, everyMs: null, at: null };
  switch (timing.kind) {
    case "cron":
      return {
        ...none,
        kind: "cron",
        cron: text(timing.cron, `${where}: timing.cron`),
        timezone: text(timing.timezone, `${where}: timing.timezone`),
      };
    case "every":
      return { ...none, kind: "every", everyMs: integer(timing.everyMs, `${where}: everyMs`, 1) };
    case "at":
      return { ...none, kind: "at", at: integer(timing.at, `${where}: timing.at`, 0) };
    default: {
      const never: never = timing;
      throw new ValidationError(`${where}: unknown timing ${JSON.stringify(never)}`);
    }
  }
}

/** The declaration a row holds (the inverse of `declarationToParams`); `enabled` as the driver reads it. */
export function rowToDeclaration(row: ScheduleColumns, enabled: boolean): ScheduleDeclaration {
  return {
    name: row.name,
    fn: row.fn,
    timing: rowToTiming(row),
    payloadJson: row.payload,
    enabled,
    pauseNote: row.pause_note,
    overlap: stored(OVERLAP, row.overlap, row, "overlap"),
    bufferLimit: row.buffer_limit,
    catchup: stored(CATCHUP, row.catchup, row, "catchup"),
    catchupWindowMs: row.catchup_window_ms,
    jitterMs: row.jitter_ms,
    source: stored(SOURCE, row.source, row, "source"),
  };
}

/**
 * Map a row to a StoredSchedule, with `enabled` and `bufferedSlots(row)` decoded by the adapter.
 * Throws StoreError for a row no Kairos version could have written.
 */
export function rowToSchedule<R extends ScheduleColumns>(
  row: R,
  enabled: boolean,
  bufferedSlots: (row: R) => number[],
): StoredSchedule {
  return {
    id: String(row.id),
    ...rowToDeclaration(row, enabled),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    nextSlotAt: row.next_slot_at,
    nextDueAt: row.next_due_at,
    lastSlotAt: row.last_slot_at,
    lastFiredAt: row.last_fired_at,
    lastStatus: row.last_status,
    lastJobId: row.last_job_id === null ? null : String(row.last_job_id),
    runCount: row.run_count,
    bufferedSlots: bufferedSlots(row),
    lastError: row.last_error,
  };
}

function rowToTiming(row: ScheduleColumns): ScheduleTiming {
  if (row.kind === "cron" && row.cron !== null && row.timezone !== null) {
    return { kind: "cron", cron: row.cron, timezone: row.timezone };
  }
  if (row.kind === "every" && row.every_ms !== null)
    return { kind: "every", everyMs: row.every_ms };
  if (row.kind === "at" && row.at !== null) return { kind: "at", at: row.at };
  throw new StoreError(
    `schedule ${row.id} ("${row.name}") has an invalid timing (kind "${row.kind}") in the database`,
  );
}

function stored<K extends string>(
  set: Record<K, true>,
  value: string,
  row: ScheduleColumns,
  column: string,
): K {
  if (isMember(set, value)) return value;
  throw new StoreError(
    `schedule ${row.id} ("${row.name}") has unknown ${column} "${value}" in the database`,
  );
}

/** Check a history kind given by a caller. */
export function checkHistoryKind(kind: unknown): HistoryKind {
  return oneOf(HISTORY_KIND, kind, "history kind");
}

/** Map a history row to the port's entry. */
export function rowToHistory(row: HistoryRow): ScheduleHistoryEntry {
  return {
    scheduleId: String(row.schedule_id),
    slotAt: row.slot_at,
    at: row.at,
    kind: storedHistoryKind(row),
    reason: row.reason,
    jobId: row.job_id === null ? null : String(row.job_id),
    message: row.message,
  };
}

function storedHistoryKind(row: HistoryRow): HistoryKind {
  if (isMember(HISTORY_KIND, row.kind)) return row.kind;
  throw new StoreError(
    `schedule ${row.schedule_id} has a history entry of unknown kind "${row.kind}" in the database`,
  );
}

/** Check a function to upsert and turn it into row parameters. Throws ValidationError. */
export function functionToParams(fn: Omit<StoredFunction, "createdAt" | "updatedAt">): {
  name: string;
  kind: string;
  spec: string;
  source: string;
} {
  const where = `function ${JSON.stringify(fn.name)}`;
  return {
    name: text(fn.name, "function name"),
    kind: oneOf(FUNCTION_KIND, fn.kind, `${where}: kind`),
    spec: jsonText(fn.specJson, `${where}: specJson`),
    source: oneOf(FUNCTION_SOURCE, fn.source, `${where}: source`),
  };
}

/** Map a function row to the port's StoredFunction. */
export function rowToFunction(row: FunctionRow): StoredFunction {
  if (!isMember(FUNCTION_KIND, row.kind) || !isMember(FUNCTION_SOURCE, row.source)) {
    throw new StoreError(
      `function "${row.name}" has unknown kind "${row.kind}" or source "${row.source}" in the database`,
    );
  }
  return {
    name: row.name,
    kind: row.kind,
    specJson: row.spec,
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
