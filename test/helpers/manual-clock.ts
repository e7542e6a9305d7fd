/**
 * A clock that moves only when the test says so, with timers (the Clock port's contract).
 *
 * - `advance(ms)` / `advanceAsync(ms)` move time forward and run every timer that falls due on
 *   the way, in time order (ties: the order they were set); during a callback `now()` is the
 *   timer's due instant. A timer set by a callback and due within the range runs too.
 * - `set(at)` jumps WITHOUT running timers (like sinon's `setSystemTime`): tests that tick the
 *   scheduler by hand move time with `set` and see no tick they did not ask for. `advance(0)`
 *   or `runDue()` then runs whatever is due at the new instant.
 * - `advanceAsync` lets promise callbacks (and `setImmediate` work such as store calls) run
 *   between two timers, so a loop that re-arms its timer after an await keeps up.
 */
import { sleepWithTimers, type Clock, type TimerHandle } from "../../src/ports/clock.js";

interface PendingTimer {
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
}

export class ManualClock implements Clock {
  private readonly timers = new Set<PendingTimer>();
  private seq = 0;

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  setTimer(ms: number, callback: () => void): TimerHandle {
    const timer: PendingTimer = {
      due: this.current + Math.max(0, ms),
      seq: this.seq++,
      callback,
    };
    this.timers.add(timer);
    return { cancel: () => void this.timers.delete(timer) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWithTimers((t, cb) => this.setTimer(t, cb), ms, signal);
  }

  /** Timers set and neither fired nor cancelled (a stopped loop must leave none). */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Move forward by `ms`, running due timers synchronously in time order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let t = this.nextDue(target); t; t = this.nextDue(target)) this.run(t);
    this.current = Math.max(this.current, target);
  }

  /** Move forward by `ms`, letting promises and `setImmediate` work run after each timer. */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.current + ms;
    await flush();
    for (let t = this.nextDue(target); t; t = this.nextDue(target)) {
      this.run(t);
      await flush();
    }
    this.current = Math.max(this.current, target);
    await flush();
  }

  /** Run the timers due at the current instant. */
  runDue(): void {
    this.advance(0);
  }

  /** Jump to an instant (ms since epoch or ISO string) without running any timer. */
  set(at: number | string): void {
    this.current = typeof at === "string" ? Date.parse(at) : at;
  }

  private nextDue(target: number): PendingTimer | null {
    let best: PendingTimer | null = null;
    for (const t of this.timers) {
      if (t.due > target) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }

  private run(timer: PendingTimer): void {
    this.timers.delete(timer);
    this.current = Math.max(this.current, timer.due);
    timer.callback();
  }
}

/** Let pending promise callbacks and a round of `setImmediate` work run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
}
