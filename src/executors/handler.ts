/**
 * @module executors/handler
 * The shape of an executor's handler: a JobHandler that always returns a promise of a known
 * result type, so callers (and tests) can await it without widening to `R | Promise<R>`.
 */
import type { JobContext } from "../runtime/functions.js";

/** A JobHandler that always returns a promise of `R`; assignable to `JobHandler`. */
export type ExecutorHandler<R> = (payload: unknown, ctx: JobContext) => Promise<R>;
