import { afterEach, describe, expect, it, vi } from "vitest";
import { throttle } from "../../dashboard/src/throttle.js";
import { relativeTime } from "../../dashboard/src/time.js";

describe("dashboard relative time", () => {
  const now = Date.parse("2026-12-03T12:00:00Z");
  it("picks the largest unit that fits, past and future", () => {
    const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });
    expect(relativeTime(now - 5_000, now)).toBe(rtf.format(-5, "second"));
    expect(relativeTime(now - 3 * 60_000, now)).toBe(rtf.format(-3, "minute"));
    expect(relativeTime(now + 2 * 3_600_000, now)).toBe(rtf.format(2, "hour"));
    expect(relativeTime(now - 3 * 86_400_000, now)).toBe(rtf.format(-3, "day"));
  });
});

describe("dashboard throttle", () => {
  afterEach(() => vi.useRealTimers());
  it("runs at once, then once per period for a burst, the last ask honoured", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const t = throttle(fn, 1000);
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    t();
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(2);
    t();
    t.cancel();
    vi.advanceTimersByTime(5000);
    expect(fn).toHaveBeenCalledTimes(2);
  });
});
