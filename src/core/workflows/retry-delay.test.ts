/**
 * Tests of the workflow retry delay: Airflow's defaults, fixed and exponential delays, the
 * deterministic jitter in [d, 2d), the caps, and the up_for_retry / failed decision.
 */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETRIES,
  DEFAULT_RETRY_DELAY_MS,
  MAX_EXPONENTIAL_RETRY_DELAY_MS,
  decideFailedTry,
  retryDelayFor,
} from "./retry-delay.js";

const id = (tryNumber: number, taskId = "load", runId = "etl@2026-01-01") => ({
  runId,
  taskId,
  tryNumber,
});

describe("retryDelayFor", () => {
  it("Airflow's defaults: retries 0, retry_delay 300 s, fixed", () => {
    expect(DEFAULT_RETRIES).toBe(0);
    expect(DEFAULT_RETRY_DELAY_MS).toBe(300_000);
    expect(retryDelayFor({}, id(1))).toBe(300_000);
    expect(retryDelayFor({}, id(7))).toBe(300_000);
  });

  it("fixed delay ignores maxRetryDelay, as Airflow applies it to exponential only", () => {
    expect(retryDelayFor({ retryDelayMs: 30_000, maxRetryDelayMs: 1_000 }, id(3))).toBe(30_000);
  });

  it("exponential: in [base * 2^(try-1), 2 * base * 2^(try-1)) for every try", () => {
    for (let t = 1; t <= 10; t++) {
      const d = 1_000 * 2 ** (t - 1);
      const delay = retryDelayFor({ retryDelayMs: 1_000, exponentialBackoff: true }, id(t));
      expect(delay).toBeGreaterThanOrEqual(d);
      expect(delay).toBeLessThan(2 * d);
      expect(Number.isInteger(delay)).toBe(true);
    }
  });

  it("exponential jitter is deterministic: same run, task and try give the same delay", () => {
    const policy = { retryDelayMs: 10_000, exponentialBackoff: true };
    expect(retryDelayFor(policy, id(3))).toBe(retryDelayFor(policy, id(3)));
  });

  it("exponential jitter differs across tasks and runs (so retries do not stampede)", () => {
    const policy = { retryDelayMs: 10_000, exponentialBackoff: true };
    const delays = new Set<number>();
    for (let k = 0; k < 20; k++) delays.add(retryDelayFor(policy, id(2, `task${k}`)));
    for (let k = 0; k < 20; k++) delays.add(retryDelayFor(policy, id(2, "load", `run${k}`)));
    expect(delays.size).toBeGreaterThan(30);
  });

  it("exponential delay is capped by maxRetryDelay", () => {
    const policy = { retryDelayMs: 30_000, exponentialBackoff: true, maxRetryDelayMs: 600_000 };
    expect(retryDelayFor(policy, id(1))).toBeLessThan(60_000);
    expect(retryDelayFor(policy, id(6))).toBe(600_000);
    expect(retryDelayFor(policy, id(60))).toBe(600_000);
  });

  it("exponential delay never exceeds 24 h without maxRetryDelay, even for huge tries", () => {
    const policy = { retryDelayMs: 1_000, exponentialBackoff: true };
    expect(retryDelayFor(policy, id(40))).toBe(MAX_EXPONENTIAL_RETRY_DELAY_MS);
    expect(retryDelayFor(policy, id(5_000))).toBe(MAX_EXPONENTIAL_RETRY_DELAY_MS);
  });

  it("a zero base stays zero", () => {
    expect(retryDelayFor({ retryDelayMs: 0, exponentialBackoff: true }, id(4))).toBe(0);
    expect(retryDelayFor({ retryDelayMs: 0 }, id(4))).toBe(0);
  });

  it("rejects a negative delay, a bad cap and a try below 1, saying which", () => {
    expect(() => retryDelayFor({ retryDelayMs: -1 }, id(1))).toThrow(/retryDelay must be/);
    expect(() => retryDelayFor({ maxRetryDelayMs: Number.NaN }, id(1))).toThrow(
      /maxRetryDelay must be/,
    );
    expect(() => retryDelayFor({}, id(0))).toThrow(/tryNumber must be/);
  });
});

describe("decideFailedTry", () => {
  it("with tries left the task is up_for_retry, due at end + delay", () => {
    expect(decideFailedTry({ retryDelayMs: 30_000 }, id(1), 3, 1_000_000)).toEqual({
      state: "up_for_retry",
      dueAt: 1_030_000,
      delayMs: 30_000,
    });
    expect(decideFailedTry({ retryDelayMs: 30_000 }, id(2), 3, 0).state).toBe("up_for_retry");
  });

  it("the last try fails the task", () => {
    expect(decideFailedTry({ retryDelayMs: 30_000 }, id(3), 3, 0)).toEqual({ state: "failed" });
    expect(decideFailedTry({}, id(1), 1, 0)).toEqual({ state: "failed" });
  });

  it("rejects maxTries below 1", () => {
    expect(() => decideFailedTry({}, id(1), 0, 0)).toThrow(/maxTries must be/);
  });
});
