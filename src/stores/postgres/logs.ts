/**
 * @module stores/postgres/logs
 * Statement family: job log lines (`job_logs`). Lines are deleted with their job
 * (ON DELETE CASCADE), which is how retention deletes them.
 */
import type { JobLogLine } from "../../ports/job-store.js";
import { clampLimit, parseId, pgText } from "./arguments.js";
import type { PgDatabase } from "./database.js";

/** Default number of lines `getLogs` returns. */
export const DEFAULT_LOG_LIMIT = 1000;
const MAX_LOG_LIMIT = 100_000;

/**
 * Contract: inputs lines; inserts, in one statement and in the given order (ids ascend in that
 * order, so lines with the same `at` keep their append order), the lines whose job exists; a
 * line for a job removed meanwhile is dropped rather than failing the others. The level is
 * checked by the table's CHECK constraint.
 */
export async function appendLogs(db: PgDatabase, lines: readonly JobLogLine[]): Promise<void> {
  const valid = lines.flatMap((line) => {
    const id = parseId(line.jobId);
    return id === null ? [] : [{ ...line, id }];
  });
  if (valid.length === 0) return;
  await db.query(
    `INSERT INTO ${db.s}.job_logs (job_id, attempt, at, level, message)
     SELECT r.job_id, r.attempt, r.at, r.level, r.message
       FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::text[], $5::text[])
            WITH ORDINALITY AS r(job_id, attempt, at, level, message, ord)
      WHERE EXISTS (SELECT 1 FROM ${db.s}.jobs AS j WHERE j.id = r.job_id)
      ORDER BY r.ord`,
    [
      valid.map((l) => l.id),
      valid.map((l) => l.attempt),
      valid.map((l) => l.at),
      valid.map((l) => l.level),
      valid.map((l) => pgText(l.message)),
    ],
  );
}

/**
 * Contract: inputs job id, a limit and an optional seq; the job's lines, oldest first (at, then
 * append order), or with `after` only the lines whose id is greater, in append order.
 */
export async function getLogs(
  db: PgDatabase,
  jobId: string,
  limit?: number,
  after?: number,
): Promise<JobLogLine[]> {
  const id = parseId(jobId);
  if (id === null) return [];
  const max = clampLimit(limit, DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT);
  const { rows } = await db.query<{
    id: string;
    job_id: number;
    attempt: number;
    at: number;
    level: JobLogLine["level"];
    message: string;
  }>(
    after === undefined
      ? `SELECT id, job_id, attempt, at, level, message FROM ${db.s}.job_logs
          WHERE job_id = $1 ORDER BY at, id LIMIT $2`
      : `SELECT id, job_id, attempt, at, level, message FROM ${db.s}.job_logs
          WHERE job_id = $1 AND id > $3 ORDER BY id LIMIT $2`,
    after === undefined ? [id, max] : [id, max, after],
  );
  return rows.map((row) => ({
    jobId: String(row.job_id),
    attempt: row.attempt,
    at: row.at,
    level: row.level,
    message: row.message,
    seq: Number(row.id),
  }));
}
