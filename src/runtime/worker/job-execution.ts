/**
 * @module runtime/worker/job-execution
 * One attempt of one claimed job in this process: the handler's context (payload, signal,
 * progress, logs), its timeout, and its cancellation with a grace period.
 *
 * Execution states (one place changes them, `decide`):
 *   running   the handler holds the slot                 -> decided
 *   decided   the outcome is known (result, error, timeout, cancel grace, lost lease,
 *             shutdown); the slot is free even if the handler never settles
 * The outcome is reported exactly once (`onDecided`). A handler that settles after its
 * attempt was decided is reported as abandoned-then-settled (`onLateSettle`) so its result is
 * dropped and counted, never written.
 */
import { withRunContext, type RunContextLoader } from "./run-context.js";
import {
  JobCancelledError,
  JobStoppedError,
  JobTimeoutError,
  KairosError,
  UnrecoverableError,
} from "../../core/errors.js";
import type { AttemptOutcome } from "../../core/jobs/finalization.js";
import type { Clock, TimerHandle } from "../../ports/clock.js";
import type { ClaimedJob, JobLogLine } from "../../ports/job-store.js";
import type { JobContext, JobHandler } from "../functions.js";
import { toErrorInfo } from "../error-info.js";

/** The capabilities an execution is handed. */
export interface ExecutionCapabilities {
  /** Time and the attempt's timers (timeout, cancel grace). */
  readonly clock: Clock;
  /** Store progress under the job's lease, of the run at `generation` (errors are the caller's to report). */
  progress(job: ClaimedJob, percent: number, message: string | null, generation: number): void;
  /** Buffer a line the handler logged (`job`: the job it belongs to). */
  log(line: JobLogLine, job: ClaimedJob): void;
  /** The attempt's outcome, reported once. */
  onDecided(execution: JobExecution, outcome: AttemptOutcome): void;
  /** The handler settled after the outcome was decided without it. */
  onLateSettle(execution: JobExecution): void;
  /** `ctx.run` for a workflow task's job (runtime/worker/run-context); absent: none. */
  readonly runContext?: RunContextLoader;
  /**
   * Save the job's checkpoint under its lease at `generation`; false when not written. `late`:
   * the attempt was already decided, so nothing may be written (the save is refused, counted).
   */
  saveCheckpoint?(
    job: ClaimedJob,
    generation: number,
    json: string,
    late: boolean,
  ): Promise<boolean>;
}

/** A job's generation and last checkpoint as its handler is given them. */
export interface ExecutionControl {
  readonly generation: number;
  readonly checkpointJson: string | null;
}

const FIRST_GENERATION: ExecutionControl = { generation: 1, checkpointJson: null };

/** One running attempt; see the module header. */
export class JobExecution {
  /** Created when the handler first reads its signal: most handlers never do (see `signal`). */
  private controller: AbortController | null = null;
  /** Why the attempt was aborted (the first reason wins, as with AbortController); null: not. */
  private abortReason: Error | null = null;
  private decidedOutcome: AttemptOutcome | null = null;
  private handlerSettled = false;
  private cancelRequested = false;
  private stopRequested = false;
  private timeoutTimer: TimerHandle | null = null;
  private graceTimer: TimerHandle | null = null;
  private handlerDone: Promise<void> = Promise.resolve();

  constructor(
    readonly job: ClaimedJob,
    readonly startedAt: number,
    private readonly caps: ExecutionCapabilities,
    readonly control: ExecutionControl = FIRST_GENERATION,
  ) {}

  /**
   * The handler's AbortSignal, created on first read (an AbortController costs more than the
   * rest of a no-op job's start). Aborted with the first reason given, whether the abort came
   * before or after this first read.
   */
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.abortReason !== null) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** True once the outcome is known. */
  get decided(): boolean {
    return this.decidedOutcome !== null;
  }

  /** True when the handler has returned or thrown. */
  get settled(): boolean {
    return this.handlerSettled;
  }

  /** Resolves when the handler has returned or thrown (never rejects). */
  get handlerReturned(): Promise<void> {
    return this.handlerDone;
  }

  /** True when a cancel reached this attempt. */
  get cancelled(): boolean {
    return this.cancelRequested;
  }

  /** True when a stop reached this attempt (and no cancel came first). */
  get stopped(): boolean {
    return this.stopRequested && !this.cancelRequested;
  }

  /** Run the handler; arms the job's stamped timeout. */
  start(handler: JobHandler): void {
    const timeoutMs = this.job.timeoutMs ?? 0;
    if (timeoutMs > 0) {
      this.timeoutTimer = this.caps.clock.setTimer(timeoutMs, () => {
        this.abortWith(new JobTimeoutError(timeoutMs));
        this.decide({ kind: "timeout" });
      });
    }
    let result: Promise<unknown>;
    try {
      const payload: unknown = JSON.parse(this.job.payloadJson);
      const load = this.job.origin.kind === "workflow" ? this.caps.runContext : undefined;
      const run = load ? withRunContext(handler, this.job, load) : handler;
      result = Promise.resolve(run(payload, JobExecution.contextOf(this)));
    } catch (error) {
      // Keep whatever was thrown (even a non-Error) so the stored error describes it.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      result = Promise.reject(error);
    }
    this.handlerDone = result.then(
      (value) => this.settle({ kind: "resolved", value }),
      (error: unknown) =>
        this.settle({
          kind: "rejected",
          error: toErrorInfo(error),
          unrecoverable: error instanceof UnrecoverableError,
        }),
    );
  }

  /**
   * Cancel: the signal aborts with JobCancelledError; if the handler has not settled after
   * `graceMs` the attempt is decided `cancel_grace`. Idempotent.
   */
  cancel(graceMs: number): void {
    if (this.decided || this.cancelRequested) return;
    this.cancelRequested = true;
    this.abortWith(new JobCancelledError());
    this.graceTimer = this.caps.clock.setTimer(graceMs, () =>
      this.decide({ kind: "cancel_grace", graceMs }),
    );
  }

  /**
   * Stop: the signal aborts with JobStoppedError (reason "stop"); whatever the handler does
   * next (return, throw) ends the attempt as stopped, and if it has not settled after
   * `graceMs` it is stopped anyway. Idempotent; no effect once a cancel came.
   */
  stop(graceMs: number): void {
    if (this.decided || this.stopRequested || this.cancelRequested) return;
    this.stopRequested = true;
    this.abortWith(new JobStoppedError());
    this.graceTimer = this.caps.clock.setTimer(graceMs, () =>
      this.decide({ kind: "stop_grace", graceMs }),
    );
  }

  /** End the attempt from outside (lost lease, shutdown): abort the signal with `reason`, decide `outcome`. */
  abort(reason: Error, outcome: AttemptOutcome): void {
    if (this.decided) return;
    this.abortWith(reason);
    this.decide(outcome);
  }

  /** Abort the signal (now, or when it is first read); later reasons are ignored. */
  private abortWith(reason: Error): void {
    if (this.abortReason !== null) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  private async saveCheckpoint(value: unknown): Promise<void> {
    const json = JSON.stringify(value ?? null);
    const saved =
      this.caps.saveCheckpoint !== undefined &&
      (await this.caps.saveCheckpoint(this.job, this.control.generation, json, this.decided));
    if (!saved) {
      throw new KairosError(
        "JOB_CANCELLED",
        `checkpoint of job ${this.job.id} not saved: this run no longer owns the job`,
      );
    }
  }

  private settle(outcome: AttemptOutcome): void {
    this.handlerSettled = true;
    if (this.decided) {
      this.caps.onLateSettle(this);
      return;
    }
    this.decide(outcome);
  }

  private decide(outcome: AttemptOutcome): void {
    if (this.decided) return;
    this.decidedOutcome = outcome;
    this.timeoutTimer?.cancel();
    this.graceTimer?.cancel();
    this.caps.onDecided(this, outcome);
  }

  /**
   * The handler's context. Its functions are methods over `execution` (no `this`), so a handler
   * may still take them off the object; as methods they are cheaper to build per job than
   * arrow properties (which tsx's keep-names transform also names one by one).
   */
  private static contextOf(execution: JobExecution): JobContext {
    const { job, control } = execution;
    return {
      jobId: job.id,
      fn: job.fn,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
      get signal() {
        return execution.signal;
      },
      generation: control.generation,
      checkpoint:
        control.checkpointJson === null ? null : (JSON.parse(control.checkpointJson) as unknown),
      saveCheckpoint(value: unknown) {
        return execution.saveCheckpoint(value);
      },
      progress(percent: number, message?: string) {
        if (execution.decided) return;
        const clamped = Math.max(0, Math.min(100, Number(percent) || 0));
        execution.caps.progress(job, clamped, message ?? null, control.generation);
      },
      log(message: string, level: JobLogLine["level"] = "info") {
        execution.caps.log(
          {
            jobId: job.id,
            attempt: job.attempt,
            at: execution.caps.clock.now(),
            level,
            message: String(message),
          },
          job,
        );
      },
    };
  }
}
