/**
 * @module runtime/duties/scheduler
 * The scheduler loop as a leader duty: the loop starts when this process is elected and stops
 * at once on step-down (its own timers pace its ticks, so the duty's `run` lasts the whole
 * term). While it runs, `current()` gives the loop for local wake-ups.
 */
import type { LeaderDuty } from "../leader-duties.js";
import type { SchedulerLoop } from "../scheduler/scheduler-loop.js";

/** The scheduler duty; `newLoop` builds a fresh loop for each term of leadership. */
export function createSchedulerDuty(
  newLoop: () => SchedulerLoop,
): LeaderDuty & { current(): SchedulerLoop | null } {
  let loop: SchedulerLoop | null = null;
  let lastTick: number | null = null;
  return {
    name: "scheduler",
    intervalMs: 0,
    current: () => loop,
    lastRunAt: () => loop?.lastTick() ?? lastTick,
    run: async (signal) => {
      if (signal.aborted) return;
      const term = newLoop();
      loop = term;
      term.start();
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
      loop = null;
      await term.stop();
      lastTick = term.lastTick() ?? lastTick;
    },
  };
}
