/**
 * @module runtime/control-request-view
 * How the facade shows a stored stop or start request: one view for every target, named by
 * the target's kind (`jobId` for a job's request, `runId` for a run's), dates as `Date`.
 */
import type { ControlRequest } from "../core/control/types.js";

/** The fields of a stop or start request, whatever its target. */
interface ControlRequestFields {
  readonly id: string;
  readonly kind: "stop" | "start";
  /** A stop: the generation it stops; a start: the generation it creates. */
  readonly generation: number;
  readonly status: "pending" | "completed" | "failed";
  readonly requestedBy: string;
  readonly createdAt: Date;
  readonly resolvedAt: Date | null;
  readonly error: string | null;
}

/** A job's stop or start request, as the facade shows it. */
export type JobControlRequest = ControlRequestFields & { readonly jobId: string };

/** A run's stop or start request, as the facade shows it. */
export type RunControlRequest = ControlRequestFields & { readonly runId: string };

/** The fields of `r` other than its target. */
function fieldsOf(r: ControlRequest): ControlRequestFields {
  return {
    id: r.id,
    kind: r.kind,
    generation: r.generation,
    status: r.status,
    requestedBy: r.requestedBy,
    createdAt: new Date(r.createdAt),
    resolvedAt: r.resolvedAt === null ? null : new Date(r.resolvedAt),
    error: r.error,
  };
}

/** The facade view of a stored job request (the target right after `kind`, as printed). */
export function toJobControlRequest(r: ControlRequest): JobControlRequest {
  const { id, kind, ...rest } = fieldsOf(r);
  return { id, kind, jobId: r.targetId, ...rest };
}

/** The facade view of a stored run request (the target right after `kind`, as printed). */
export function toRunControlRequest(r: ControlRequest): RunControlRequest {
  const { id, kind, ...rest } = fieldsOf(r);
  return { id, kind, runId: r.targetId, ...rest };
}
