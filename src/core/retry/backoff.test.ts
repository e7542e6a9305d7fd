/**
 * Tests of the retry policy: delays (fixed, exponential, cap, jitter with an injected random
 * source), the retry decision, and policy validation. Pure: no timers, no clock.
 */
import { describe, expect, it } from "vitest";
import { KairosError, ValidationError } from "../errors.js";
import {
  DEFAULT_BACKOFF,
  DEFAULT_MAX_ATTEMPTS,
  MAX_RETRY_DELAY_MS,
  decideRetry,
  retryDelayMs,
  validateBackoff,
  validateMaxAttempts,
  type BackoffPolicy,
  type RandomSource,
} from "./backoff.js";

/** A random source that always returns `value`. */
const constant =
  (value: number): RandomSource =>
  () =>
    value;

const NOW = 1_700_000_000_000;

describe("retryDelayMs", () => {
  it("fixed: always delayMs, whatever the attempt", () => {
    const policy: BackoffPolicy = { type: "fixed", delayMs: 2_500 };
    for (const attempt of [1, 2, 3, 10, 100]) {
      expect(retryDelayMs(policy, attempt, constant(0.7))).toBe(2_500);
    }
  });

  it("fixed ignores factor", () => {
    const policy: BackoffPolicy = { type: "fixed", delayMs: 100, factor: 10 };
    expect(retryDelayMs(policy, 5, constant(0))).toBe(100);
  });

  it("exponential: delayMs * 2^(attempt - 1) by default", () => {
    const policy: BackoffPolicy = { type: "exponential", delayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(policy, a, constant(0)))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000,
    ]);
  });

  it("exponential with a factor", () => {
    const policy: BackoffPolicy = { type: "exponential", delayMs: 100, factor: 3 };
    expect([1, 2, 3, 4].map((a) => retryDelayMs(policy, a, constant(0)))).toEqual([
      100, 300, 900, 2_700,
    ]);
  });

  it("exponential with factor 1 is constant", () => {
    const policy: BackoffPolicy = { type: "exponential", delayMs: 700, factor: 1 };
    expect([1, 2, 50].map((a) => retryDelayMs(policy, a, constant(0)))).toEqual([700, 700, 700]);
  });

  it("exponential with a fractional factor rounds to whole ms", () => {
    const policy: BackoffPolicy = { type: "exponential", delayMs: 1_000, factor: 1.5 };
    expect([1, 2, 3, 4].map((a) => retryDelayMs(policy, a, constant(0)))).toEqual([
      1_000, 1_500, 2_250, 3_375,
    ]);
    expect(retryDelayMs({ type: "fixed", delayMs: 10.6 }, 1, constant(0))).toBe(11);
  });

  it("treats an attempt below 1 like the first attempt", () => {
    const policy: BackoffPolicy = { type: "exponential", delayMs: 1_000 };
    expect(retryDelayMs(policy, 0, constant(0))).toBe(1_000);
    expect(retryDelayMs(policy, -3, constant(0))).toBe(1_000);
  });

  it("caps every delay at maxDelayMs", () => {
    const policy: BackoffPolicy = { type: "exponential", delayMs: 1_000, maxDelayMs: 5_000 };
    expect([1, 2, 3, 4, 5, 30].map((a) => retryDelayMs(policy, a, constant(0)))).toEqual([
      1_000, 2_000, 4_000, 5_000, 5_000, 5_000,
    ]);
    expect(retryDelayMs({ type: "fixed", delayMs: 9_000, maxDelayMs: 3_000 }, 1, constant(0))).toBe(
      3_000,
    );
  });

  it("a delay of 0 stays 0", () => {
    expect(retryDelayMs({ type: "exponential", delayMs: 0 }, 5, constant(0.5))).toBe(0);
    expect(retryDelayMs({ type: "fixed", delayMs: 0, jitter: 1 }, 1, constant(0.999))).toBe(0);
  });

  describe("jitter", () => {
    const policy: BackoffPolicy = { type: "fixed", delayMs: 1_000, jitter: 0.5 };

    it("random 0 gives the full delay", () => {
      expect(retryDelayMs(policy, 1, constant(0))).toBe(1_000);
    });

    it("random 0.5 takes half the jitter off", () => {
      expect(retryDelayMs(policy, 1, constant(0.5))).toBe(750);
    });

    it("random 0.999 comes close to delay * (1 - jitter)", () => {
      // 1000 - 1000 * 0.5 * 0.999 = 500.5 -> 501
      expect(retryDelayMs(policy, 1, constant(0.999))).toBe(501);
    });

    it("stays within [delay * (1 - jitter), delay] for any random in [0, 1)", () => {
      for (const jitter of [0, 0.1, 0.5, 1]) {
        for (const r of [0, 0.001, 0.25, 0.5, 0.75, 0.999, 0.999999]) {
          const delay = retryDelayMs({ type: "fixed", delayMs: 10_000, jitter }, 1, constant(r));
          expect(delay).toBeGreaterThanOrEqual(Math.floor(10_000 * (1 - jitter)));
          expect(delay).toBeLessThanOrEqual(10_000);
          expect(Number.isInteger(delay)).toBe(true);
        }
      }
    });

    it("applies after the cap, so it never exceeds maxDelayMs", () => {
      const capped: BackoffPolicy = {
        type: "exponential",
        delayMs: 1_000,
        maxDelayMs: 4_000,
        jitter: 0.25,
      };
      expect(retryDelayMs(capped, 10, constant(0))).toBe(4_000);
      expect(retryDelayMs(capped, 10, constant(0.5))).toBe(3_500);
      expect(retryDelayMs(capped, 10, constant(0.999))).toBe(3_001);
    });

    it("jitter 1 may shrink the delay to almost nothing but never below 0", () => {
      const full: BackoffPolicy = { type: "fixed", delayMs: 1_000, jitter: 1 };
      expect(retryDelayMs(full, 1, constant(0.999))).toBe(1);
      expect(retryDelayMs(full, 1, constant(0.9999))).toBe(0);
    });

    it("no jitter ignores the random source", () => {
      const plain: BackoffPolicy = { type: "exponential", delayMs: 1_000 };
      expect(retryDelayMs(plain, 2, constant(0.999))).toBe(2_000);
      expect(retryDelayMs({ ...plain, jitter: 0 }, 2, constant(0.999))).toBe(2_000);
    });
  });

  it("the default policy: 1 s doubling, 10 % jitter, capped at 1 h", () => {
    expect(validateBackoff(DEFAULT_BACKOFF)).toBe(DEFAULT_BACKOFF);
    expect(retryDelayMs(DEFAULT_BACKOFF, 1, constant(0))).toBe(1_000);
    expect(retryDelayMs(DEFAULT_BACKOFF, 1, constant(0.5))).toBe(950);
    expect(retryDelayMs(DEFAULT_BACKOFF, 3, constant(0))).toBe(4_000);
    expect(retryDelayMs(DEFAULT_BACKOFF, 40, constant(0))).toBe(3_600_000);
    expect(retryDelayMs(DEFAULT_BACKOFF, 40, constant(0.999))).toBe(3_240_360);
    expect(DEFAULT_MAX_ATTEMPTS).toBe(3);
  });
});

describe("decideRetry", () => {
  const policy: BackoffPolicy = { type: "exponential", delayMs: 1_000, factor: 2 };

  it("retries while attempts remain, at now + delay", () => {
    expect(
      decideRetry({ policy, attempt: 1, maxAttempts: 3, now: NOW, random: constant(0) }),
    ).toEqual({
      retry: true,
      runAt: NOW + 1_000,
      delayMs: 1_000,
    });
    expect(
      decideRetry({ policy, attempt: 2, maxAttempts: 3, now: NOW, random: constant(0) }),
    ).toEqual({
      retry: true,
      runAt: NOW + 2_000,
      delayMs: 2_000,
    });
  });

  it("uses the injected random source for runAt", () => {
    const decision = decideRetry({
      policy: { ...policy, jitter: 0.5 },
      attempt: 1,
      maxAttempts: 3,
      now: NOW,
      random: constant(0.5),
    });
    expect(decision).toEqual({ retry: true, runAt: NOW + 750, delayMs: 750 });
  });

  it("does not retry after the last attempt", () => {
    expect(
      decideRetry({ policy, attempt: 3, maxAttempts: 3, now: NOW, random: constant(0) }),
    ).toEqual({
      retry: false,
    });
    expect(
      decideRetry({ policy, attempt: 4, maxAttempts: 3, now: NOW, random: constant(0) }),
    ).toEqual({
      retry: false,
    });
  });

  it("never retries with maxAttempts 1", () => {
    expect(
      decideRetry({ policy, attempt: 1, maxAttempts: 1, now: NOW, random: constant(0) }),
    ).toEqual({
      retry: false,
    });
  });

  it("never retries an unrecoverable failure, even with attempts left", () => {
    expect(
      decideRetry({
        policy,
        attempt: 1,
        maxAttempts: 10,
        now: NOW,
        unrecoverable: true,
        random: constant(0),
      }),
    ).toEqual({ retry: false });
  });

  it("retries when unrecoverable is explicitly false", () => {
    expect(
      decideRetry({
        policy,
        attempt: 1,
        maxAttempts: 2,
        now: NOW,
        unrecoverable: false,
        random: constant(0),
      }),
    ).toEqual({ retry: true, runAt: NOW + 1_000, delayMs: 1_000 });
  });

  it("a zero delay retries at now", () => {
    expect(
      decideRetry({
        policy: { type: "fixed", delayMs: 0 },
        attempt: 1,
        maxAttempts: 2,
        now: NOW,
        random: constant(0),
      }),
    ).toEqual({ retry: true, runAt: NOW, delayMs: 0 });
  });
});

describe("validateBackoff", () => {
  it("returns a valid policy unchanged", () => {
    const policies: BackoffPolicy[] = [
      { type: "fixed", delayMs: 0 },
      { type: "fixed", delayMs: 500, jitter: 0 },
      { type: "exponential", delayMs: 1_000, factor: 1, maxDelayMs: 0, jitter: 1 },
      { type: "exponential", delayMs: 1, factor: 2.5, maxDelayMs: 60_000, jitter: 0.3 },
    ];
    for (const policy of policies) expect(validateBackoff(policy)).toBe(policy);
  });

  const invalid: [string, BackoffPolicy, RegExp][] = [
    ["an unknown type", { type: "linear" as "fixed", delayMs: 1 }, /backoff\.type/],
    ["a negative delayMs", { type: "fixed", delayMs: -1 }, /backoff\.delayMs/],
    ["a NaN delayMs", { type: "fixed", delayMs: Number.NaN }, /backoff\.delayMs/],
    ["an infinite delayMs", { type: "fixed", delayMs: Infinity }, /backoff\.delayMs/],
    ["a non-number delayMs", { type: "fixed", delayMs: "5" as unknown as number }, /delayMs/],
    ["a negative maxDelayMs", { type: "fixed", delayMs: 1, maxDelayMs: -5 }, /backoff\.maxDelayMs/],
    ["a NaN maxDelayMs", { type: "fixed", delayMs: 1, maxDelayMs: Number.NaN }, /maxDelayMs/],
    ["a factor below 1", { type: "exponential", delayMs: 1, factor: 0.5 }, /backoff\.factor/],
    ["a zero factor", { type: "exponential", delayMs: 1, factor: 0 }, /backoff\.factor/],
    ["a NaN factor", { type: "exponential", delayMs: 1, factor: Number.NaN }, /backoff\.factor/],
    ["an infinite factor", { type: "exponential", delayMs: 1, factor: Infinity }, /factor/],
    ["a negative jitter", { type: "fixed", delayMs: 1, jitter: -0.1 }, /backoff\.jitter/],
    ["a jitter above 1", { type: "fixed", delayMs: 1, jitter: 1.1 }, /backoff\.jitter/],
    ["a NaN jitter", { type: "fixed", delayMs: 1, jitter: Number.NaN }, /backoff\.jitter/],
  ];
  it.each(invalid)("rejects %s with ValidationError naming the field", (_, policy, field) => {
    let caught: unknown;
    try {
      validateBackoff(policy);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect(caught).toBeInstanceOf(KairosError);
    expect((caught as ValidationError).code).toBe("VALIDATION");
    expect((caught as ValidationError).message).toMatch(field);
  });

  it("names the location given by the caller", () => {
    expect(() => validateBackoff({ type: "fixed", delayMs: -1 }, "functions.email.retry")).toThrow(
      /functions\.email\.retry\.delayMs must be a finite number >= 0, got -1/,
    );
  });
});

describe("validateMaxAttempts", () => {
  it("accepts integers >= 1 and returns them", () => {
    for (const n of [1, 2, 3, 1_000]) expect(validateMaxAttempts(n)).toBe(n);
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity, -Infinity, 1_001, 1e9])("rejects %s", (n) => {
    expect(() => validateMaxAttempts(n)).toThrow(ValidationError);
    expect(() => validateMaxAttempts(n, "jobs.retry.maxAttempts")).toThrow(
      /jobs\.retry\.maxAttempts must be an integer from 1 to 1000, got/,
    );
  });
});

describe("retryDelayMs overflow", () => {
  it("never returns NaN or Infinity, and never exceeds 30 days, for huge attempt numbers", () => {
    const noCap = { type: "exponential", delayMs: 1_000 } as const;
    for (const attempt of [44, 100, 1_025, 1e6]) {
      const d = retryDelayMs(noCap, attempt, () => 0);
      expect(Number.isFinite(d)).toBe(true);
      expect(d).toBe(MAX_RETRY_DELAY_MS);
    }
    expect(retryDelayMs({ type: "exponential", delayMs: 0 }, 5_000, () => 0)).toBe(0);
  });
});
