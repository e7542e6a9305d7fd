/**
 * @module runtime/event-feed/timers
 * Timers of the feed that must never keep a process alive (a flush due in 20 ms, a tailer's
 * fallback poll): on the system clock they are Node timers with `unref()`; any other clock
 * (tests' manual clock) gets its own timers.
 */
import { systemClock, type Clock, type TimerHandle } from "../../ports/clock.js";

/** `clock.setTimer`, unref'd when `clock` is the system clock. */
export function setUnrefTimer(clock: Clock, ms: number, callback: () => void): TimerHandle {
  if (clock !== systemClock) return clock.setTimer(ms, callback);
  const timer = setTimeout(callback, Math.max(0, ms));
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
}
