/**
 * @module stores/postgres/workflows/create-runs
 * Statement family: creating runs — one run by hand (`createRun`) and the workflow scheduler's
 * batch (`createScheduledRuns`).
 *
 * A run is inserted with its task instances and its `run_created` history entry in ONE
 * statement (data-modifying CTEs over the inserted run row): `ON CONFLICT ON CONSTRAINT
 * workflow_runs_identity DO NOTHING` makes a second run for (workflow, logical_date)
 * impossible across processes — a concurrent insert of the same pair makes ours wait for it,
 * and when it commits ours inserts nothing (no task, no history) and the committed run is
 * read back as the duplicate. Runs are created `queued`, needs_plan false, last progress = now;
 * tasks `none`, try 0, max tries = retries + 1 from the run's definition, in definition order.
 *
 * `createScheduledRuns` is a compare-and-set on the cursor: one transaction locks the
 * workflow row (`FOR UPDATE`, so two schedulers of one workflow serialize and the second sees
 * the moved cursor), returns `stale` when the workflow is gone, paused or its cursor is not
 * the expected one, else inserts the runs (existing ones counted), the skipped intervals'
 * history, and moves the cursor forward only (GREATEST) with the next look.
 */
import { NotFoundError } from "../../../core/errors.js";
import type { NewRun, SkippedInterval, StoredRun } from "../../../core/workflows/store-types.js";
import type {
  CreateRunOutcome,
  ScheduledRunsOutcome,
  ScheduledRunsRequest,
} from "../../../ports/workflow-store.js";
import { exec, type PgDatabase, type Queryable } from "../database.js";
import { rowToRun, runColumns, type RunRow } from "./workflow-row.js";

const RUN_COLUMNS = runColumns();

/** Create one run in its own statement; NotFoundError when the workflow is unknown. */
export async function createRun(
  db: PgDatabase,
  run: NewRun,
  now: number,
): Promise<CreateRunOutcome> {
  try {
    return await insertRun(db.pool, db.s, run, now);
  } catch (error) {
    if (isUnknownWorkflow(error)) {
      throw new NotFoundError(
        `workflow "${run.workflow}" does not exist, so no run can be created for it; ` +
          `put the workflow first (kairos.yaml + apply, or the API)`,
      );
    }
    throw error;
  }
}

/** The scheduler's batch for one workflow (see the module header). */
export function createScheduledRuns(
  db: PgDatabase,
  request: ScheduledRunsRequest,
): Promise<ScheduledRunsOutcome> {
  const { s } = db;
  return db.transaction(async (client): Promise<ScheduledRunsOutcome> => {
    // Contract: input a name; the workflow's cursor and pause flag, the row locked until the
    // transaction ends (other batches, puts and pauses of the workflow wait).
    const { rows } = await exec<{ paused: boolean; latest_logical_date: number | null }>(
      client,
      `SELECT paused, latest_logical_date FROM ${s}.workflows WHERE name = $1 FOR UPDATE`,
      [request.workflow],
    );
    const row = rows[0];
    if (row === undefined || row.paused) return { kind: "stale" };
    if (row.latest_logical_date !== request.expectedLatestLogicalDate) return { kind: "stale" };

    const created: StoredRun[] = [];
    let existing = 0;
    for (const run of request.runs) {
      const outcome = await insertRun(client, s, run, request.now);
      if (outcome.kind === "created") created.push(outcome.run);
      else existing++;
    }
    await recordSkipped(client, s, request.workflow, request.skipped, request.now);
    // Contract: inputs name, new cursor, next look, now; the cursor never moves back
    // (GREATEST ignores NULL). The row is locked since the SELECT above.
    await exec(
      client,
      `UPDATE ${s}.workflows
          SET latest_logical_date = GREATEST(latest_logical_date, $2::bigint),
              next_run_after = $3, updated_at = $4
        WHERE name = $1`,
      [request.workflow, request.latestLogicalDate, request.nextRunAfter, request.now],
    );
    return { kind: "applied", created, existing };
  });
}

/** Insert a run with its tasks and history, or read the run holding its logical date. */
async function insertRun(
  q: Queryable,
  s: string,
  run: NewRun,
  now: number,
): Promise<CreateRunOutcome> {
  const tasks = run.definition.tasks;
  // Contract: inputs the run's fields ($1..$9), now, task ids and their max tries; inserts the
  // run unless (workflow, logical_date) is taken, and for the inserted row only its task
  // instances (definition order) and its run_created entry. No row: the date has a run.
  const { rows } = await exec<RunRow>(
    q,
    `WITH r AS (
       INSERT INTO ${s}.workflow_runs (workflow, logical_date, interval_start, interval_end,
                                       run_type, state, params, definition, note, created_at,
                                       updated_at, last_progress_at, needs_plan)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9, $9, $9, false)
       ON CONFLICT ON CONSTRAINT workflow_runs_identity DO NOTHING
       RETURNING ${RUN_COLUMNS}
     ), t AS (
       INSERT INTO ${s}.task_instances (run_id, task_id, position, state, try_number, max_tries,
                                        updated_at)
       SELECT r.id, u.task_id, u.ord, 'none', 0, u.max_tries, $9
         FROM r, unnest($10::text[], $11::int[]) WITH ORDINALITY AS u(task_id, max_tries, ord)
     ), h AS (
       INSERT INTO ${s}.workflow_history (workflow, at, kind, logical_date, run_id, reason)
       SELECT r.workflow, $9, 'run_created', r.logical_date, r.id, r.run_type FROM r
     )
     SELECT ${RUN_COLUMNS} FROM r`,
    [
      run.workflow,
      run.logicalDate,
      run.dataInterval.start,
      run.dataInterval.end,
      run.runType,
      JSON.stringify(run.params),
      JSON.stringify(run.definition),
      run.note ?? null,
      now,
      tasks.map((t) => t.id),
      tasks.map((t) => t.retries + 1),
    ],
  );
  if (rows[0] !== undefined) return { kind: "created", run: rowToRun(rows[0]) };
  // Contract: inputs workflow, logical date; the run holding them (committed: the insert above
  // waited for any concurrent inserter of the pair).
  const found = await exec<RunRow>(
    q,
    `SELECT ${RUN_COLUMNS} FROM ${s}.workflow_runs WHERE workflow = $1 AND logical_date = $2`,
    [run.workflow, run.logicalDate],
  );
  if (found.rows[0] === undefined) {
    throw new Error(`run of ${run.workflow} at ${run.logicalDate} conflicted but is not there`);
  }
  return { kind: "duplicate", run: rowToRun(found.rows[0]) };
}

/** Append one `interval_skipped` entry per skipped interval, in order. */
async function recordSkipped(
  q: Queryable,
  s: string,
  workflow: string,
  skipped: readonly SkippedInterval[],
  now: number,
): Promise<void> {
  if (skipped.length === 0) return;
  // Contract: inputs workflow, now, logical dates and reasons; one entry each, in order.
  await exec(
    q,
    `INSERT INTO ${s}.workflow_history (workflow, at, kind, logical_date, run_id, reason)
     SELECT $1, $2, 'interval_skipped', u.logical_date, NULL, u.reason
       FROM unnest($3::bigint[], $4::text[]) WITH ORDINALITY AS u(logical_date, reason, ord)
      ORDER BY u.ord`,
    [workflow, now, skipped.map((k) => k.logicalDate), skipped.map((k) => k.reason)],
  );
}

/** True for the foreign-key violation of a run whose workflow does not exist. */
function isUnknownWorkflow(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === "23503" && e.constraint === "workflow_runs_workflow_fkey";
}
