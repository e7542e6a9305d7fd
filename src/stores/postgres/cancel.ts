/**
 * @module stores/postgres/cancel
 * Statement family: cancellation. One transaction locks the job row (`FOR UPDATE`: a concurrent
 * claim, finalization or cancel of the job waits for it, or it for them) and applies the one
 * change the state allows:
 *
 *   scheduled, queued, retrying, stopped -> cancelled now (nothing runs it any more)
 *   running                              -> cancel_requested_at set (first request only) and
 *                                           `pg_notify` so the worker's process hears of it
 *                                           at once; the worker finalizes the job
 *   succeeded, failed, cancelled, timed_out -> unchanged (already_finished)
 *
 * A job cancelled at once has reached a terminal state: its UPDATE is the CTE `done`, followed
 * by the registered completion hooks' stages (`completion-hooks.ts`) in the same statement, so
 * the owner of the job's kind records it in the cancel's transaction (a hook's error rolls the
 * cancel back). A cancel request on a running job runs no hook.
 */
import { isTerminal } from "../../core/jobs/states.js";
import type { CancelOutcome, JobErrorInfo } from "../../ports/job-store.js";
import { parseId } from "./arguments.js";
import type { PgCompletionHooks } from "./completion-hooks.js";
import { exec, type PgDatabase, type Queryable } from "./database.js";
import { errorToJson, type JobRow, jobColumns, rowToJob } from "./job-row.js";

const COLS = jobColumns();

/** The error stored on a job cancelled before it ran. */
export const CANCELLED_BEFORE_RUN: JobErrorInfo = {
  name: "JobCancelledError",
  message: "cancelled before it ran",
  code: "JOB_CANCELLED",
};

/** Cancel one job atomically; see the module notes. */
export async function cancel(
  db: PgDatabase,
  hooks: PgCompletionHooks,
  jobId: string,
  now: number,
): Promise<CancelOutcome> {
  const id = parseId(jobId);
  if (id === null) return { kind: "not_found" };
  return db.transaction((client) => cancelInTransaction(client, db, hooks, id, now));
}

/**
 * Cancel one job inside the caller's open transaction on `client` (the workflow store's
 * `updateRun` cancels a run's jobs in its own transaction); `id` is a parsed id (`parseId`).
 * Same statements and outcomes as `cancel`; the job row stays locked until the caller commits.
 */
export async function cancelInTransaction(
  client: Queryable,
  db: Pick<PgDatabase, "s" | "channel">,
  hooks: PgCompletionHooks,
  id: string,
  now: number,
): Promise<CancelOutcome> {
  const { s } = db;
  // Contract: input a job id; the row, locked until the transaction ends.
  const found = await exec<JobRow>(
    client,
    `SELECT ${COLS} FROM ${s}.jobs WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const row = found.rows[0];
  if (row === undefined) return { kind: "not_found" };
  const job = rowToJob(row);
  if (job.state === "running") {
    // Contract: inputs id, now; marks the running job cancel-requested. Only the first
    // request sets the instant; later ones change nothing.
    const { rows } = await exec<JobRow>(
      client,
      `UPDATE ${s}.jobs SET cancel_requested_at = $2, updated_at = $2
        WHERE id = $1 AND state = 'running' AND cancel_requested_at IS NULL
        RETURNING ${COLS}`,
      [id, now],
    );
    // Contract: wakes the schema's listeners at commit (the worker may be in another process).
    await exec(client, "SELECT pg_notify($1, 'cancel')", [db.channel]);
    const updated = rows[0];
    return { kind: "cancel_requested", job: updated === undefined ? job : rowToJob(updated) };
  }
  if (isTerminal(job.state)) return { kind: "already_finished", job };
  // Contract: inputs id, now, error JSON; the locked, waiting job becomes cancelled, finished
  // now, and the completion hook of its kind runs (stages after `done`). Guarded by state so
  // it can never touch a running or finished job.
  const { rows } = await exec<JobRow>(
    client,
    `WITH done AS (
     UPDATE ${s}.jobs
        SET state = 'cancelled', error = $3, finished_at = $2, updated_at = $2,
            lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
      WHERE id = $1 AND state IN ('scheduled', 'queued', 'retrying', 'stopped')
      RETURNING ${COLS}
     )${hooks.ctes(s, "done")}
     SELECT ${COLS} FROM done`,
    [id, now, errorToJson(CANCELLED_BEFORE_RUN)],
  );
  const updated = rows[0];
  if (updated === undefined) throw new Error(`job ${id} in state ${job.state} was not cancelled`);
  return { kind: "cancelled", job: rowToJob(updated) };
}
