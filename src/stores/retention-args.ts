/**
 * @module stores/retention-args
 * The checks both adapters apply to the arguments of the retention methods
 * (`JobStore.deleteFinishedJobs`, `ScheduleStore.deleteScheduleHistory`), so that they accept
 * and refuse exactly the same inputs. A bad argument is a ValidationError and nothing is
 * deleted.
 */
import { ValidationError } from "../core/errors.js";
import type { FinishedJobsDeletion } from "../ports/job-store.js";
import type { HistoryCursor, HistoryDeletion } from "../ports/schedule-store.js";

/** The largest batch a retention call accepts: larger ones would hold the write lock too long. */
export const MAX_RETENTION_BATCH = 10_000;

/** `deleteFinishedJobs` arguments, checked. */
export interface CheckedJobsDeletion {
  readonly finishedBefore: number;
  readonly fn: string | null;
  readonly excludeFns: readonly string[];
  readonly limit: number;
}

/** `deleteScheduleHistory` arguments, checked; the cursor id is the caller's string. */
export interface CheckedHistoryDeletion {
  readonly recordedBefore: number;
  readonly keepLatest: number;
  readonly limit: number;
  readonly after: HistoryCursor | null;
}

function integer(value: unknown, what: string, min: number, max: number): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max) {
    return value;
  }
  throw new ValidationError(
    `${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
  );
}

/** Check the arguments of `deleteFinishedJobs`. */
export function checkJobsDeletion(deletion: FinishedJobsDeletion): CheckedJobsDeletion {
  const where = "deleteFinishedJobs";
  const fn = deletion.fn ?? null;
  if (fn !== null && typeof fn !== "string") {
    throw new ValidationError(`${where}: fn must be a function name, got ${JSON.stringify(fn)}`);
  }
  const excludeFns = deletion.excludeFns ?? [];
  if (!Array.isArray(excludeFns) || excludeFns.some((name) => typeof name !== "string")) {
    throw new ValidationError(`${where}: excludeFns must be an array of function names`);
  }
  return {
    finishedBefore: integer(
      deletion.finishedBefore,
      `${where}: finishedBefore`,
      Number.MIN_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER,
    ),
    fn,
    excludeFns,
    limit: integer(deletion.limit, `${where}: limit`, 0, MAX_RETENTION_BATCH),
  };
}

/** Check the arguments of `deleteScheduleHistory`. */
export function checkHistoryDeletion(deletion: HistoryDeletion): CheckedHistoryDeletion {
  const where = "deleteScheduleHistory";
  const after = deletion.after ?? null;
  if (
    after !== null &&
    (typeof after.id !== "string" ||
      typeof after.at !== "number" ||
      !Number.isSafeInteger(after.at))
  ) {
    throw new ValidationError(
      `${where}: after must be the cursor a previous call returned, got ${JSON.stringify(after)}`,
    );
  }
  return {
    recordedBefore: integer(
      deletion.recordedBefore,
      `${where}: recordedBefore`,
      Number.MIN_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER,
    ),
    keepLatest: integer(deletion.keepLatest, `${where}: keepLatest`, 0, MAX_RETENTION_BATCH),
    limit: integer(deletion.limit, `${where}: limit`, 0, MAX_RETENTION_BATCH),
    after,
  };
}
