/**
 * @module ports/control-store
 * Durable stop and start of jobs (docs/control.md): control requests, and each job's
 * generation and checkpoint. Every method decides with core/control/decide inside one write
 * transaction over the rows it read, so two callers racing get one request between them.
 *
 * A job that was never stopped has generation 1 and no checkpoint, and no row of its own:
 * control state lives beside the jobs table, never in the row that claims update.
 */
import type { ControlRequest, ControlTargetKind } from "../core/control/types.js";
import type { StoredJob } from "../core/jobs/types.js";

export type { ControlRequest, ControlTargetKind } from "../core/control/types.js";

/** What a stop or start answered. */
export interface ControlOutcome {
  /** The request: new, or the one asked for before (same target, kind and generation). */
  readonly request: ControlRequest;
  /** True when this call recorded the request. */
  readonly created: boolean;
  /** The job after the call (stopped at once, queued again, or unchanged). */
  readonly job: StoredJob;
}

/** A job's control state. */
export interface JobControl {
  /** 1 until a start creates the next. */
  readonly generation: number;
  /** JSON text of the last saved checkpoint, or null. */
  readonly checkpointJson: string | null;
}

/** What a run's stop or start answered (the runtime then drives it: runtime/workflows/run-control). */
export interface RunControlOutcome {
  /** The request: new, or the one asked for before (same run, kind and generation). */
  readonly request: ControlRequest;
  /** True when this call recorded the request. */
  readonly created: boolean;
}

/** Durable control requests and job generations. */
export interface ControlStore {
  /**
   * Ask to stop a job as `requestedBy`. A waiting job (scheduled, queued, retrying) is
   * stopped in the same transaction and the request is completed; a running job gets a
   * pending request, carried to its worker through the store; a stopped one answers the stop
   * that stopped it. Throws NotFoundError for an unknown job and ControlRefusedError for a
   * finished one.
   */
  stopJob(jobId: string, requestedBy: string, now: number): Promise<ControlOutcome>;

  /**
   * Ask to start a stopped job as `requestedBy`: it is queued again (runnable at `now`) as
   * generation + 1, with a pending start request that completes when a worker begins it.
   * Asking again answers the same request. Throws NotFoundError for an unknown job and
   * ControlRefusedError when the job is still stopping, not stopped, or finished.
   */
  startJob(jobId: string, requestedBy: string, now: number): Promise<ControlOutcome>;

  /** A target's requests, oldest first. */
  listRequests(targetKind: ControlTargetKind, targetId: string): Promise<ControlRequest[]>;

  /**
   * The generation of each of these jobs that was started again (absent ids are at 1): what
   * the job record shows. One read, whatever the number of ids.
   */
  generationsOf(jobIds: readonly string[]): Promise<Map<string, number>>;

  /** A job's generation and checkpoint (generation 1 and none for a job never started again). */
  jobControl(jobId: string): Promise<JobControl>;

  /**
   * Which of these jobs have a stop pending at their current generation: what a worker
   * holding them must carry out (read after each lease renewal, so a stop recorded by any
   * process reaches the process that runs the job).
   */
  stopsRequested(jobIds: readonly string[]): Promise<string[]>;

  /**
   * A running job's handler ended after its stop was delivered (or ignored it past the
   * grace period): in one transaction the job becomes `stopped` (its lease cleared, the
   * attempt not counted, progress and checkpoint kept) and its pending stop `completed`.
   * Null (nothing written) when the job no longer runs under `leaseToken`.
   */
  completeStop(jobId: string, leaseToken: string, now: number): Promise<StoredJob | null>;

  /**
   * What freshly claimed jobs need before they run: the control state of those that have one
   * (absent ones are generation 1, no checkpoint). A pending start of a job's current
   * generation is completed here: a worker has picked the job up.
   */
  claimedControl(jobIds: readonly string[], now: number): Promise<Map<string, JobControl>>;

  /**
   * Give up the starts no worker acknowledged in time: every pending start asked at or before
   * `askedBefore` whose job is still queued (no worker claimed it) is marked `failed` with
   * `error`, and its job goes back to `stopped`, in one transaction each; at most `limit`.
   * Returns the failed requests. Nothing retries them; a new start may be asked.
   */
  failOverdueStarts(
    askedBefore: number,
    now: number,
    error: string,
    limit: number,
  ): Promise<ControlRequest[]>;

  /**
   * Record a stop of a workflow run, decided (core/control/decide, core/workflows/run-control)
   * on the run's state and requests read in the same transaction: pending for a queued or
   * running run (the runtime carries it out and resolves it), completed for a stopped one,
   * the same request when asked again. The run itself is not changed here. Throws
   * NotFoundError for an unknown run, ControlRefusedError for a finished one.
   */
  stopRun(runId: string, requestedBy: string, now: number): Promise<RunControlOutcome>;

  /**
   * Record a start of a stopped workflow run as its next generation, pending until the runtime
   * has carried it out. Asking again answers the same request. Throws NotFoundError for an
   * unknown run, ControlRefusedError while a stop is unresolved or when the run is not stopped.
   */
  startRun(runId: string, requestedBy: string, now: number): Promise<RunControlOutcome>;

  /**
   * Settle the stops that came too late: every pending job stop whose job has ended
   * (succeeded, failed, cancelled, timed out) or is gone is marked `failed` with the reason,
   * at most `limit`. Returns them. The job is left as it ended.
   */
  failStopsOfEnded(now: number, limit: number): Promise<ControlRequest[]>;

  /** Pending requests of workflow runs, oldest first, at most `limit`: what is left to drive. */
  pendingRunRequests(limit: number): Promise<ControlRequest[]>;

  /**
   * Resolve a pending request as `completed` or `failed` (with `error`). False (nothing
   * written) when it is no longer pending: the first resolution wins.
   */
  resolveRequest(
    requestId: string,
    status: "completed" | "failed",
    error: string | null,
    now: number,
  ): Promise<boolean>;

  /**
   * Save a running job's checkpoint (JSON text), durable when this resolves. Written only when
   * the job is running under `leaseToken` at `generation`; false (nothing written) otherwise.
   */
  saveCheckpoint(
    jobId: string,
    leaseToken: string,
    generation: number,
    checkpointJson: string,
    now: number,
  ): Promise<boolean>;
}
