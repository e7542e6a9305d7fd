/**
 * @module stores/sqlite/run-control
 * The workflow-run half of the SQLite ControlStore: recording a run's stop or start and
 * resolving requests. Each record is one `BEGIN IMMEDIATE` transaction that reads the run's
 * state and its requests and decides on them, so racing callers get one request between them.
 */
import type Database from "better-sqlite3";
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
import { parseJobId } from "./arguments.js";

type Decide = typeof decideStop;

interface InsertParams {
  targetId: string;
  kind: "stop" | "start";
  generation: number;
  status: "pending" | "completed";
  by: string;
  now: number;
}

/** The run-control operations over one connection (see ports/control-store). */
export interface SqliteRunControl {
  stopRun(runId: string, by: string, now: number): RunControlOutcome;
  startRun(runId: string, by: string, now: number): RunControlOutcome;
  pendingRunRequests(limit: number): ControlRequest[];
  resolveRequest(
    id: string,
    status: "completed" | "failed",
    error: string | null,
    now: number,
  ): boolean;
}

/** Prepare the run-control statements on `db`. */
export function prepareRunControl(db: Database.Database): SqliteRunControl {
  // Contract: input a run id; its state (primary key).
  const runState = db.prepare<[number], { state: string }>(
    "SELECT state FROM workflow_runs WHERE id = ?",
  );
  // Contract: input a run id (text); its requests, oldest first (control_requests_target_idx).
  const requests = db.prepare<[string], ControlDbRow>(
    `SELECT ${CONTROL_COLUMNS} FROM control_requests
      WHERE target_kind = 'run' AND target_id = ? ORDER BY id`,
  );
  // Contract: records one run request; completed ones are resolved at once.
  const insert = db.prepare<InsertParams, ControlDbRow>(
    `INSERT INTO control_requests
       (target_kind, target_id, kind, generation, status, requested_by, created_at, resolved_at)
     VALUES ('run', @targetId, @kind, @generation, @status, @by, @now,
             CASE WHEN @status = 'completed' THEN @now END)
     RETURNING ${CONTROL_COLUMNS}`,
  );
  // Contract: pending run requests, oldest first (control_requests_pending_idx).
  const pending = db.prepare<[number], ControlDbRow>(
    `SELECT ${CONTROL_COLUMNS} FROM control_requests
      WHERE status = 'pending' AND target_kind = 'run' ORDER BY id LIMIT ?`,
  );
  // Contract: resolves a request that is still pending (the first resolution wins).
  const resolve = db.prepare<{ id: number; status: string; error: string | null; now: number }>(
    `UPDATE control_requests SET status = @status, resolved_at = @now, error = @error
      WHERE id = @id AND status = 'pending'`,
  );
  const record = db.transaction(
    (id: number, runId: string, by: string, now: number, decide: Decide): RunControlOutcome => {
      const run = runState.get(id);
      if (run === undefined) throw noSuchRun(runId);
      const existing = requests.all(String(id)).map(toControlRequest);
      const view = runControlView(run.state as RunState, existing);
      const decision = decide(view, existing, `run ${runId}`);
      if (decision.action === "existing") return { request: decision.request, created: false };
      if (decision.action === "refuse") throw refusalError(decision.refusal);
      const row = insert.get({
        targetId: String(id),
        kind: decision.effect === "requeue" ? "start" : "stop",
        generation: decision.generation,
        status: decision.status,
        by,
        now,
      });
      if (row === undefined) throw new Error(`control request for run ${runId} not recorded`);
      return { request: toControlRequest(row), created: true };
    },
  );
  const parse = (runId: string): number => {
    const id = parseJobId(runId);
    if (id === null) throw noSuchRun(runId);
    return id;
  };
  return {
    stopRun: (runId, by, now) => record.immediate(parse(runId), runId, by, now, decideStop),
    startRun: (runId, by, now) => record.immediate(parse(runId), runId, by, now, decideStart),
    pendingRunRequests: (limit) => pending.all(limit).map(toControlRequest),
    resolveRequest: (requestId, status, error, now) => {
      const id = parseJobId(requestId);
      return id !== null && resolve.run({ id, status, error, now }).changes > 0;
    },
  };
}
