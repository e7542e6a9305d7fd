/**
 * @module runtime/worker/drain
 * The pool's drain at `stop()`: wait until no job runs here, the deadline passes, or the drain
 * is cut short (`force`: a second Ctrl-C, `kairos.stop({ force: true })`), whichever comes
 * first. Also what a stop reports.
 */
import type { Clock, TimerHandle } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { EventBus } from "../event-bus.js";
import type { JobExecution } from "./job-execution.js";

/** What a worker pool's (and the engine's) `stop()` did. */
export interface StopReport {
  /** True when the drain was cut short by a forced stop (or the stop was forced from the start). */
  readonly forced: boolean;
  /** Running jobs whose handlers were aborted because the drain ended before they did. */
  readonly aborted: number;
  /** Jobs handed back to the queue by this stop (aborted, and claimed ahead but never started). */
  readonly handedBack: number;
  /**
   * Aborted handlers that had not returned when `stop()` resolved (a handler ignoring its
   * signal; a command's processes are killed by the command executor on abort).
   */
  readonly stillRunning: number;
}

/**
 * A forced stop waits this long for aborted handlers to return (a command's process group gets
 * SIGTERM, then SIGKILL after 2 s), so the process does not exit before its children are gone.
 */
export const FORCED_HANDLER_WAIT_MS = 5_000;

/** The report of a stop that had nothing to do. */
export const NOTHING_STOPPED: StopReport = {
  forced: false,
  aborted: 0,
  handedBack: 0,
  stillRunning: 0,
};

/** One drain: see the module header. */
export class Drain {
  private waiters: (() => void)[] = [];
  private cut = false;

  constructor(private readonly clock: Clock) {}

  /** True once `force()` was called. */
  get forced(): boolean {
    return this.cut;
  }

  /** Resolve when `idle()` is called, after `drainMs`, or at once when forced. */
  wait(drainMs: number): Promise<void> {
    if (this.cut) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = this.clock.setTimer(drainMs, resolve);
      this.waiters.push(() => {
        timer.cancel();
        resolve();
      });
    });
  }

  /** Nothing runs any more: end the wait. */
  idle(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Cut the drain short (now, or before it starts). Idempotent. */
  force(): void {
    this.cut = true;
    this.idle();
  }

  /** Wait for these handlers to return, at most `FORCED_HANDLER_WAIT_MS`. */
  async settle(handlers: readonly Promise<void>[]): Promise<void> {
    if (handlers.length === 0) return;
    let timer: TimerHandle | null = null;
    const deadline = new Promise<void>((resolve) => {
      timer = this.clock.setTimer(FORCED_HANDLER_WAIT_MS, resolve);
    });
    await Promise.race([Promise.all(handlers), deadline]);
    (timer as TimerHandle | null)?.cancel();
  }
}

/** Log and emit `worker:drain_timeout`: the drain ended with these executions still running. */
export function reportDrainTimeout(
  pool: { readonly events: EventBus; readonly clock: Clock; readonly logger: Logger },
  left: readonly JobExecution[],
  drainMs: number,
  forced: boolean,
): void {
  const jobs = left.map((e) => ({ jobId: e.job.id, fn: e.job.fn, attempt: e.job.attempt }));
  pool.logger.warn({ jobs, drainMs, forced }, "drain ended with jobs running; handed back");
  pool.events.emit("worker:drain_timeout", { drainMs, forced, jobs, at: pool.clock.now() });
}
