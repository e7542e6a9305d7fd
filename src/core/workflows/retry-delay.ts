/**
 * @module core/workflows/retry-delay
 * When a failed task try runs again, with Airflow's rules and defaults, without randomness.
 *
 * A try fails with tries left (`tryNumber < maxTries`, where `maxTries = retries + 1`) -> the
 * task goes `up_for_retry`, due at `endedAt + delay`; otherwise it ends `failed`.
 * - Fixed (default): delay = `retryDelayMs` (Airflow's `retry_delay`, default 300 s).
 * - Exponential (`exponentialBackoff`, Airflow's `retry_exponential_backoff`): with
 *   `d = retryDelayMs * 2^(tryNumber - 1)`, the delay is `d + hash % d`, i.e. in [d, 2d), as
 *   Airflow spreads it; the hash is FNV-1a over run id, task id and try number, so every
 *   replica and every re-decision computes the same delay. It is capped at 24 h (Airflow's
 *   MAX_RETRY_DELAY) and at `maxRetryDelayMs` when given (Airflow's `max_retry_delay`,
 *   default none), which, as in Airflow, applies to the exponential delay only.
 * Differences from Airflow: milliseconds instead of whole seconds (Airflow rounds `d` up to
 * seconds, at least 1 s; a 0 base stays 0 here), and the hash covers the run id where Airflow
 * hashes dag id, task id, logical date and try number.
 */
import { ValidationError } from "../errors.js";
import { fnv1a32 } from "../schedules/jitter.js";

/** Airflow's default `retry_delay`: 300 seconds. */
export const DEFAULT_RETRY_DELAY_MS = 300_000;

/** Airflow's default `retries`: 0 (one try). */
export const DEFAULT_RETRIES = 0;

/** Airflow's hard cap on an exponential delay (MAX_RETRY_DELAY): 24 hours. */
export const MAX_EXPONENTIAL_RETRY_DELAY_MS = 86_400_000;

/** A task's retry delay settings, in ms. */
export interface RetryDelayPolicy {
  /** Base delay; default DEFAULT_RETRY_DELAY_MS. */
  readonly retryDelayMs?: number;
  /** Double the delay per try, with deterministic jitter. Default false. */
  readonly exponentialBackoff?: boolean;
  /** Upper bound of the exponential delay. Default: none (24 h hard cap). */
  readonly maxRetryDelayMs?: number;
}

/** Identifies the try whose retry delay is computed (the jitter's hash input). */
export interface TryIdentity {
  readonly runId: string;
  readonly taskId: string;
  /** The try that just failed, 1-based. */
  readonly tryNumber: number;
}

/** The delay in whole ms before the retry after try `id.tryNumber`; same input, same delay. */
export function retryDelayFor(policy: RetryDelayPolicy, id: TryIdentity): number {
  const base = policy.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  validate(policy, base, id.tryNumber);
  if (policy.exponentialBackoff !== true) return Math.ceil(base);
  const d = Math.min(Math.ceil(base * 2 ** (id.tryNumber - 1)), MAX_EXPONENTIAL_RETRY_DELAY_MS);
  if (d === 0) return 0;
  const hash = fnv1a32(`${id.runId}#${id.taskId}#${id.tryNumber}`);
  const jittered = Math.min(d + (hash % d), MAX_EXPONENTIAL_RETRY_DELAY_MS);
  return policy.maxRetryDelayMs === undefined
    ? jittered
    : Math.min(jittered, policy.maxRetryDelayMs);
}

/** What a failed try leads to. */
export type FailedTryOutcome =
  | { readonly state: "up_for_retry"; readonly dueAt: number; readonly delayMs: number }
  | { readonly state: "failed" };

/**
 * Decides a failed try: `up_for_retry` due at `endedAt + delay` while `tryNumber < maxTries`,
 * else `failed`. `endedAt` comes from the injected clock (epoch ms).
 */
export function decideFailedTry(
  policy: RetryDelayPolicy,
  id: TryIdentity,
  maxTries: number,
  endedAt: number,
): FailedTryOutcome {
  if (!Number.isInteger(maxTries) || maxTries < 1) {
    throw new ValidationError(
      `maxTries must be an integer >= 1 (retries + 1), got ${String(maxTries)}`,
    );
  }
  if (id.tryNumber >= maxTries) return { state: "failed" };
  const delayMs = retryDelayFor(policy, id);
  return { state: "up_for_retry", dueAt: endedAt + delayMs, delayMs };
}

function validate(policy: RetryDelayPolicy, base: number, tryNumber: number): void {
  if (!Number.isFinite(base) || base < 0) {
    throw new ValidationError(`retryDelay must be a finite number of ms >= 0, got ${String(base)}`);
  }
  const cap = policy.maxRetryDelayMs;
  if (cap !== undefined && (!Number.isFinite(cap) || cap < 0)) {
    throw new ValidationError(
      `maxRetryDelay must be a finite number of ms >= 0, got ${String(cap)}`,
    );
  }
  if (!Number.isInteger(tryNumber) || tryNumber < 1) {
    throw new ValidationError(`tryNumber must be an integer >= 1, got ${String(tryNumber)}`);
  }
}
