/**
 * @module runtime/leader-duties
 * A leader duty: work only the elected leader does (scheduler loop, lease recovery, retention, ...).
 */

/** One duty of the leader, run every `intervalMs` while this process leads. */
export interface LeaderDuty {
  /** Stable name, shown in `leadership()` (e.g. "retention"). */
  readonly name: string;
  /** Pause between the end of one run and the start of the next, in ms. */
  readonly intervalMs: number;
  /** One pass. Must stop promptly when `signal` aborts (step-down or shutdown). A throw is recorded as the duty's last error; the next run comes after the interval. */
  run(signal: AbortSignal): Promise<void>;
}
