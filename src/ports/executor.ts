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
   * Aborted when the job times out, is cancelled, its lease is lost, or the worker shuts down
   * past its drain deadline; `signal.reason` says which (a KairosError with a stable code).
   */
  readonly signal: AbortSignal;
  /** Record progress (0..100) with an optional message; stored with the job. */
  progress(percent: number, message?: string): void;
  /** Append a log line to the job's stored log. */
  log(message: string, level?: "debug" | "info" | "warn" | "error"): void;
}

/** A job handler: any return value that JSON can hold becomes the job's result. */
export type JobHandler<P = unknown, R = unknown> = (payload: P, ctx: JobContext) => R | Promise<R>;

/**
 * What an executor factory returns: a JobHandler that always returns a promise of a known
 * result type, so callers (and tests) can await it without widening to `R | Promise<R>`.
 */
export type ExecutorHandler<R> = (payload: unknown, ctx: JobContext) => Promise<R>;
