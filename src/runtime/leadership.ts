/**
 * @module runtime/leadership
 * Who leads, and the leader's duties: with a LeaderLock (PostgreSQL, several processes) the
 * elected process runs the duties and steps down at once when it loses the lock; without one
 * (SQLite, one process) this process leads from `start()` to `stop()`. The duties — the
 * scheduler loop, lease recovery, retention, and later the workflow planner and reapers — are
 * a list run by a DutyRunner, started on election and stopped on step-down.
 */
import type { Clock } from "../ports/clock.js";
import type { LeaderLock } from "../ports/leader-lock.js";
import type { Logger } from "../ports/logger.js";
import type { EventBus } from "./event-bus.js";
import { LeaderElector, type LeadershipStatus } from "./leader-election.js";
import { DutyRunner, type DutyStatus, type LeaderDuty } from "./leader-duties.js";

/** Leadership as `kairos.leadership()` reports it. */
export interface LeadershipReport extends LeadershipStatus {
  /** When the scheduler loop last ticked here (null if it does not run here). */
  readonly schedulerLastTickAt: number | null;
  /** Each leader duty: active here, runs, last run, last error. */
  readonly duties: readonly DutyStatus[];
}

/** The report of a process that takes no part in leadership (not started, or `scheduler: false`). */
export const NOT_LEADING: LeadershipReport = Object.freeze({
  isLeader: false,
  stepDowns: 0,
  acquisitions: 0,
  lastReacquireMs: null,
  lastCheckAt: null,
  schedulerLastTickAt: null,
  duties: [],
});

/** Runs leader election (when there is a lock) and the duties; see the module header. */
export class Leadership {
  private readonly runner: DutyRunner;
  private readonly elector: LeaderElector | null;
  private leadingAlone = false;
  private acquisitions = 0;

  constructor(
    duties: readonly LeaderDuty[],
    lock: LeaderLock | null,
    events: EventBus,
    private readonly clock: Clock,
    logger: Logger,
    checkIntervalMs: number,
  ) {
    this.runner = new DutyRunner(duties, clock, logger);
    this.elector = lock
      ? new LeaderElector(
          lock,
          { elected: () => this.runner.start(), demoted: () => this.runner.stop() },
          events,
          clock,
          logger,
          checkIntervalMs,
        )
      : null;
  }

  /** Begin: campaign for the lock, or lead at once without one. */
  start(): void {
    if (this.elector) {
      this.elector.start();
      return;
    }
    this.leadingAlone = true;
    this.acquisitions++;
    this.runner.start();
  }

  /** Stop every duty and give up leadership. Idempotent. */
  async stop(): Promise<void> {
    if (this.elector) await this.elector.stop();
    this.leadingAlone = false;
    await this.runner.stop();
  }

  /** True while this process leads. */
  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : this.leadingAlone;
  }

  /** Check with the lock's server that this process still leads (the split-brain guard). */
  confirm(): Promise<boolean> {
    return this.elector ? this.elector.confirm() : Promise.resolve(this.leadingAlone);
  }

  /** Run the named duty's pass now; false when this process does not lead. */
  runNow(name: string): Promise<boolean> {
    return this.runner.runNow(name);
  }

  /** The report for `kairos.leadership()`. */
  report(): LeadershipReport {
    const duties = this.runner.status();
    const schedulerLastTickAt = duties.find((d) => d.name === "scheduler")?.lastRunAt ?? null;
    if (this.elector) return { ...this.elector.status(), schedulerLastTickAt, duties };
    return {
      isLeader: this.leadingAlone,
      stepDowns: 0,
      acquisitions: this.acquisitions,
      lastReacquireMs: null,
      lastCheckAt: this.leadingAlone ? this.clock.now() : null,
      schedulerLastTickAt,
      duties,
    };
  }
}
