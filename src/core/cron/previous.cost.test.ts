/**
 * The cost of previousCronFire, pinned deterministically: it is counted in nextCronFire calls
 * (wrapped by a mock that delegates to the real one), not measured with a clock.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

const calls = vi.hoisted(() => ({ next: 0 }));
vi.mock("./next.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("./next.js")>();
  return {
    ...real,
    nextCronFire: (...args: Parameters<typeof real.nextCronFire>) => {
      calls.next++;
      return real.nextCronFire(...args);
    },
  };
});

const { previousCronFire } = await import("./previous.js");

const at = (iso: string): number => Date.parse(iso);

describe("previousCronFire cost: O(log distance) nextCronFire calls", () => {
  beforeEach(() => {
    calls.next = 0;
  });

  it.each([
    ["* * * * * *", at("2026-12-31T00:00:00Z")],
    ["0 * * * *", at("2026-12-31T00:00:00Z")],
    ["0 0 1 1 *", at("2026-01-01T05:00:00Z")],
  ])("%s, a year of range", (expr, expected) => {
    expect(
      previousCronFire(
        expr,
        "America/New_York",
        at("2026-12-31T00:00:00.500Z"),
        at("2026-01-01T00:00:00Z"),
      ),
    ).toBe(expected);
    // Gallop (<= 14 steps of x4 from 1 s to a year) + bisection (<= 36 halvings, 3 calls each).
    expect(calls.next).toBeLessThanOrEqual(14 + 3 * 36 + 3);
  });
});
