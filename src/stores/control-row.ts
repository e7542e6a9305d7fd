/**
 * @module stores/control-row
 * Control-request rows as both SQL adapters read them, and what the control decisions need
 * from a job row: its phase. Shared so the two adapters cannot map differently.
 */
import { ControlRefusedError, NotFoundError } from "../core/errors.js";
import type { ControlRefusal } from "../core/control/decide.js";
import type { ControlRequest, ControlTargetView } from "../core/control/types.js";
import { isTerminal, type JobState } from "../core/jobs/states.js";

/** The columns of `control_requests`, in the order the adapters select them. */
export const CONTROL_COLUMNS =
  "id, target_kind, target_id, kind, generation, status, requested_by, created_at, resolved_at, error";

/** A `control_requests` row as a driver returns it (PostgreSQL gives BIGINTs as strings). */
export interface ControlDbRow {
  readonly id: number | string;
  readonly target_kind: string;
  readonly target_id: string;
  readonly kind: string;
  readonly generation: number | string;
  readonly status: string;
  readonly requested_by: string;
  readonly created_at: number | string;
  readonly resolved_at: number | string | null;
  readonly error: string | null;
}

/** A row as a ControlRequest. */
export function toControlRequest(row: ControlDbRow): ControlRequest {
  return {
    id: String(row.id),
    targetKind: row.target_kind as ControlRequest["targetKind"],
    targetId: row.target_id,
    kind: row.kind as ControlRequest["kind"],
    generation: Number(row.generation),
    status: row.status as ControlRequest["status"],
    requestedBy: row.requested_by,
    createdAt: Number(row.created_at),
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    error: row.error,
  };
}

/** A job's state as the control decisions see it. */
export function jobPhase(state: JobState): ControlTargetView["phase"] {
  if (state === "running") return "running";
  if (state === "stopped") return "stopped";
  return isTerminal(state) ? "finished" : "waiting";
}

/** The error a refusal is thrown as. */
export function refusalError(refusal: ControlRefusal): ControlRefusedError {
  return new ControlRefusedError(
    refusal.reason,
    refusal.message,
    refusal.reason === "stop_unresolved" ? refusal.stopId : undefined,
  );
}

/** No job with that id. */
export function jobNotFound(jobId: string): NotFoundError {
  return new NotFoundError(`no job with id "${jobId}": see kairos jobs list for the ids`);
}

/** Why a pending stop failed: its job ended (in `state`; null when it was removed) first. */
export function endedBeforeStop(state: string | null): string {
  return state === null
    ? "the job was removed before the stop reached it"
    : `the job ended ${state} before the stop reached it`;
}
