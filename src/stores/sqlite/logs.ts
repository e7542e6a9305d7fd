/**
 * @module stores/sqlite/logs
 * Statement family: job log lines (`job_logs`). Lines are deleted with their job
 * (ON DELETE CASCADE), which is how retention deletes them.
 */
import type Database from "better-sqlite3";
import type { JobLogLine } from "../../ports/job-store.js";
import { clampLimit, parseJobId } from "./arguments.js";

/** Default number of lines `getLogs` returns. */
export const DEFAULT_LOG_LIMIT = 1000;
const MAX_LOG_LIMIT = 100_000;

interface LogRow {
  id: number;
  job_id: number;
  attempt: number;
  at: number;
  level: JobLogLine["level"];
  message: string;
}

/** The log statements, prepared once per store. */
export interface LogStatements {
  /** Append lines in one transaction; lines of jobs that do not exist are dropped. */
  append(lines: readonly JobLogLine[]): void;
  /**
   * Lines of a job, oldest first (by `at`, then insertion order), at most `limit`; with
   * `after`, only the lines whose `seq` is greater, in append order.
   */
  get(jobId: string, limit?: number, after?: number): JobLogLine[];
}

/** Prepare the log statements once. */
export function prepareLogs(db: Database.Database): LogStatements {
  // Contract: inputs job id, attempt, at, level, message; inserts one line if the job exists,
  // none otherwise (a line for a job removed meanwhile must not fail the other lines of the
  // batch). The level is checked by the table's CHECK constraint.
  const insert = db.prepare<[number, number, string, string, number]>(
    `INSERT INTO job_logs (job_id, attempt, at, level, message)
     SELECT id, ?, ?, ?, ? FROM jobs WHERE id = ?`,
  );

  // Contract: inputs job id and a limit; the job's lines, oldest first. Uses job_logs_job_at_idx.
  const select = db.prepare<[number, number], LogRow>(
    `SELECT id, job_id, attempt, at, level, message FROM job_logs
      WHERE job_id = ? ORDER BY at, id LIMIT ? + 0`,
  );

  // Contract: inputs job id, a seq and a limit; the job's lines appended after that seq, in
  // append order. Uses job_logs_job_at_idx (job_id prefix).
  const selectAfter = db.prepare<[number, number, number], LogRow>(
    `SELECT id, job_id, attempt, at, level, message FROM job_logs
      WHERE job_id = ? AND id > ? ORDER BY id LIMIT ? + 0`,
  );

  const appendBatch = db.transaction((lines: readonly JobLogLine[]) => {
    for (const line of lines) {
      const id = parseJobId(line.jobId);
      if (id !== null) insert.run(line.attempt, line.at, line.level, line.message, id);
    }
  });

  return {
    append: (lines) => {
      if (lines.length > 0) appendBatch.immediate(lines);
    },
    get: (jobId, limit, after) => {
      const id = parseJobId(jobId);
      if (id === null) return [];
      const max = clampLimit(limit, DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT);
      const rows = after === undefined ? select.all(id, max) : selectAfter.all(id, after, max);
      return rows.map((row) => ({
        jobId: String(row.job_id),
        attempt: row.attempt,
        at: row.at,
        level: row.level,
        message: row.message,
        seq: row.id,
      }));
    },
  };
}
