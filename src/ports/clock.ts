/**
 * @module ports/clock
 * Time as a whole port: the current instant and every timer. The runtime reads time and waits
 * only through a Clock, so tests drive it with a manual clock instead of sleeping.
 *
 * Invariants every implementation keeps:
 * - `now()` is ms since the Unix epoch and never goes backwards on its own (a manual clock may
 *   be set back by a test, which is the test's business).
 * - A timer's callback runs at most once, never synchronously inside `setTimer`, and never
 *   after `cancel()` returned. `cancel()` is idempotent and harmless after the timer fired.
 * - Timers due at the same instant run in the order they were set.
 * - `sleep(ms, signal)` settles once: it resolves after `ms`, or at once (even before `ms`)
 *   when `signal` aborts, cancelling its timer. It resolves rather than rejects on abort so a
 *   loop that sleeps until it is stopped needs no try/catch and cannot leak a rejection; the
 *   caller checks `signal.aborted` when it cares why it woke.
 *
 * Which clock is authoritative: for both stores the process clock of the caller (every store
 * call receives `now`; no adapter reads the database clock).
 */

/** A pending timer. */
export interface TimerHandle {
  /** Cancel the timer: its callback will not run. Idempotent; a no-op once it has fired. */
  cancel(): void;
}

/** A source of the current time and of timers. */
export interface Clock {
  /** The current instant, ms since the Unix epoch. */
  now(): number;
  /**
   * Run `callback` once, `ms` (clamped to >= 0) from now, unless cancelled first. Never calls
   * it synchronously.
   */
  setTimer(ms: number, callback: () => void): TimerHandle;
  /** Resolve after `ms`, or as soon as `signal` aborts (already aborted: next microtask). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Resolve after `ms` on `clock`'s timers, or as soon as `signal` aborts. Shared by every Clock
 * implementation so they all keep the `sleep` contract in the module header.
 */
export function sleepWithTimers(
  setTimer: Clock["setTimer"],
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      resolve();
    };
    const timer = setTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A Node timer as a TimerHandle: `cancel` is a prototype method, so setting a timer (one per
 * running job, for its timeout) allocates no closure.
 */
class NodeTimer implements TimerHandle {
  constructor(private readonly timer: NodeJS.Timeout) {}

  cancel(): void {
    clearTimeout(this.timer);
  }
}

/** The real wall clock and Node's timers (timers keep the process alive, as before). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, callback) {
    return new NodeTimer(setTimeout(callback, Math.max(0, ms)));
  },
  sleep(ms, signal) {
    return sleepWithTimers((t, cb) => systemClock.setTimer(t, cb), ms, signal);
  },
};
