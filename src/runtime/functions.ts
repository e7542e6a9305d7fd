/**
 * @module runtime/functions
 * Function definitions: the handler and the options that govern its jobs, validated once when
 * defined. A name may be defined once per instance.
 */
import {
  DEFAULT_BACKOFF,
  DEFAULT_MAX_ATTEMPTS,
  validateBackoff,
  validateMaxAttempts,
  type BackoffPolicy,
} from "../core/retry/backoff.js";
import { DuplicateDefinitionError, ValidationError } from "../core/errors.js";

import type { JobHandler } from "../ports/executor.js";

export type { JobContext, JobHandler } from "../ports/executor.js";

/** Per-key concurrency: jobs whose `key(payload)` match run at most `limit` at a time. */
export interface ConcurrencyOptions<P = unknown> {
  /** The concurrency key of a payload; null or undefined means "no key". */
  readonly key: (payload: P) => string | null | undefined;
  /** At most this many jobs per key run at once (default 1: serialized per key). */
  readonly limit?: number;
}

/** Options of a function definition. */
export interface FunctionOptions<P = unknown> {
  /** Attempts in all, the first run included (default 3). */
  readonly maxAttempts?: number;
  /** Delay between attempts (default exponential from 1 s, max 1 h, 10 % jitter). */
  readonly backoff?: BackoffPolicy;
  /** Abort and end the attempt `timed_out` after this many ms; 0 disables (default 30 min). */
  readonly timeoutMs?: number;
  readonly concurrency?: ConcurrencyOptions<P>;
  /** Enqueue throws QueueFullError when this many jobs of the function are pending. */
  readonly maxPending?: number;
  /** Default priority of its jobs (higher runs first; default 0). */
  readonly priority?: number;
}

/** Default attempt timeout: 30 minutes. */
export const DEFAULT_TIMEOUT_MS = 30 * 60_000;

/** A validated definition. */
export interface FunctionDefinition {
  readonly name: string;
  readonly handler: JobHandler;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly timeoutMs: number;
  readonly concurrency: {
    key: (payload: unknown) => string | null | undefined;
    limit: number;
  } | null;
  readonly maxPending: number | null;
  readonly priority: number;
}

/** The functions defined in one instance. */
export class FunctionRegistry {
  private readonly defs = new Map<string, FunctionDefinition>();

  /** Validate and add a definition; throws DuplicateDefinitionError for a name defined before. */
  define<P, R>(
    name: string,
    handler: JobHandler<P, R>,
    options: FunctionOptions<P> = {},
  ): FunctionDefinition {
    if (typeof name !== "string" || !/^[A-Za-z0-9_.:-]{1,200}$/.test(name)) {
      throw new ValidationError(
        `function name must be 1-200 characters of letters, digits, "_", ".", ":" or "-", got ${JSON.stringify(name)}`,
      );
    }
    if (this.defs.has(name)) throw new DuplicateDefinitionError(name);
    if (typeof handler !== "function") {
      throw new ValidationError(`define("${name}"): handler must be a function`);
    }
    const where = `define("${name}")`;
    const limit = options.concurrency?.limit ?? 1;
    if (options.concurrency) {
      if (typeof options.concurrency.key !== "function") {
        throw new ValidationError(`${where}: concurrency.key must be a function of the payload`);
      }
      if (!Number.isInteger(limit) || limit < 1) {
        throw new ValidationError(
          `${where}: concurrency.limit must be an integer >= 1, got ${String(limit)}`,
        );
      }
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new ValidationError(
        `${where}: timeoutMs must be a number >= 0 (0 disables), got ${String(timeoutMs)}`,
      );
    }
    const maxPending = options.maxPending ?? null;
    if (maxPending !== null && (!Number.isInteger(maxPending) || maxPending < 1)) {
      throw new ValidationError(
        `${where}: maxPending must be an integer >= 1, got ${String(maxPending)}`,
      );
    }
    const priority = options.priority ?? 0;
    if (!Number.isInteger(priority)) {
      throw new ValidationError(`${where}: priority must be an integer, got ${String(priority)}`);
    }
    const def: FunctionDefinition = {
      name,
      handler: handler as JobHandler,
      maxAttempts: validateMaxAttempts(
        options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        `${where}: maxAttempts`,
      ),
      backoff: validateBackoff(options.backoff ?? DEFAULT_BACKOFF, `${where}: backoff`),
      timeoutMs,
      concurrency: options.concurrency
        ? { key: options.concurrency.key as (payload: unknown) => string | null | undefined, limit }
        : null,
      maxPending,
      priority,
    };
    this.defs.set(name, def);
    return def;
  }

  /** The definition of `name`, if defined here. */
  get(name: string): FunctionDefinition | undefined {
    return this.defs.get(name);
  }

  /** Names of every defined function. */
  names(): string[] {
    return [...this.defs.keys()];
  }
}
