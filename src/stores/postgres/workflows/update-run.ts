/**
 * @module stores/postgres/workflows/update-run
 * Statement family: `updateRun`, the one way a run and its tasks change after creation. ONE
 * transaction:
 *
 *   1. lock the run row (`SELECT ... FOR UPDATE`): two engines deciding one run serialize on
 *      it, and the second reads the first's writes;
 *   2. read the tasks and their jobs (the snapshot, one statement), call the caller's pure `decide` once
 *      (synchronously); a throw rolls back and is rethrown, null writes nothing;
 *   3. apply, in order: cancelJobs through the job store's cancel statement (a pending job
 *      ends `cancelled` and the completion hooks run in this transaction), the task rows (one
 *      UPDATE over unnest arrays; `outcome` cleared, updated_at = now), the jobs (those whose
 *      origin exists are not inserted again: the task gets the existing job's id; the others
 *      through `insertJobs`, then each task's job_id in one UPDATE), and the run row.
 *
 * Lock order: finalize and cancel lock a job row and then (the `workflow` hook) its task row and
 * the run row. Planning holds the run row and writes task rows, the reverse order, so before
 * writing anything it locks, `NOWAIT`, the live jobs the change touches: those it cancels and
 * those of tasks it writes whose job has not ended (decideAdvance never writes such a task; the
 * operations do, with a cancel). A job busy finishing makes the lock fail: the transaction rolls
 * back (releasing the run, so that finish completes) and starts again. No other job is locked,
 * so workers keep claiming, renewing leases and finishing the run's other jobs while it is
 * planned (locking every live job of a 10,000-task run starved their lease renewals). The
 * last attempt locks every live job of the run before the run row instead (the safe, slow
 * order), with no retry.

 * `needs_plan` after the change: false when `planned`, true otherwise — and true when a cancel
 * of this change finished a task's job and the change did not write that task (its outcome is
 * new to the planner).
 */
import { ValidationError } from "../../../core/errors.js";
import { isTerminal } from "../../../core/jobs/states.js";
import type {
  RunChange,
  RunSnapshot,
  StoredTaskInstance,
  TaskJobInsert,
  TaskInstanceWrite,
} from "../../../core/workflows/store-types.js";
import type { UpdateRunOutcome } from "../../../ports/workflow-store.js";
import { parseId } from "../arguments.js";
import { cancelInTransaction } from "../cancel.js";
import type { PgCompletionHooks } from "../completion-hooks.js";
import { exec, type PgDatabase, type Queryable } from "../database.js";
import { insertJobs } from "../enqueue.js";
import { errorToJson } from "../job-row.js";
import { readTasksWithJobs } from "./read-runs.js";
import { definitionOf, type RunDefinitionCache, runHeadColumns } from "./run-heads.js";
import { rowToRunWith, type RunHeadRow } from "./workflow-row.js";

/** The run row's columns but its definition, which never changes (see run-heads.ts). */
const RUN_HEAD_COLUMNS = runHeadColumns();
const ATTEMPTS = 4;

/** Thrown inside the transaction when a live job the change touches is busy: start again. */
class JobBusy extends Error {}

/**
 * What `updateRun` throws when `decide` threw (after the ROLLBACK): the caller rethrows
 * `error` as it was, not wrapped in StoreError.
 */
export class DecideFailed extends Error {
  constructor(readonly error: unknown) {
    super("decide threw");
  }
}

/** See the module header. */
export async function updateRun(
  db: PgDatabase,
  hooks: PgCompletionHooks,
  cache: RunDefinitionCache,
  runId: string,
  decide: (snapshot: RunSnapshot) => RunChange | null,
  now: number,
): Promise<UpdateRunOutcome> {
  const id = parseId(runId);
  if (id === null) return { kind: "not_found" };
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((client) =>
        decideAndApply(client, db, hooks, cache, id, decide, now, attempt === ATTEMPTS),
      );
    } catch (error) {
      if (!(error instanceof JobBusy)) throw error;
    }
  }
}

async function decideAndApply(
  client: Queryable,
  db: PgDatabase,
  hooks: PgCompletionHooks,
  cache: RunDefinitionCache,
  id: string,
  decide: (snapshot: RunSnapshot) => RunChange | null,
  now: number,
  lockAllLiveJobs: boolean,
): Promise<UpdateRunOutcome> {
  const { s } = db;
  if (lockAllLiveJobs) {
    // Contract: input a run id; locks its tasks' jobs that are not finished, in id order,
    // before the run row (the last attempt's order; see the module header).
    await exec(
      client,
      `SELECT id FROM ${s}.jobs
        WHERE id IN (SELECT job_id FROM ${s}.task_instances WHERE run_id = $1 AND job_id IS NOT NULL)
          AND state NOT IN ('succeeded', 'failed', 'cancelled', 'timed_out')
        ORDER BY id FOR UPDATE`,
      [id],
    );
  }
  // Contract: input a run id; the row (but its definition), locked until the transaction ends.
  const found = await exec<RunHeadRow>(
    client,
    `SELECT ${RUN_HEAD_COLUMNS} FROM ${s}.workflow_runs WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const head = found.rows[0];
  if (head === undefined) return { kind: "not_found" };
  const cached = await definitionOf(client, s, cache, head);
  if (cached === null) return { kind: "not_found" };
  const { definition } = cached;
  const run = rowToRunWith(head, definition);
  const { tasks, jobs } = await readTasksWithJobs(client, s, run.id);
  let change: RunChange | null;
  try {
    change = decide({ run, tasks, jobs });
  } catch (error) {
    throw new DecideFailed(error);
  }
  if (change === null) return { kind: "unchanged", run };
  if (!lockAllLiveJobs) await lockTouchedJobs(client, s, change, tasks, jobs);

  const cancelled = await cancelJobs(client, db, hooks, change.cancelJobs ?? [], now);
  const written = new Set<string>();
  await writeTasks(client, s, run.id, tasks, change.tasks ?? [], now, written);
  await insertTaskJobs(client, db, run.id, change.jobs ?? [], now, written);
  const unseen = tasks.some(
    (t) => t.jobId !== null && cancelled.has(t.jobId) && !written.has(t.taskId),
  );
  const row = await writeRun(client, s, run.id, change, !change.planned || unseen, now);
  return { kind: "applied", run: rowToRunWith(row, definition) };
}

/** Cancel through the job store's statement; returns the ids of jobs that ended `cancelled`. */
async function cancelJobs(
  client: Queryable,
  db: PgDatabase,
  hooks: PgCompletionHooks,
  ids: readonly string[],
  now: number,
): Promise<Set<string>> {
  const cancelled = new Set<string>();
  for (const jobId of ids) {
    const id = parseId(jobId);
    if (id === null) continue;
    const outcome = await cancelInTransaction(client, db, hooks, id, now);
    if (outcome.kind === "cancelled") cancelled.add(outcome.job.id);
  }
  return cancelled;
}

/** Overwrite the given task rows in one statement; ValidationError for an unknown or repeated id. */
async function writeTasks(
  client: Queryable,
  s: string,
  runId: string,
  tasks: readonly StoredTaskInstance[],
  writes: readonly TaskInstanceWrite[],
  now: number,
  written: Set<string>,
): Promise<void> {
  if (writes.length === 0) return;
  const known = new Set(tasks.map((t) => t.taskId));
  for (const w of writes) {
    if (!known.has(w.taskId) || written.has(w.taskId)) {
      throw new ValidationError(
        `updateRun of run ${runId}: task "${w.taskId}" is ${known.has(w.taskId) ? "written twice" : "not a task of the run"}; ` +
          `a change writes each task of the run at most once; nothing was written`,
      );
    }
    written.add(w.taskId);
  }
  const col = <T>(f: (w: TaskInstanceWrite) => T): T[] => writes.map(f);
  // Contract: inputs run id, now and one array per column; overwrites those task rows (all
  // columns but the keys), clears their outcome.
  await exec(
    client,
    `UPDATE ${s}.task_instances AS t
        SET state = u.state, try_number = u.try_number, max_tries = u.max_tries,
            job_id = u.job_id, retry_due_at = u.retry_due_at, queued_at = u.queued_at,
            started_at = u.started_at, finished_at = u.finished_at, error = u.error,
            note = u.note, outcome = NULL, updated_at = $2
       FROM unnest($3::text[], $4::text[], $5::int[], $6::int[], $7::bigint[], $8::bigint[],
                   $9::bigint[], $10::bigint[], $11::bigint[], $12::text[], $13::text[])
            AS u(task_id, state, try_number, max_tries, job_id, retry_due_at, queued_at,
                 started_at, finished_at, error, note)
      WHERE t.run_id = $1 AND t.task_id = u.task_id`,
    [
      runId,
      now,
      col((w) => w.taskId),
      col((w) => w.state),
      col((w) => w.tryNumber),
      col((w) => w.maxTries),
      col((w) => (w.jobId === null ? null : parseId(w.jobId))),
      col((w) => w.retryDueAt),
      col((w) => w.queuedAt),
      col((w) => w.startedAt),
      col((w) => w.finishedAt),
      col((w) => (w.error === null ? null : errorToJson(w.error))),
      col((w) => w.note),
    ],
  );
}

/**
 * Insert the task tries' jobs (a job whose origin exists is not inserted again: its id is
 * used) and set each task's job_id, outcome cleared, updated_at = now.
 */
async function insertTaskJobs(
  client: Queryable,
  db: PgDatabase,
  runId: string,
  inserts: readonly TaskJobInsert[],
  now: number,
  written: Set<string>,
): Promise<void> {
  if (inserts.length === 0) return;
  const { s } = db;
  // Contract: inputs origin triples; the ids of the jobs already holding them (jobs_origin_key_idx).
  const { rows } = await exec<{ ord: number; id: number }>(
    client,
    `SELECT u.ord, j.id
       FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(kind, oid, okey, ord)
       JOIN ${s}.jobs AS j
         ON j.origin_kind = u.kind AND j.origin_id = u.oid AND j.origin_key = u.okey`,
    [
      inserts.map((i) => i.job.origin.kind),
      inserts.map((i) => i.job.origin.id),
      inserts.map((i) => i.job.origin.key),
    ],
  );
  const jobIds: (string | null)[] = inserts.map(() => null);
  for (const row of rows) jobIds[row.ord - 1] = String(row.id);
  const fresh = inserts.flatMap((insert, index) => (jobIds[index] === null ? [index] : []));
  const outcomes = await insertJobs(
    client,
    db,
    fresh.map((index) => inserts[index]!.job),
    now,
  );
  fresh.forEach((index, k) => (jobIds[index] = outcomes[k]!.job.id));
  for (const insert of inserts) written.add(insert.taskId);
  // Contract: inputs run id, now, task ids and job ids; sets each task's current job.
  await exec(
    client,
    `UPDATE ${s}.task_instances AS t SET job_id = u.job_id, outcome = NULL, updated_at = $2
       FROM unnest($3::text[], $4::bigint[]) AS u(task_id, job_id)
      WHERE t.run_id = $1 AND t.task_id = u.task_id`,
    [runId, now, inserts.map((i) => i.taskId), jobIds],
  );
}

/** Write the run's given fields, needs_plan and updated_at; returns the row but its definition. */
async function writeRun(
  client: Queryable,
  s: string,
  runId: string,
  change: RunChange,
  needsPlan: boolean,
  now: number,
): Promise<RunHeadRow> {
  const r = change.run ?? {};
  // Contract: inputs run id, now, needs_plan, then (given?, value) per optional field; the run
  // row is locked by this transaction.
  const { rows } = await exec<RunHeadRow>(
    client,
    `UPDATE ${s}.workflow_runs
        SET state = CASE WHEN $4::boolean THEN $5::text ELSE state END,
            started_at = CASE WHEN $6::boolean THEN $7::bigint ELSE started_at END,
            finished_at = CASE WHEN $8::boolean THEN $9::bigint ELSE finished_at END,
            note = CASE WHEN $10::boolean THEN $11::text ELSE note END,
            last_progress_at = CASE WHEN $12::boolean THEN $13::bigint ELSE last_progress_at END,
            next_plan_at = CASE WHEN $14::boolean THEN $15::bigint ELSE next_plan_at END,
            needs_plan = $3, updated_at = $2
      WHERE id = $1
      RETURNING ${RUN_HEAD_COLUMNS}`,
    [
      runId,
      now,
      needsPlan,
      r.state !== undefined,
      r.state ?? null,
      r.startedAt !== undefined,
      r.startedAt ?? null,
      r.finishedAt !== undefined,
      r.finishedAt ?? null,
      r.note !== undefined,
      r.note ?? null,
      r.lastProgressAt !== undefined,
      r.lastProgressAt ?? null,
      r.nextPlanAt !== undefined,
      r.nextPlanAt ?? null,
    ],
  );
  return rows[0]!;
}

/** The live jobs `change` touches, locked NOWAIT (JobBusy when one is locked by a finisher). */
async function lockTouchedJobs(
  client: Queryable,
  s: string,
  change: RunChange,
  tasks: readonly StoredTaskInstance[],
  jobs: RunSnapshot["jobs"],
): Promise<void> {
  const ids = new Set(change.cancelJobs ?? []);
  const byTask = new Map(tasks.map((t) => [t.taskId, t.jobId]));
  for (const write of change.tasks ?? []) {
    const jobId = byTask.get(write.taskId) ?? null;
    const job = jobId === null ? undefined : jobs.get(jobId);
    if (jobId !== null && job !== undefined && !isTerminal(job.state)) ids.add(jobId);
  }
  const numeric = [...ids].map(parseId).filter((v): v is string => v !== null);
  if (numeric.length === 0) return;
  try {
    // Contract: input job ids; locks them in id order, failing at once when one is locked.
    await exec(
      client,
      `SELECT id FROM ${s}.jobs WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE NOWAIT`,
      [numeric],
    );
  } catch (error) {
    if ((error as { code?: unknown }).code === "55P03") throw new JobBusy();
    throw error;
  }
}
