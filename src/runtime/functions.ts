/**
 * @module runtime/functions
 * Function definitions: the handler and the options that govern its jobs, validated once when
 * defined. A name may be defined once per instance. The options are one source of a new job's
 * policy (see core/jobs/policy for which source wins); they are read when a job is created and
 * never again: retries, timeouts and recovery read the policy stamped on the job.
 */
import { validateBackoff, validateMaxAttempts, type BackoffPolicy } from "../core/retry/backoff.js";
import { canonicalJson } from "../core/canonical-json.js";
import { DuplicateDefinitionError, UnrecoverableError, ValidationError } from "../core/errors.js";
import { parseKeyTemplate } from "../core/jobs/concurrency-key.js";
import type { FunctionJobOptions } from "../core/jobs/policy.js";
import { checkMaxPayloadBytes } from "../core/payload.js";
import { parseRetention, type RetentionOption } from "../core/retention.js";

export { DEFAULT_TIMEOUT_MS } from "../core/jobs/policy.js";

import type { JobHandler } from "../ports/executor.js";

export type { JobContext, JobHandler } from "../ports/executor.js";

/** Per-key concurrency: jobs whose key match run at most `limit` at a time. */
export interface ConcurrencyOptions<P = unknown> {
  /**
   * The concurrency key of a payload: a function of it (null or undefined means "no key"), or a
   * template such as `"report-{region}"` filled from the payload. A function is evaluated only
   * where it is defined; a template also works for jobs created by other processes.
   */
  readonly key: string | ((payload: P) => string | null | undefined);
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
  /**
   * How long its finished jobs (and their logs) are kept: `"30d"`, ms, or `"forever"`
   * (default: the engine's `retention`, 7 days). A retention declared in kairos.yaml wins.
   */
  readonly retention?: RetentionOption;
  /**
   * Largest payload accepted at enqueue, in bytes of JSON (default: the engine's
   * `maxPayloadBytes`, 1 MiB). A limit declared in kairos.yaml wins.
   */
  readonly maxPayloadBytes?: number;
  /**
   * The final re-check before a stopped job runs again (docs/control.md): given its payload and
   * last checkpoint, false when no work remains; then the job succeeds (result null) without
   * its handler running. Asked only of a restarted job (generation 2 and later).
   */
  readonly remaining?: (payload: P, checkpoint: unknown) => boolean | Promise<boolean>;
}

/** A validated definition. */
export interface FunctionDefinition {
  readonly name: string;
  readonly handler: JobHandler;
  /** The job options as given (absent fields take the defaults when a job is created). */
  readonly options: FunctionJobOptions;
  /** Retention of its finished jobs in ms, null for forever, undefined for the engine's default. */
  readonly retentionMs: number | null | undefined;
  /**
   * Why it cannot run in this process (e.g. its module failed to load), or null. An unavailable
   * function's jobs fail at once with this reason, without retries.
   */
  readonly unavailable: string | null;
  /** Payload size limit in bytes, undefined for the engine's default. */
  readonly maxPayloadBytes: number | undefined;
  /** The final re-check of a restarted job (FunctionOptions.remaining), if declared. */
  readonly remaining?: (payload: unknown, checkpoint: unknown) => boolean | Promise<boolean>;
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
    if (options.remaining !== undefined && typeof options.remaining !== "function") {
      throw new ValidationError(`define("${name}"): remaining must be a function`);
    }
    const def: FunctionDefinition = {
      name,
      handler: handler as JobHandler,
      options: validateOptions(options as FunctionOptions, `define("${name}")`),
      retentionMs:
        options.retention === undefined
          ? undefined
          : parseRetention(options.retention, `define("${name}"): retention`),
      unavailable: null,
      maxPayloadBytes:
        options.maxPayloadBytes === undefined
          ? undefined
          : checkMaxPayloadBytes(options.maxPayloadBytes, `define("${name}")`),
      ...(options.remaining
        ? { remaining: options.remaining as NonNullable<FunctionDefinition["remaining"]> }
        : {}),
    };
    this.defs.set(name, def);
    return def;
  }

  /**
   * Define `name` as unavailable here for `reason` (its module failed to load, ...): its jobs
   * fail at once with the reason as their error (UnrecoverableError, so not retried).
   */
  defineUnavailable<P>(
    name: string,
    reason: string,
    options: FunctionOptions<P> = {},
  ): FunctionDefinition {
    const fail = (): never => {
      throw new UnrecoverableError(`function "${name}" is unavailable: ${reason}`);
    };
    const def = { ...this.define(name, fail, options), unavailable: reason };
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

  /** Every definition, in definition order. */
  all(): FunctionDefinition[] {
    return [...this.defs.values()];
  }
}

/**
 * A definition's options as the store keeps them (`{ options: {...} }`, the shape of a declared
 * spec's options): a function-valued concurrency key cannot be stored and is left out.
 */
export function definitionSpecJson(def: FunctionDefinition): string {
  const { concurrency, ...rest } = def.options;
  return canonicalJson(
    {
      options: {
        ...rest,
        ...(concurrency && typeof concurrency.key === "string"
          ? { concurrency: { keyTemplate: concurrency.key, limit: concurrency.limit } }
          : {}),
        ...(def.retentionMs !== undefined ? { retentionMs: def.retentionMs } : {}),
      },
    },
    `function "${def.name}"`,
  );
}

function validateOptions(options: FunctionOptions, where: string): FunctionJobOptions {
  const { concurrency, timeoutMs, maxPending, priority, maxAttempts, backoff } = options;
  if (concurrency) {
    const limit = concurrency.limit ?? 1;
    if (typeof concurrency.key === "string") parseKeyTemplate(concurrency.key);
    else if (typeof concurrency.key !== "function") {
      throw new ValidationError(
        `${where}: concurrency.key must be a function of the payload or a template string`,
      );
    }
    if (!Number.isInteger(limit) || limit < 1) {
      throw new ValidationError(
        `${where}: concurrency.limit must be an integer >= 1, got ${String(limit)}`,
      );
    }
  }
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
    throw new ValidationError(
      `${where}: timeoutMs must be a number >= 0 (0 disables), got ${String(timeoutMs)}`,
    );
  }
  if (maxPending !== undefined && (!Number.isInteger(maxPending) || maxPending < 1)) {
    throw new ValidationError(
      `${where}: maxPending must be an integer >= 1, got ${String(maxPending)}`,
    );
  }
  if (priority !== undefined && !Number.isInteger(priority)) {
    throw new ValidationError(`${where}: priority must be an integer, got ${String(priority)}`);
  }
  if (maxAttempts !== undefined) validateMaxAttempts(maxAttempts, `${where}: maxAttempts`);
  if (backoff !== undefined) validateBackoff(backoff, `${where}: backoff`);
  return {
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    ...(backoff !== undefined ? { backoff } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(priority !== undefined ? { priority } : {}),
    ...(maxPending !== undefined ? { maxPending } : {}),
    ...(concurrency
      ? {
          concurrency: {
            key: concurrency.key,
            limit: concurrency.limit ?? 1,
          },
        }
      : {}),
  };
}
