/**
 * @module core/retry/backoff
 * The retry policy: how long to wait before attempt n+1, and whether there is one. Pure: the
 * random source is injected so jitter is deterministic in tests.
 */
import { ValidationError } from "../errors.js";

/** How the delay between attempts grows. */
export interface BackoffPolicy {
  /** `fixed`: always `delayMs`; `exponential`: `delayMs * factor^(attempt-1)`. */
  readonly type: "fixed" | "exponential";
  /** Delay before the first retry, in ms. */
  readonly delayMs: number;
  /** Growth factor for `exponential` (default 2). */
  readonly factor?: number;
  /** Upper bound of any delay, in ms (applied before jitter). */
  readonly maxDelayMs?: number;
  /**
   * Fraction in [0, 1] of the delay that is randomised: the delay is drawn uniformly from
   * `[delay * (1 - jitter), delay]`, so jitter never makes a retry later than the cap.
   */
  readonly jitter?: number;
}

/** The default policy: exponential from 1 s, doubling, at most 1 h, 10 % jitter. */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  type: "exponential",
  delayMs: 1_000,
  factor: 2,
  maxDelayMs: 3_600_000,
  jitter: 0.1,
};

/** No retry is ever scheduled further out than this (30 days), whatever the policy says. */
export const MAX_RETRY_DELAY_MS = 30 * 24 * 3_600_000;

/** Default number of attempts (the first run included). */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/** Throws ValidationError unless the policy is usable; returns it unchanged. */
export function validateBackoff(policy: BackoffPolicy, where = "backoff"): BackoffPolicy {
  if (policy.type !== "fixed" && policy.type !== "exponential") {
    throw new ValidationError(
      `${where}.type must be "fixed" or "exponential", got ${JSON.stringify(policy.type)}`,
    );
  }
  checkNonNegative(policy.delayMs, `${where}.delayMs`);
  if (policy.maxDelayMs !== undefined) checkNonNegative(policy.maxDelayMs, `${where}.maxDelayMs`);
  if (policy.factor !== undefined && !(Number.isFinite(policy.factor) && policy.factor >= 1)) {
    throw new ValidationError(
      `${where}.factor must be a number >= 1, got ${String(policy.factor)}`,
    );
  }
  if (
    policy.jitter !== undefined &&
    !(Number.isFinite(policy.jitter) && policy.jitter >= 0 && policy.jitter <= 1)
  ) {
    throw new ValidationError(
      `${where}.jitter must be a number in [0, 1], got ${String(policy.jitter)}`,
    );
  }
  return policy;
}

/**
 * The most attempts a job may have (`retries: 999` in kairos.yaml): a retry loop is bounded,
 * and a typo such as `retries: 1000000000` is an error rather than a job retried forever.
 */
export const MAX_ATTEMPTS = 1_000;

/** Throws ValidationError unless `maxAttempts` is an integer from 1 to MAX_ATTEMPTS. */
export function validateMaxAttempts(maxAttempts: number, where = "maxAttempts"): number {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
    throw new ValidationError(
      `${where} must be an integer from 1 to ${MAX_ATTEMPTS}, got ${String(maxAttempts)}`,
    );
  }
  return maxAttempts;
}

/**
 * The delay in ms before the retry that follows the failed attempt `attempt` (1-based).
 * Never negative, never above `maxDelayMs`.
 */
export function retryDelayMs(policy: BackoffPolicy, attempt: number, random: RandomSource): number {
  const growth =
    policy.type === "fixed" ? 1 : Math.pow(policy.factor ?? 2, Math.max(0, attempt - 1));
  // Overflow (growth = Infinity, or 0 * Infinity = NaN) falls back to the cap.
  const raw = policy.delayMs === 0 ? 0 : policy.delayMs * growth;
  const cap = Math.min(policy.maxDelayMs ?? MAX_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS);
  const capped = Number.isFinite(raw) ? Math.min(raw, cap) : cap;
  const jitter = policy.jitter ?? 0;
  const delay = capped - capped * jitter * random();
  return Math.max(0, Math.round(delay));
}

/** What to do after attempt `attempt` of `maxAttempts` failed. */
export type RetryDecision =
  | { readonly retry: true; readonly runAt: number; readonly delayMs: number }
  | { readonly retry: false };

/**
 * Decide whether a failed attempt is retried and when. An unrecoverable failure is never
 * retried; otherwise a retry happens while `attempt < maxAttempts`.
 */
export function decideRetry(input: {
  readonly policy: BackoffPolicy;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly now: number;
  readonly unrecoverable?: boolean;
  readonly random: RandomSource;
}): RetryDecision {
  if (input.unrecoverable === true || input.attempt >= input.maxAttempts) return { retry: false };
  const delayMs = retryDelayMs(input.policy, input.attempt, input.random);
  return { retry: true, runAt: input.now + delayMs, delayMs };
}

function checkNonNegative(value: number, where: string): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new ValidationError(`${where} must be a finite number >= 0, got ${String(value)}`);
  }
}
