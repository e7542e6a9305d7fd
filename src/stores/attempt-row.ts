/**
 * @module stores/attempt-row
 * The one mapping from a row of the attempt-history read (`job_attempts` records, then the
 * running attempt from `jobs`) to the port's StoredJobAttempt, shared by the SQLite and
 * PostgreSQL adapters. Both reads return the same columns, in this order, oldest first.
 */
import { StoreError } from "../core/errors.js";
import { isJobAttemptOutcome, type StoredJobAttempt } from "../core/jobs/attempts.js";
import { parseJobError } from "./job-row.js";

/**
 * A row of the attempt read: a record, or the running attempt (outcome `running`, finished_at,
 * error and duration_ms NULL). PostgreSQL returns BIGINT columns as numbers (the adapter's
 * type parser), like SQLite.
 */
export interface AttemptRow {
  job_id: number;
  attempt: number;
  worker_id: string | null;
  started_at: number;
  finished_at: number | null;
  outcome: string;
  error: string | null;
  duration_ms: number | null;
}

/** The SELECT list both adapters read the attempts with (see AttemptRow). */
export const ATTEMPT_COLUMNS =
  "job_id, attempt, worker_id, started_at, finished_at, outcome, error, duration_ms";

/** Map a row to a StoredJobAttempt. Throws StoreError for a row no Kairos version wrote. */
export function rowToAttempt(row: AttemptRow): StoredJobAttempt {
  const outcome = row.outcome;
  if (outcome !== "running" && !isJobAttemptOutcome(outcome)) {
    throw new StoreError(
      `job ${row.job_id} has an attempt with unknown outcome "${outcome}" in the database`,
    );
  }
  return {
    attempt: row.attempt,
    workerId: row.worker_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome,
    error: row.error === null ? null : parseJobError(row.job_id, row.error),
    durationMs: row.duration_ms,
  };
}
