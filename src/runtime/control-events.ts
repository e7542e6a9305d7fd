/**
 * @module runtime/control-events
 * The events of stop and start (docs/control.md), built in one place for every process that
 * records or resolves a request: `control:requested`, `control:resolved`, `job:stopped` and
 * `job:stale_report`. Payloads are small: the request's identity and status, never a
 * checkpoint or payload. Emitting never throws; a failed lookup is reported, never raised.
 */
import type { ControlRequest } from "../core/control/types.js";
import type { ControlStore } from "../ports/control-store.js";
import type { ControlEventBase, KairosEventMap, StaleReportKind } from "../ports/events.js";
import type { JobOrigin } from "../core/jobs/origin.js";
import type { EventBus } from "./event-bus.js";

/** The fields of a job the job events carry. */
export interface ControlledJob {
  readonly id: string;
  readonly fn: string;
  readonly attempt: number;
  readonly origin?: JobOrigin;
}

/** The request's fields as its events carry them. */
export function controlEventBase(
  request: ControlRequest,
  at: number,
  fn?: string,
): ControlEventBase {
  return {
    requestId: request.id,
    targetKind: request.targetKind,
    targetId: request.targetId,
    kind: request.kind,
    generation: request.generation,
    requestedBy: request.requestedBy,
    ...(fn !== undefined ? { fn } : {}),
    at,
  };
}

/**
 * A request was recorded: `control:requested`, and `control:resolved` right after when it was
 * recorded already resolved (a stop of a waiting job completes at once).
 */
export function emitControlRequested(
  events: EventBus,
  request: ControlRequest,
  at: number,
  fn?: string,
): void {
  const base = controlEventBase(request, at, fn);
  const status = request.status === "pending" ? "pending" : "completed";
  events.emit("control:requested", { ...base, status });
  if (request.status !== "pending") emitControlResolved(events, request, at, fn);
}

/** A request resolved (completed or failed); a pending one emits nothing. */
export function emitControlResolved(
  events: EventBus,
  request: ControlRequest,
  at: number,
  fn?: string,
): void {
  if (request.status === "pending") return;
  const base = controlEventBase(request, at, fn);
  events.emit("control:resolved", { ...base, status: request.status, error: request.error });
}

/** A job ended `stopped` (see the event's doc for `by`). */
export function emitJobStopped(
  events: EventBus,
  job: ControlledJob,
  at: number,
  by: KairosEventMap["job:stopped"]["by"],
): void {
  const { id: jobId, fn, attempt, origin } = job;
  events.emit("job:stopped", { jobId, fn, attempt, at, by, ...(origin ? { origin } : {}) });
}

/** A report of an older generation or a lost lease was dropped (not results: see job:result_dropped). */
export function emitStaleReport(
  events: EventBus,
  job: ControlledJob,
  kind: Exclude<StaleReportKind, "result">,
  generation: number,
  at: number,
): void {
  const { id: jobId, fn, attempt } = job;
  events.emit("job:stale_report", { jobId, fn, attempt, at, kind, generation });
}

/**
 * A stop of `job` was carried out (its worker, or lease recovery, completed it at `at`):
 * `job:stopped`, then `control:resolved` for the stop it completed (its latest completed stop,
 * read back from the store; a failed read is reported and the event left out).
 */
export async function emitStopCarriedOut(
  events: EventBus,
  control: Pick<ControlStore, "listRequests">,
  job: ControlledJob,
  at: number,
  by: "worker" | "recovery",
): Promise<void> {
  emitJobStopped(events, job, at, by);
  const requests = await control.listRequests("job", job.id);
  const stop = requests
    .filter((r) => r.kind === "stop" && r.status === "completed")
    .reduce<ControlRequest | null>((a, r) => (a && a.generation >= r.generation ? a : r), null);
  if (stop) emitControlResolved(events, stop, at, job.fn);
}

/**
 * Freshly claimed jobs past generation 1 were read by `claimedControl` at `at`, which
 * completes a pending start of their generation: `control:resolved` for each start completed
 * then (a later retry of a restarted job acknowledges nothing and emits nothing).
 */
export async function emitStartsAcknowledged(
  events: EventBus,
  control: Pick<ControlStore, "listRequests">,
  jobs: readonly { readonly id: string; readonly fn: string; readonly generation: number }[],
  at: number,
): Promise<void> {
  for (const job of jobs) {
    const requests = await control.listRequests("job", job.id);
    const start = requests.find(
      (r) => r.kind === "start" && r.generation === job.generation && r.resolvedAt === at,
    );
    if (start) emitControlResolved(events, start, at, job.fn);
  }
}

/**
 * Leases lost at renewal: each dropped job is a stale `heartbeat` report of its run (`generation`
 * null: a job not started yet, whose generation `generationOf` knows; 1 when nothing does).
 */
export function emitLostLeases(
  events: EventBus,
  lost: readonly { readonly job: ControlledJob; readonly generation: number | null }[],
  at: number,
  generationOf: (jobId: string) => number | undefined,
): void {
  for (const { job, generation } of lost) {
    emitStaleReport(events, job, "heartbeat", generation ?? generationOf(job.id) ?? 1, at);
  }
}
