/**
 * @module stores/postgres/run-control
 * The workflow-run half of the PostgreSQL ControlStore: recording a run's stop or start and
 * resolving requests. A record is one transaction that first locks the run's row
 * (`SELECT ... FOR UPDATE`), so callers racing on one run, in any process, run one after the
 * other and each decides on the requests the one before it committed.
 */
import { decideStart, decideStop } from "../../core/control/decide.js";
import type { ControlRequest } from "../../core/control/types.js";
import { runControlView } from "../../core/workflows/run-control.js";
import { noSuchRun } from "../../core/workflows/not-found.js";
import type { RunState } from "../../core/workflows/states.js";
import type { RunControlOutcome } from "../../ports/control-store.js";
import {
  CONTROL_COLUMNS,
  refusalError,
  toControlRequest,
  type ControlDbRow,
} from "../control-row.js";
import { parseId } from "./arguments.js";
import { exec, type PgDatabase } from "./database.js";

type Decide = typeof decideStop;

/** Record a stop of a run (see ports/control-store `stopRun`). */
export function stopRunPg(
  db: PgDatabase,
  runId: string,
  by: string,
  now: number,
): Promise<RunControlOutcome> {
  return recordRunRequest(db, runId, by, now, decideStop);
}

/** Record a start of a run (see ports/control-store `startRun`). */
export function startRunPg(
  db: PgDatabase,
  runId: string,
  by: string,
  now: number,
): Promise<RunControlOutcome> {
  return recordRunRequest(db, runId, by, now, decideStart);
}

async function recordRunRequest(
  db: PgDatabase,
  runId: string,
  by: string,
  now: number,
  decide: Decide,
): Promise<RunControlOutcome> {
  const id = parseId(runId);
  if (id === null) throw noSuchRun(runId);
  const { s } = db;
  return db.transaction(async (client) => {
    // Contract: input a run id; its state, locking the row (primary key).
    const run = await exec<{ state: string }>(
      client,
      `SELECT state FROM ${s}.workflow_runs WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const state = run.rows[0]?.state;
    if (state === undefined) throw noSuchRun(runId);
    // Contract: input a run id (text); its requests, oldest first (control_requests_target_idx).
    const found = await exec<ControlDbRow>(
      client,
      `SELECT ${CONTROL_COLUMNS} FROM ${s}.control_requests
        WHERE target_kind = 'run' AND target_id = $1 ORDER BY id`,
      [id],
    );
    const existing = found.rows.map(toControlRequest);
    const decision = decide(runControlView(state as RunState, existing), existing, `run ${runId}`);
    if (decision.action === "existing") return { request: decision.request, created: false };
    if (decision.action === "refuse") throw refusalError(decision.refusal);
    // Contract: records one run request; completed ones are resolved at once.
    const inserted = await exec<ControlDbRow>(
      client,
      `INSERT INTO ${s}.control_requests
         (target_kind, target_id, kind, generation, status, requested_by, created_at, resolved_at)
       VALUES ('run', $1, $2, $3, $4, $5, $6, CASE WHEN $4 = 'completed' THEN $6::bigint END)
       RETURNING ${CONTROL_COLUMNS}`,
      [
        id,
        decision.effect === "requeue" ? "start" : "stop",
        decision.generation,
        decision.status,
        by,
        now,
      ],
    );
    const row = inserted.rows[0];
    if (row === undefined) throw new Error(`control request for run ${runId} not recorded`);
    return { request: toControlRequest(row), created: true };
  });
}

/** Pending run requests, oldest first (see ports/control-store `pendingRunRequests`). */
export async function pendingRunRequestsPg(
  db: PgDatabase,
  limit: number,
): Promise<ControlRequest[]> {
  // Contract: pending run requests, oldest first (control_requests_pending_idx).
  const { rows } = await db.query<ControlDbRow>(
    `SELECT ${CONTROL_COLUMNS} FROM ${db.s}.control_requests
      WHERE status = 'pending' AND target_kind = 'run' ORDER BY id LIMIT $1`,
    [limit],
  );
  return rows.map(toControlRequest);
}

/** Resolve a pending request (see ports/control-store `resolveRequest`). */
export async function resolveRequestPg(
  db: PgDatabase,
  requestId: string,
  status: "completed" | "failed",
  error: string | null,
  now: number,
): Promise<boolean> {
  const id = parseId(requestId);
  if (id === null) return false;
  // Contract: resolves a request that is still pending (the first resolution wins).
  const { rowCount } = await db.query(
    `UPDATE ${db.s}.control_requests SET status = $2, resolved_at = $3, error = $4
      WHERE id = $1 AND status = 'pending'`,
    [id, status, now, error],
  );
  return (rowCount ?? 0) > 0;
}
