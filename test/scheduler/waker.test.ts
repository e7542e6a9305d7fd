/** The shared waker and the manual clock's timers, driven by the manual clock only. */
import { describe, expect, it } from "vitest";
import { Waker, type WakerOptions } from "../../src/runtime/waker.js";
import { ManualClock } from "../helpers/manual-clock.js";

const T0 = Date.parse("2026-01-05T00:00:00Z");

function setup(extra: Partial<WakerOptions> = {}) {
  const clock = new ManualClock(T0);
  const wakes: number[] = [];
  const errors: unknown[] = [];
  const waker = new Waker({
    clock,
    onWake: () => wakes.push(clock.now()),
    onError: (e) => errors.push(e),
    ...extra,
  });
  return { clock, wakes, errors, waker };
}

describe("manual clock timers", () => {
  it("advance runs due timers in time order, ties in the order set, at their instant", () => {
    const clock = new ManualClock(T0);
    const seen: string[] = [];
    clock.setTimer(30, () => seen.push(`c@${clock.now() - T0}`));
    clock.setTimer(10, () => seen.push(`a@${clock.now() - T0}`));
    clock.setTimer(10, () => {
      seen.push(`b@${clock.now() - T0}`);
      clock.setTimer(5, () => seen.push(`nested@${clock.now() - T0}`));
    });
    const cancelled = clock.setTimer(20, () => seen.push("cancelled"));
    cancelled.cancel();
    clock.advance(25);
    expect(seen).toEqual(["a@10", "b@10", "nested@15"]);
    expect(clock.now()).toBe(T0 + 25);
    expect(clock.pendingTimers()).toBe(1);
  });

  it("set jumps without running timers; runDue runs what is due", () => {
    const clock = new ManualClock(T0);
    let fired = 0;
    clock.setTimer(10, () => fired++);
    clock.set(T0 + 100);
    expect(fired).toBe(0);
    clock.runDue();
    expect(fired).toBe(1);
  });

  it("sleep resolves after its time, or at once on abort, leaving no timer", async () => {
    const clock = new ManualClock(T0);
    const done: string[] = [];
    void clock.sleep(50).then(() => done.push("slept"));
    const controller = new AbortController();
    void clock.sleep(1_000, controller.signal).then(() => done.push("aborted"));
    await clock.advanceAsync(50);
    expect(done).toEqual(["slept"]);
    controller.abort();
    await clock.advanceAsync(0);
    expect(done).toEqual(["slept", "aborted"]);
    expect(clock.pendingTimers()).toBe(0);
    await clock.sleep(10, controller.signal); // already aborted: resolves at once
  });
});

describe("waker", () => {
  it("keeps the earliest deadline and wakes once", () => {
    const { clock, wakes, waker } = setup();
    waker.start();
    waker.wakeAt(T0 + 50);
    waker.wakeAt(T0 + 20);
    waker.wakeAt(T0 + 80);
    expect(waker.pendingDeadline()).toBe(T0 + 20);
    clock.advance(100);
    expect(wakes).toEqual([T0 + 20]);
    expect(waker.pendingDeadline()).toBeNull();
  });

  it("coalesces wakeNow calls into one callback, never synchronously", () => {
    const { clock, wakes, waker } = setup();
    waker.start();
    waker.wakeNow();
    waker.wakeNow();
    waker.wakeAt(T0 + 10);
    expect(wakes).toEqual([]);
    clock.advance(10);
    expect(wakes).toEqual([T0]);
  });

  it("a deadline asked before start is armed at start", () => {
    const { clock, wakes, waker } = setup();
    waker.wakeAt(T0 + 5);
    clock.advance(10);
    expect(wakes).toEqual([]);
    waker.start();
    clock.runDue();
    expect(wakes).toEqual([T0 + 10]);
  });

  it("wakes on the first token (a commit before it must not become the baseline), then only when it changes", async () => {
    let token = "1";
    const { clock, wakes, waker } = setup({ changeToken: async () => token, changeCheckMs: 100 });
    waker.start();
    await clock.advanceAsync(250);
    expect(wakes).toHaveLength(1);
    wakes.length = 0;
    token = "2";
    await clock.advanceAsync(100);
    expect(wakes).toHaveLength(1);
  });

  it("wakes on a pushed change and unsubscribes at stop", () => {
    let listener: (() => void) | null = null;
    const { clock, wakes, waker } = setup({
      onChange: (l) => {
        listener = l;
        return () => {
          listener = null;
        };
      },
    });
    waker.start();
    listener!();
    clock.runDue();
    expect(wakes).toHaveLength(1);
    waker.stop();
    expect(listener).toBeNull();
  });

  it("reports a failing change check and keeps polling", async () => {
    let calls = 0;
    const { clock, errors, waker } = setup({
      changeToken: async () => {
        calls++;
        throw new Error("db down");
      },
      changeCheckMs: 100,
    });
    waker.start();
    await clock.advanceAsync(300);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(calls).toBe(errors.length);
    waker.stop();
  });

  it("stop cancels every timer; nothing wakes afterwards", async () => {
    const { clock, wakes, waker } = setup({ changeToken: async () => "x" });
    waker.start();
    waker.wakeAt(T0 + 10);
    await clock.advanceAsync(0);
    wakes.length = 0; // the first token's wake
    waker.stop();
    waker.wakeNow();
    await clock.advanceAsync(1_000);
    expect(wakes).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });
});
