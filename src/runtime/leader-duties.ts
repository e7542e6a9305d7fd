/**
 * @module runtime/leader-duties
 * A leader duty: work only the elected leader does (scheduler loop, lease recovery, retention, ...).
 * `DutyRunner` runs a list of them: each duty starts when this process is elected, runs every
 * `intervalMs` (the pause is measured from the end of one run to the start of the next, so runs
 * of one duty never overlap), and is stopped at once on step-down or shutdown: its AbortSignal
 * fires and `stop()` resolves when every run in flight has returned.
 *
 * Runner states (one place changes them, `this.state`):
 *   idle     not leading                     -> running (elected)
 *   running  duties run on their intervals   -> idle (demoted or stopped)
 *
 * A duty that throws never stops the others: the error is recorded as its last error (shown
 * by `leadership()`), logged, and the duty runs again after its interval.
 */
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";

/** One duty of the leader, run every `intervalMs` while this process leads. */
export interface LeaderDuty {
  /** Stable name, shown in `leadership()` (e.g. "retention"). */
  readonly name: string;
  /** Pause between the end of one run and the start of the next, in ms. */
  readonly intervalMs: number;
  /** One pass. Must stop promptly when `signal` aborts (step-down or shutdown). A throw is recorded as the duty's last error; the next run comes after the interval. */
  run(signal: AbortSignal): Promise<void>;
  /** When the duty last did its work, if it knows better than the runner (a loop with its own timers). */
  lastRunAt?(): number | null;
}

/** What `leadership()` shows of one duty. */
export interface DutyStatus {
  readonly name: string;
  /** True while this process leads and the duty is scheduled. */
  readonly active: boolean;
  /** Completed runs since this process started. */
  readonly runs: number;
  /** When the last run ended (or the duty's own report), ms since epoch. */
  readonly lastRunAt: number | null;
  /** The last run's error message, null when the last run succeeded. */
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
}

interface DutyState {
  readonly duty: LeaderDuty;
  runs: number;
  lastRunAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  /** The run in flight, so a `runNow` never overlaps the duty's own run. */
  inFlight: Promise<void> | null;
}

/** Runs the leader's duties while this process leads; see the module header. */
export class DutyRunner {
  private state: "idle" | "running" = "idle";
  private readonly duties: DutyState[];
  private controller: AbortController | null = null;
  private loops: Promise<void>[] = [];

  constructor(
    duties: readonly LeaderDuty[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.duties = duties.map((duty) => ({
      duty,
      runs: 0,
      lastRunAt: null,
      lastError: null,
      lastErrorAt: null,
      inFlight: null,
    }));
  }

  /** Start every duty (on election). Idempotent. */
  start(): void {
    if (this.state === "running") return;
    this.state = "running";
    const controller = new AbortController();
    this.controller = controller;
    this.loops = this.duties.map((d) => this.loop(d, controller.signal));
  }

  /** Abort every duty (on step-down or shutdown); resolves when no run is in flight. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === "idle") return;
    this.state = "idle";
    this.controller?.abort(new Error("leadership ended"));
    this.controller = null;
    const loops = this.loops;
    this.loops = [];
    await Promise.all(loops);
  }

  /** Run the named duty's pass now (tools and tests), outside its interval; false when unknown or not leading. */
  async runNow(name: string): Promise<boolean> {
    const d = this.duties.find((x) => x.duty.name === name);
    if (!d || this.state !== "running" || !this.controller) return false;
    await this.runOnce(d, this.controller.signal);
    return true;
  }

  /** Each duty's status, in registration order. */
  status(): DutyStatus[] {
    return this.duties.map((d) => ({
      name: d.duty.name,
      active: this.state === "running",
      runs: d.runs,
      lastRunAt: d.duty.lastRunAt?.() ?? d.lastRunAt,
      lastError: d.lastError,
      lastErrorAt: d.lastErrorAt,
    }));
  }

  private async loop(d: DutyState, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.runOnce(d, signal);
      await this.clock.sleep(d.duty.intervalMs, signal);
    }
  }

  private async runOnce(d: DutyState, signal: AbortSignal): Promise<void> {
    while (d.inFlight) await d.inFlight;
    const run = this.runGuarded(d, signal);
    d.inFlight = run;
    await run;
    d.inFlight = null;
  }

  private async runGuarded(d: DutyState, signal: AbortSignal): Promise<void> {
    try {
      await d.duty.run(signal);
      d.runs++;
      d.lastRunAt = this.clock.now();
      d.lastError = null;
    } catch (error) {
      if (signal.aborted) return;
      d.lastError = error instanceof Error ? error.message : String(error);
      d.lastErrorAt = this.clock.now();
      this.logger.error({ err: error, duty: d.duty.name }, "leader duty failed; will run again");
    }
  }
}
