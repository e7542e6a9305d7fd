/**
 * @module stores/sqlite/job-row
 * The mapping from a `jobs` row to the port's StoredJob. JSON columns are parsed here and
 * nowhere else.
 *
 * Rows come in two shapes: objects (`JobRow`, better-sqlite3's default; `rowToJob`) and arrays
 * (`JobTuple`, from statements in raw mode selecting `JOB_COLUMNS`; `tupleToJob`). The hot and
 * bulk paths (claim, get, list) use arrays: better-sqlite3 builds a row object by setting each
 * of the 29 columns as a named property through the V8 API, about 6 µs per row here, against
 * about 2.4 µs for an array — more than the UPDATE that claims the job. A new column goes into
 * `JobRow` and `rowToJob` (shared, `stores/job-row.ts`), `JOB_COLUMNS`, `JobTuple`, `COL` and
 * `tupleToJob`.
 */
import { StoreError } from "../../core/errors.js";
import { isJobState } from "../../core/jobs/states.js";
import type { StoredJob } from "../../ports/job-store.js";
import { parseBackoff, parseJobError, toOrigin } from "../job-row.js";

export { errorToJson, rowToJob, type JobRow } from "../job-row.js";

/**
 * The columns of a `jobs` row in `JobTuple` order. Statements that map rows with `tupleToJob`
 * select exactly this list and run in raw mode.
 */
export const JOB_COLUMNS = `id, fn, state, attempt, max_attempts, payload, result, error,
  progress_percent, progress_message, progress_at, priority, run_at, idempotency_key,
  concurrency_key, concurrency_limit, created_at, updated_at, started_at, finished_at,
  lease_owner, lease_expires_at, lease_token, cancel_requested_at, backoff, timeout_ms,
  origin_kind, origin_id, origin_key`;

/** A `jobs` row as a raw-mode statement selecting `JOB_COLUMNS` returns it. */
export type JobTuple = readonly [
  id: number,
  fn: string,
  state: string,
  attempt: number,
  maxAttempts: number,
  payload: string,
  result: string | null,
  error: string | null,
  progressPercent: number | null,
  progressMessage: string | null,
  progressAt: number | null,
  priority: number,
  runAt: number,
  idempotencyKey: string | null,
  concurrencyKey: string | null,
  concurrencyLimit: number,
  createdAt: number,
  updatedAt: number,
  startedAt: number | null,
  finishedAt: number | null,
  leaseOwner: string | null,
  leaseExpiresAt: number | null,
  leaseToken: string | null,
  cancelRequestedAt: number | null,
  backoff: string | null,
  timeoutMs: number | null,
  originKind: string,
  originId: string | null,
  originKey: string | null,
];

/** Position of each column in a `JobTuple` (and in `JOB_COLUMNS`). */
export const COL = {
  id: 0,
  fn: 1,
  state: 2,
  attempt: 3,
  maxAttempts: 4,
  payload: 5,
  result: 6,
  error: 7,
  progressPercent: 8,
  progressMessage: 9,
  progressAt: 10,
  priority: 11,
  runAt: 12,
  idempotencyKey: 13,
  concurrencyKey: 14,
  concurrencyLimit: 15,
  createdAt: 16,
  updatedAt: 17,
  startedAt: 18,
  finishedAt: 19,
  leaseOwner: 20,
  leaseExpiresAt: 21,
  leaseToken: 22,
  cancelRequestedAt: 23,
  backoff: 24,
  timeoutMs: 25,
  originKind: 26,
  originId: 27,
  originKey: 28,
} as const;

/**
 * Map a raw row to a StoredJob: the same mapping as `rowToJob` (keep the two in step), by
 * column position. Throws StoreError for a row no Kairos version could have written.
 */
export function tupleToJob(row: JobTuple): StoredJob {
  const id = row[COL.id];
  const state = row[COL.state];
  if (!isJobState(state)) {
    throw new StoreError(`job ${id} has unknown state "${state}" in the database`);
  }
  const error = row[COL.error];
  const percent = row[COL.progressPercent];
  const backoff = row[COL.backoff];
  return {
    id: String(id),
    fn: row[COL.fn],
    state,
    attempt: row[COL.attempt],
    maxAttempts: row[COL.maxAttempts],
    payloadJson: row[COL.payload],
    resultJson: row[COL.result],
    error: error === null ? null : parseJobError(id, error),
    progress:
      percent === null
        ? null
        : {
            percent,
            message: row[COL.progressMessage],
            at: row[COL.progressAt] ?? row[COL.updatedAt],
          },
    priority: row[COL.priority],
    runAt: row[COL.runAt],
    idempotencyKey: row[COL.idempotencyKey],
    concurrencyKey: row[COL.concurrencyKey],
    concurrencyLimit: row[COL.concurrencyLimit],
    createdAt: row[COL.createdAt],
    updatedAt: row[COL.updatedAt],
    startedAt: row[COL.startedAt],
    finishedAt: row[COL.finishedAt],
    leaseOwner: row[COL.leaseOwner],
    leaseExpiresAt: row[COL.leaseExpiresAt],
    leaseToken: row[COL.leaseToken],
    cancelRequestedAt: row[COL.cancelRequestedAt],
    backoff: backoff === null ? null : parseBackoff(id, backoff),
    timeoutMs: row[COL.timeoutMs],
    origin: toOrigin(id, row[COL.originKind], row[COL.originId], row[COL.originKey]),
  };
}
