/**
 * @module ports/executor
 * The handler contract between the worker pool and what runs a job: an inline handler given to
 * `define`, or a handler built by an executor (http, command, module) from a declarative spec.
 * Executors depend on this port, never on the runtime that calls them.
 */

/** What a handler receives besides its payload. */
export interface JobContext {
  readonly jobId: string;
  readonly fn: string;
  /** 1 for the first run, 2 for the first retry, ... */
  readonly attempt: number;
  readonly maxAttempts: number;
  /**
   * Aborted when the job times out, is cancelled, is stopped (a JobStoppedError, `reason`
   * "stop": save a checkpoint and return), its lease is lost, or the worker shuts down past its
   * drain deadline; `signal.reason` says which (a KairosError with a stable code).
   */
  readonly signal: AbortSignal;
  /** 1, and one more for every start after a stop (docs/control.md). */
  readonly generation: number;
  /** The last checkpoint saved by an earlier run of this job (null when none). */
  readonly checkpoint: unknown;
  /**
   * Save a checkpoint (any JSON value): durable when the promise resolves; a later start of
   * the job hands it back as `ctx.checkpoint`. Rejects when this run no longer owns the job.
   */
  saveCheckpoint(value: unknown): Promise<void>;
  /** Record progress (0..100) with an optional message; stored with the job. */
  progress(percent: number, message?: string): void;
  /** Append a log line to the job's stored log. */
  log(message: string, level?: "debug" | "info" | "warn" | "error"): void;
  /** For a workflow task's job: the run it belongs to (absent for other jobs). */
  readonly run?: TaskRunContext;
}

/** What a workflow task's handler knows of its run (`ctx.run`). */
export interface TaskRunContext {
  /** The run's id. */
  readonly id: string;
  readonly workflow: string;
  readonly taskId: string;
  /** This try's number (1 for the first). */
  readonly tryNumber: number;
  readonly logicalDate: Date;
  readonly dataInterval: { readonly start: Date; readonly end: Date };
  readonly params: Readonly<Record<string, unknown>>;
  /** The results of the task's direct upstreams that succeeded, by task id. */
  readonly upstream: Readonly<Record<string, unknown>>;
}

/** A job handler: any return value that JSON can hold becomes the job's result. */
export type JobHandler<P = unknown, R = unknown> = (payload: P, ctx: JobContext) => R | Promise<R>;

/**
 * What an executor factory returns: a JobHandler that always returns a promise of a known
 * result type, so callers (and tests) can await it without widening to `R | Promise<R>`.
 */
export type ExecutorHandler<R> = (payload: unknown, ctx: JobContext) => Promise<R>;
