/**
 * The scheduler loop's timing, driven only by the manual clock: when it ticks, that it sleeps
 * until the next due time, that wakes are coalesced and never lost, that ticks are serial, the
 * leadership guard, and that stop leaves no timer. The tick itself is a stub here; the engine
 * tests at the bottom run the real one without ever calling `tickScheduler()`.
 */
import { describe, expect, it } from "vitest";
import {
  SchedulerLoop,
  type SchedulerLoopCapabilities,
  type SchedulerLoopOptions,
} from "../../src/runtime/scheduler/scheduler-loop.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { jobsOf, manualScheduler, T0 } from "./helpers.js";

function stubLoop(
  options: SchedulerLoopOptions = {},
  extra: Partial<SchedulerLoopCapabilities> = {},
) {
  const clock = new ManualClock(T0);
  const ticks: number[] = [];
  let running = 0;
  let maxRunning = 0;
  let release: (() => void) | null = null;
  let hold = false;
  let nextDue: number | null = null;
  let token = "t0";
  const loop = new SchedulerLoop(
    {
      tick: async (now) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        ticks.push(now - T0);
        if (hold) await new Promise<void>((r) => (release = r));
        running--;
        return { more: false };
      },
      nextDueAt: async () => nextDue,
      changeToken: async () => token,
      clock,
      logError: (error) => {
        throw error;
      },
      ...extra,
    },
    { pollIntervalMs: 1_000, changeCheckMs: 100, ...options },
  );
  return {
    clock,
    loop,
    ticks,
    maxRunning: () => maxRunning,
    setNextDue: (at: number | null) => (nextDue = at),
    setToken: (t: string) => (token = t),
    hold: (on: boolean) => (hold = on),
    release: () => release?.(),
  };
}

describe("scheduler loop timing (manual clock)", () => {
  it("ticks only when the clock lets its timers run, then sleeps until the next due time", async () => {
    const t = stubLoop();
    t.setNextDue(T0 + 300);
    t.loop.start();
    expect(t.ticks).toEqual([]);
    await t.clock.advanceAsync(0);
    expect(t.ticks).toEqual([0]);
    await t.clock.advanceAsync(299);
    expect(t.ticks).toEqual([0]);
    t.setNextDue(T0 + 5_000); // what the tick at 300 leaves: later than the poll interval
    await t.clock.advanceAsync(1);
    expect(t.ticks).toEqual([0, 300]);
    await t.clock.advanceAsync(1_000);
    expect(t.ticks).toEqual([0, 300, 1_300]);
    await t.loop.stop();
  });

  it("without anything due it polls every pollIntervalMs", async () => {
    const t = stubLoop();
    t.loop.start();
    await t.clock.advanceAsync(2_500);
    expect(t.ticks).toEqual([0, 1_000, 2_000]);
    await t.loop.stop();
  });

  it("wakes are coalesced, and a wake during a tick runs one more tick after it", async () => {
    const t = stubLoop();
    t.loop.start();
    t.loop.wake();
    t.loop.wake();
    t.hold(true);
    await t.clock.advanceAsync(0);
    expect(t.ticks).toEqual([0]);
    t.loop.wake(); // during the tick
    t.loop.wake();
    t.hold(false);
    t.release();
    await t.clock.advanceAsync(0);
    expect(t.ticks).toEqual([0, 0]);
    await t.clock.advanceAsync(500);
    expect(t.ticks).toEqual([0, 0]);
    await t.loop.stop();
  });

  it("ticks are serial, whoever asks", async () => {
    const t = stubLoop();
    t.loop.start();
    await Promise.all([t.loop.tickNow(), t.loop.tickNow(), t.loop.tickNow()]);
    expect(t.ticks.length).toBeGreaterThanOrEqual(3);
    expect(t.maxRunning()).toBe(1);
    await t.loop.stop();
  });

  it("a change committed elsewhere (change token) wakes it", async () => {
    const t = stubLoop();
    t.loop.start();
    await t.clock.advanceAsync(150);
    expect(t.ticks).toEqual([0]);
    t.setToken("t1");
    await t.clock.advanceAsync(100);
    expect(t.ticks).toEqual([0, 200]);
    await t.loop.stop();
  });

  it("skips the tick when leadership is not confirmed", async () => {
    let leads = false;
    const t = stubLoop({ confirmLeadership: async () => leads });
    t.loop.start();
    await t.clock.advanceAsync(1_500);
    expect(t.ticks).toEqual([]);
    expect(t.loop.lastTick()).toBeNull();
    leads = true;
    await t.clock.advanceAsync(1_000);
    expect(t.ticks).toEqual([2_000]);
    await t.loop.stop();
  });

  it("stop waits for the tick in progress and leaves no timer; wake is then a no-op", async () => {
    const t = stubLoop();
    t.loop.start();
    t.hold(true);
    await t.clock.advanceAsync(0);
    let stopped = false;
    const stopping = t.loop.stop().then(() => (stopped = true));
    await t.clock.advanceAsync(0);
    expect(stopped).toBe(false);
    t.release();
    await stopping;
    expect(t.clock.pendingTimers()).toBe(0);
    t.loop.wake();
    expect(t.clock.pendingTimers()).toBe(0);
  });
});

describe("the engine's scheduler on a manual clock, without tickScheduler()", () => {
  it("fires each slot as the clock advances", async () => {
    const { kairos, clock } = await manualScheduler();
    await kairos.schedules.create({
      allowUnknown: true,
      name: "e",
      fn: "work",
      every: "10s",
      overlap: "allow_all",
    });
    await clock.advanceAsync(10_000);
    expect(await jobsOf(kairos, "work")).toHaveLength(1);
    await clock.advanceAsync(20_000);
    expect(await jobsOf(kairos, "work")).toHaveLength(3);
    expect(kairos.schedulerLastTick()!.getTime()).toBeGreaterThanOrEqual(T0 + 30_000 - 1_000);
  });

  it("stopping the engine leaves no timer on the clock", async () => {
    const { kairos, clock } = await manualScheduler();
    await kairos.schedules.create({ allowUnknown: true, name: "e", fn: "work", every: "10s" });
    await clock.advanceAsync(10_000);
    await kairos.stop({ drainMs: 0 });
    expect(clock.pendingTimers()).toBe(0);
  });
});
