/**
 * @module runtime/heartbeat-loop
 * A report run now and then every `intervalMs`, one at a time: `refresh()` reports at once and
 * restarts the interval; reports never overlap (each waits for the previous); `stop()` cancels
 * the timer and resolves once the report in flight (if any) is done. `report` must not throw.
 */
import type { Clock, TimerHandle } from "../ports/clock.js";

/** A serialized periodic report; see the module header. */
export class HeartbeatLoop {
  private timer: TimerHandle | null = null;
  private running = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly report: () => Promise<void>,
  ) {}

  /** True between `start()` and `stop()`. */
  get active(): boolean {
    return this.running;
  }

  /** Report now, then every interval. Resolves after the first report; false if already on. */
  async start(): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    await this.refresh();
    return true;
  }

  /** Report now (after the one in flight) and restart the interval; nothing once stopped. */
  refresh(): Promise<void> {
    if (!this.running) return Promise.resolve();
    this.timer?.cancel();
    this.inFlight = this.inFlight.then(() => (this.running ? this.report() : undefined));
    this.timer = this.clock.setTimer(this.intervalMs, () => void this.refresh());
    return this.inFlight;
  }

  /** Stop the interval and wait for the report in flight; false if it was not on. */
  async stop(): Promise<boolean> {
    if (!this.running) return false;
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
    await this.inFlight;
    return true;
  }
}
