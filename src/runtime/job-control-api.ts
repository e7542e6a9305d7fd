/**
 * @module runtime/job-control-api
 * `kairos.jobs.stop(id)` and `kairos.jobs.start(id)` (docs/control.md): each records a durable
 * control request through the store and returns it without waiting for it to be carried out.
 * A stop of a job running in this process reaches its handler at once; one running elsewhere
 * at that process's next lease renewal. A start re-queues the stopped job as the next
 * generation and wakes this process's workers. A start of a job whose function no deployment
 * knows any more is refused at once (`function_unknown`), and one whose function every process
 * defining it reports unavailable (`function_unavailable`, e.g. its module fails to load),
 * nothing recorded. Each recorded
 * request is announced (`control:requested`; a waiting job's stop also `control:resolved` and
 * `job:stopped`).
 */
import { ControlRefusedError, NotFoundError } from "../core/errors.js";
import type { Clock } from "../ports/clock.js";
import type { ControlStore } from "../ports/control-store.js";
import type { StoredJob } from "../ports/job-store.js";
import { emitControlRequested, emitJobStopped } from "./control-events.js";
import type { EventBus } from "./event-bus.js";
import { toJobControlRequest, type JobControlRequest } from "./control-request-view.js";

export { toJobControlRequest, type JobControlRequest };

/** Stop and start of jobs. */
export interface JobControlApi {
  /**
   * Stop a job: a waiting one stops at once; a running one's AbortSignal fires with a
   * JobStoppedError (reason "stop"), it may save a checkpoint and return, and ends `stopped`
   * (force-stopped after the grace period). Returns the stop request (asking again returns the
   * same one). Throws NotFoundError for an unknown job, ControlRefusedError for a finished one.
   */
  stop(id: string, options?: { requestedBy?: string }): Promise<JobControlRequest>;
  /**
   * Start a stopped job again as its next generation; its handler gets `ctx.checkpoint` and
   * `ctx.generation`. Returns the start request (pending until a worker begins the job).
   * Throws ControlRefusedError while a stop is unresolved, when the job is not stopped, or
   * (reason `function_unknown`) when its function is defined nowhere any more.
   */
  start(id: string, options?: { requestedBy?: string }): Promise<JobControlRequest>;
  /** The job's stop and start requests, oldest first ([] for a store that keeps none). */
  requests(id: string): Promise<JobControlRequest[]>;
}

/** What the control API is handed. */
export interface JobControlCapabilities {
  /** The store's control requests; null when the store has none. */
  readonly control: ControlStore | null;
  readonly clock: Clock;
  assertOpen(): void;
  /** A job held by this process should see its stop now. */
  stopLocal(jobId: string): void;
  /** Jobs became due at `runAt` (wake this process's workers). */
  due(runAt: number): void;
  /** Where control events go (absent: none emitted). */
  readonly events?: EventBus;
  /** The job as stored (absent: the start check is skipped). */
  job?(id: string): Promise<StoredJob | null>;
  /** False when `fn` is defined nowhere now (not here, not in the store); absent: never checked. */
  functionKnown?(fn: string): Promise<boolean>;
  /** Why `fn` cannot run anywhere (unavailable on every process), or null. */
  functionUnavailable?(fn: string): Promise<string | null>;
}

/** The control API over `caps`. */
export function createJobControlApi(caps: JobControlCapabilities): JobControlApi {
  const store = (): ControlStore => {
    caps.assertOpen();
    if (caps.control === null) {
      throw new NotFoundError(
        "this store keeps no stop/start requests; open Kairos on a store URL",
      );
    }
    return caps.control;
  };
  return {
    async stop(id, options) {
      const outcome = await store().stopJob(
        id,
        options?.requestedBy ?? "library",
        caps.clock.now(),
      );
      if (outcome.request.status === "pending") caps.stopLocal(id);
      if (outcome.created && caps.events) {
        const at = caps.clock.now();
        emitControlRequested(caps.events, outcome.request, at, outcome.job.fn);
        if (outcome.request.status === "completed") {
          emitJobStopped(caps.events, outcome.job, at, "request");
        }
      }
      return toJobControlRequest(outcome.request);
    },
    async start(id, options) {
      const control = store();
      await assertFunctionKnown(caps, id);
      const outcome = await control.startJob(
        id,
        options?.requestedBy ?? "library",
        caps.clock.now(),
      );
      if (outcome.created) caps.due(outcome.job.runAt);
      if (outcome.created && caps.events) {
        emitControlRequested(caps.events, outcome.request, caps.clock.now(), outcome.job.fn);
      }
      return toJobControlRequest(outcome.request);
    },
    async requests(id) {
      caps.assertOpen();
      if (caps.control === null) return [];
      return (await caps.control.listRequests("job", id)).map(toJobControlRequest);
    },
  };
}

/**
 * Refuse (ControlRefusedError `function_unknown`, nothing recorded) the start of a stopped job
 * whose function is defined nowhere any more: no worker could ever begin it. A job that is not
 * stopped is left to the store's own answer (refused, or the start already asked).
 */
async function assertFunctionKnown(caps: JobControlCapabilities, id: string): Promise<void> {
  if (!caps.job || !caps.functionKnown) return;
  const job = await caps.job(id);
  if (job === null || job.state !== "stopped") return;
  if (await caps.functionKnown(job.fn)) {
    const reason = (await caps.functionUnavailable?.(job.fn)) ?? null;
    if (reason === null) return;
    throw new ControlRefusedError(
      "function_unavailable",
      `job ${id} cannot start: its function "${job.fn}" is unavailable on every process that ` +
        `defines it (${reason}); fix it (then restart the worker) and start the job again`,
    );
  }
  throw new ControlRefusedError(
    "function_unknown",
    `job ${id} cannot start: its function "${job.fn}" is not defined by this process nor ` +
      `registered in the store (removed from kairos.yaml, or no worker defining it ever ran); ` +
      `define "${job.fn}" (kairos.define or kairos.yaml, then kairos apply) and start it again`,
  );
}
