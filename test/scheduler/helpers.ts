/**
 * Scheduler test helpers: an engine on a manual clock. The loop's timers run only when a test
 * advances the clock (`advance`/`advanceAsync`); `clock.set` jumps without running them, so a
 * test that moves time with `set` and calls `tickScheduler()` sees exactly the ticks it asks for.
 */
import { createKairos, type Kairos, type LeaderLock } from "../../src/index.js";
import type { SchedulerLoopOptions } from "../../src/runtime/scheduler/scheduler-loop.js";
import { afterEach } from "vitest";
import { ManualClock } from "../helpers/manual-clock.js";

const open: Kairos[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((k) => k.stop({ drainMs: 0 })));
});

/** 2026-01-05T00:00:00Z, a Monday. */
export const T0 = Date.parse("2026-01-05T00:00:00Z");

/** An engine with the scheduler loop on a manual clock; no workers. */
export async function manualScheduler(
  options: {
    store?: string;
    clock?: ManualClock;
    leaderLock?: LeaderLock;
    /** The loop's options (e.g. `{ timing: "external" }`). */
    scheduler?: SchedulerLoopOptions;
  } = {},
): Promise<{ kairos: Kairos; clock: ManualClock }> {
  const clock = options.clock ?? new ManualClock(T0);
  const kairos = await createKairos({
    store: options.store ?? "sqlite::memory:",
    clock,
    ...(options.leaderLock ? { leaderLock: options.leaderLock } : {}),
  });
  open.push(kairos);
  await kairos.start({
    workers: false,
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
  });
  return { kairos, clock };
}

/** Jobs of a schedule, oldest first. */
export async function jobsOf(kairos: Kairos, fn: string) {
  return (await kairos.jobs.list({ fn, limit: 10_000 })).reverse();
}
