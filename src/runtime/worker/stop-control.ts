/**
 * @module runtime/worker/stop-control
 * Stop and start as a worker pool carries them out (docs/control.md), over the ControlStore:
 * - before a claimed batch runs, its generation and checkpoint are read (and a pending start
 *   of it is acknowledged) in one store call; a job of the batch does not start before that;
 * - after each lease renewal, the store says which held jobs have a stop pending (recorded by
 *   any process); the pool stops them;
 * - a stopped attempt ends with `completeStop`: the job `stopped`, its stop completed, in one
 *   transaction, under the attempt's lease (a run that lost its lease writes nothing).
 * Each is announced (runtime/control-events): a start acknowledged and a stop carried out
 * (`control:resolved`, `job:stopped`); a stop completion or checkpoint refused because the run
 * no longer owns the job is a `job:stale_report`.
 */
import type { Clock } from "../../ports/clock.js";
import type { ControlStore } from "../../ports/control-store.js";
import type { ClaimedJob, StoredJob } from "../../ports/job-store.js";
import { emitStaleReport, emitStartsAcknowledged, emitStopCarriedOut } from "../control-events.js";
import type { EventBus } from "../event-bus.js";
import type { FunctionDefinition, JobHandler } from "../functions.js";
import type { ExecutionControl, JobExecution } from "./job-execution.js";

/** What of the pool a WorkerControl acts on. */
export interface PoolHooks {
  /** The execution of a job running here. */
  execution(jobId: string): JobExecution | undefined;
  /** Take a prefetched job out of the buffer (it will not start here). */
  takeBuffered(jobId: string): ClaimedJob | undefined;
  /** How long a stopped handler may ignore its signal. */
  readonly graceMs: number;
  /** Where the control events go. */
  readonly events: EventBus;
  /** A stopped job was written (or its write was dropped: null). */
  onStopped(job: ClaimedJob, stored: StoredJob | null): void;
  reportError(error: unknown): void;
}

const FIRST: ExecutionControl = { generation: 1, checkpointJson: null };

/** The control state of the jobs a pool holds; see the module header. */
export class WorkerControl {
  private readonly loaded = new Map<string, ExecutionControl>();
  private readonly loading = new Set<string>();

  constructor(
    private readonly control: ControlStore,
    private readonly clock: Clock,
    private readonly pool: PoolHooks,
  ) {}

  /**
   * Stop a job held here: a prefetched one is stopped at once; a running one's signal aborts
   * with JobStoppedError and its attempt ends stopped. False when the job is not held here.
   */
  stopLocal(jobId: string): boolean {
    const buffered = this.pool.takeBuffered(jobId);
    if (buffered) {
      const generation = this.generationOf(jobId);
      this.forget(jobId);
      this.finish(buffered, generation);
      return true;
    }
    const execution = this.pool.execution(jobId);
    if (!execution || execution.decided) return false;
    execution.stop(this.pool.graceMs);
    return true;
  }

  /** Write a stopped attempt (at `generation`) and its events (see `complete`); tell the pool. */
  finish(job: ClaimedJob, generation: number): void {
    const now = this.clock.now();
    this.control.completeStop(job.id, job.leaseToken, now).then(
      (stored) => {
        this.pool.onStopped(job, stored);
        if (stored === null) emitStaleReport(this.pool.events, job, "stop", generation, now);
        else this.announce(emitStopCarriedOut(this.pool.events, this.control, job, now, "worker"));
      },
      (error: unknown) => {
        this.pool.reportError(error);
        this.pool.onStopped(job, null);
      },
    );
  }

  /** After a lease renewal: stop the held jobs whose stop is pending in the store. */
  async stopPending(heldJobIds: readonly string[]): Promise<void> {
    for (const id of await this.stopsRequested(heldJobIds)) this.stopLocal(id);
  }

  /**
   * Read the control state of a claimed batch; resolves true when read (the jobs may start),
   * false when the store failed (the caller hands them back: none may run with a wrong
   * generation).
   */
  async load(jobs: readonly ClaimedJob[]): Promise<boolean> {
    for (const job of jobs) this.loading.add(job.id);
    try {
      const now = this.clock.now();
      const found = await this.control.claimedControl(
        jobs.map((j) => j.id),
        now,
      );
      for (const [id, control] of found) this.loaded.set(id, control);
      const restarted = jobs.flatMap((j) => {
        const generation = found.get(j.id)?.generation ?? 1;
        return generation > 1 ? [{ id: j.id, fn: j.fn, generation }] : [];
      });
      if (restarted.length > 0) {
        this.announce(emitStartsAcknowledged(this.pool.events, this.control, restarted, now));
      }
      return true;
    } catch (error) {
      this.pool.reportError(error);
      return false;
    } finally {
      for (const job of jobs) this.loading.delete(job.id);
    }
  }

  /** True while the job's control state is being read (it must not start yet). */
  isLoading(jobId: string): boolean {
    return this.loading.has(jobId);
  }

  /** The job's control state for its execution (generation 1, no checkpoint by default). */
  take(jobId: string): ExecutionControl {
    const control = this.loaded.get(jobId) ?? FIRST;
    this.loaded.delete(jobId);
    return control;
  }

  /** The generation of a held job not started yet (read at its claim; 1 when it has none). */
  generationOf(jobId: string): number {
    return this.loaded.get(jobId)?.generation ?? 1;
  }

  /** Forget a job that will not run here. */
  forget(jobId: string): void {
    this.loaded.delete(jobId);
  }

  /** Which of these held jobs have a stop pending. */
  stopsRequested(jobIds: readonly string[]): Promise<string[]> {
    return jobIds.length === 0 ? Promise.resolve([]) : this.control.stopsRequested(jobIds);
  }

  /**
   * Save a checkpoint under the job's lease at `generation` (bound: handed to executions); a
   * save refused (`late`: its attempt already ended; or the store says the run no longer owns
   * the job) is a `job:stale_report`.
   */
  readonly saveCheckpoint = async (
    job: ClaimedJob,
    generation: number,
    json: string,
    late: boolean,
  ): Promise<boolean> => {
    const now = this.clock.now();
    const saved =
      !late && (await this.control.saveCheckpoint(job.id, job.leaseToken, generation, json, now));
    if (!saved) emitStaleReport(this.pool.events, job, "checkpoint", generation, now);
    return saved;
  };

  /** Events read back from the store are best effort: a failed read is reported, not thrown. */
  private announce(done: Promise<void>): void {
    done.catch((error: unknown) => this.pool.reportError(error));
  }
}

/**
 * The handler a restarted job runs with: the function's final re-check first (when it declares
 * `remaining` and the job is past generation 1); no work remaining means the job succeeds with
 * a null result and the handler never runs.
 */
export function withFinalRecheck(
  handler: JobHandler,
  remaining: FunctionDefinition["remaining"],
  control: ExecutionControl | undefined,
): JobHandler {
  if (!remaining || !control || control.generation <= 1) return handler;
  return async (payload, ctx) => {
    if ((await remaining(payload, ctx.checkpoint)) === false) return null;
    return handler(payload, ctx);
  };
}
