/**
 * @module core/jobs/policy
 * A job's policy — attempts, priority, backoff, timeout, concurrency key and limit, pending cap —
 * resolved once, when the job is created (enqueue, a schedule's fire, a trigger), and stamped on
 * the job. Every later decision (retry, timeout, recovery) reads the job, never a registry, so a
 * job behaves the same whichever process created, ran or recovered it.
 *
 * Which source wins, field by field:
 *   1. the enqueue call's own options (`priority`, `maxAttempts`, `key`);
 *   2. the function's options, taken whole from the first source that has the function:
 *      a. its spec declared in kairos.yaml and stored by `kairos apply` (`declared`),
 *      b. its `define()` options in this process (`defined`);
 *   3. the defaults below, for every field the chosen source leaves out.
 * A declared spec wins over `define()` options: the file applied to the store is what the whole
 * deployment runs, while a process's in-memory options may be older (a rolling deploy).
 * Pure: no I/O, no clock.
 */
import { ValidationError } from "../errors.js";
import {
  DEFAULT_BACKOFF,
  DEFAULT_MAX_ATTEMPTS,
  validateBackoff,
  validateMaxAttempts,
  type BackoffPolicy,
} from "../retry/backoff.js";
import { concurrencyKeyFromTemplate } from "./concurrency-key.js";

/** Default attempt timeout: 30 minutes. */
export const DEFAULT_TIMEOUT_MS = 30 * 60_000;

/** Default priority (higher runs first). */
export const DEFAULT_PRIORITY = 0;

/** Default per-key limit when a function has a concurrency key: serialized per key. */
export const DEFAULT_CONCURRENCY_LIMIT = 1;

/** A concurrency key: a template over the payload (`report-{region}`) or a function of it. */
export type ConcurrencyKeySpec = string | ((payload: unknown) => string | null | undefined);

/** A function's job options as one source states them; an absent field takes the default. */
export interface FunctionJobOptions {
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  /** 0 disables the timeout. */
  readonly timeoutMs?: number;
  readonly priority?: number;
  readonly maxPending?: number;
  readonly concurrency?: { readonly key: ConcurrencyKeySpec; readonly limit: number };
}

/** Which source the function's options came from (see the module header). */
export type PolicySource = "declared" | "defined" | "defaults";

/** The resolved policy stamped on a new job. */
export interface JobPolicy {
  readonly maxAttempts: number;
  readonly priority: number;
  readonly backoff: BackoffPolicy;
  /** 0: no timeout. */
  readonly timeoutMs: number;
  readonly concurrencyKey: string | null;
  readonly concurrencyLimit: number;
  readonly maxPending: number | null;
  readonly source: PolicySource;
}

/** The enqueue call's own overrides. */
export interface CallOverrides {
  readonly maxAttempts?: number;
  readonly priority?: number;
  /** Concurrency key, overriding the function's. */
  readonly key?: string;
}

/** Everything `resolveJobPolicy` needs. */
export interface PolicyInput {
  /** The function's spec stored by `kairos apply`, or null. */
  readonly declared: FunctionJobOptions | null;
  /** The function's `define()` options in this process, or null. */
  readonly defined: FunctionJobOptions | null;
  readonly call: CallOverrides;
  readonly payload: unknown;
  /** Names the caller in error messages, e.g. `enqueue("send")`. */
  readonly where: string;
}

/** A function's policy for new jobs, before the per-payload concurrency key. */
export type FunctionPolicy = Omit<JobPolicy, "concurrencyKey"> & {
  /** How each job's concurrency key is computed from its payload. */
  readonly keySpec: ConcurrencyKeySpec | undefined;
  /** The call's own key, overriding `keySpec`. */
  readonly keyOverride: string | undefined;
};

/**
 * Resolve the part of the policy every job of one call shares (once per call, not per
 * payload). Throws ValidationError for a bad override.
 */
export function resolveFunctionPolicy(input: Omit<PolicyInput, "payload">): FunctionPolicy {
  const { call, where } = input;
  const source: PolicySource =
    input.declared !== null ? "declared" : input.defined !== null ? "defined" : "defaults";
  const options = input.declared ?? input.defined ?? {};
  const priority = call.priority ?? options.priority ?? DEFAULT_PRIORITY;
  if (!Number.isInteger(priority)) {
    throw new ValidationError(`${where}: priority must be an integer, got ${String(priority)}`);
  }
  const maxAttempts = validateMaxAttempts(
    call.maxAttempts ?? options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    `${where}: maxAttempts`,
  );
  if (call.key !== undefined && typeof call.key !== "string") {
    throw new ValidationError(`${where}: key must be a string`);
  }
  return {
    maxAttempts,
    priority,
    backoff: validateBackoff(options.backoff ?? DEFAULT_BACKOFF, `${where}: backoff`),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    concurrencyLimit: options.concurrency?.limit ?? DEFAULT_CONCURRENCY_LIMIT,
    maxPending: options.maxPending ?? null,
    source,
    keySpec: options.concurrency?.key,
    keyOverride: call.key,
  };
}

/** One job's concurrency key under `policy`. Throws ValidationError when it cannot be computed. */
export function concurrencyKeyFor(
  policy: FunctionPolicy,
  payload: unknown,
  where: string,
): string | null {
  return concurrencyKeyOf(policy.keyOverride, policy.keySpec, payload, where);
}

/** Resolve a new job's policy. Throws ValidationError for a bad override or a key that cannot be computed. */
export function resolveJobPolicy(input: PolicyInput): JobPolicy {
  const fn = resolveFunctionPolicy(input);
  const { keySpec: _keySpec, keyOverride: _keyOverride, ...policy } = fn;
  return { ...policy, concurrencyKey: concurrencyKeyFor(fn, input.payload, input.where) };
}

function concurrencyKeyOf(
  override: string | undefined,
  spec: ConcurrencyKeySpec | undefined,
  payload: unknown,
  where: string,
): string | null {
  if (override !== undefined) {
    if (typeof override !== "string") throw new ValidationError(`${where}: key must be a string`);
    return override;
  }
  if (spec === undefined) return null;
  if (typeof spec === "string") return concurrencyKeyFromTemplate(spec, payload);
  let computed: string | null | undefined;
  try {
    computed = spec(payload);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`${where}: concurrency.key(payload) threw: ${reason}`, {
      cause: error,
    });
  }
  return computed === undefined || computed === null ? null : String(computed);
}

/**
 * The job options of a stored function spec (`specJson`: canonical JSON of `{ executor,
 * options }` as `kairos apply` writes it). Throws ValidationError when the text is not such a spec.
 */
export function jobOptionsFromSpecJson(specJson: string, fn: string): FunctionJobOptions {
  let spec: unknown;
  try {
    spec = JSON.parse(specJson);
  } catch (cause) {
    throw new ValidationError(`function "${fn}": its stored spec is not JSON`, { cause });
  }
  const options = (spec as { options?: unknown } | null)?.options;
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") {
    throw new ValidationError(`function "${fn}": its stored spec has no options object`);
  }
  const o = options as {
    maxAttempts?: number;
    backoff?: BackoffPolicy;
    timeoutMs?: number;
    priority?: number;
    maxPending?: number;
    concurrency?: { keyTemplate: string; limit: number };
  };
  return {
    ...(o.maxAttempts !== undefined ? { maxAttempts: o.maxAttempts } : {}),
    ...(o.backoff !== undefined ? { backoff: o.backoff } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.priority !== undefined ? { priority: o.priority } : {}),
    ...(o.maxPending !== undefined ? { maxPending: o.maxPending } : {}),
    ...(o.concurrency !== undefined
      ? { concurrency: { key: o.concurrency.keyTemplate, limit: o.concurrency.limit } }
      : {}),
  };
}
