/**
 * @module runtime/worker/lease-keeper
 * Keeps the leases of the jobs this worker holds (running and prefetched) alive: every
 * `leaseMs / 3` it renews them in one store call, so a lease only expires when this process
 * stops renewing it (dead, or its event loop blocked for more than two intervals). The store's
 * answer says which leases were lost (another finalization took the job: stop it, drop its
 * result) and which jobs had a cancel requested by another process; then `renewed` looks for
 * stops pending for the jobs still held.
 */
import type { Clock, TimerHandle } from "../../ports/clock.js";
import type { HeartbeatOutcome } from "../../ports/job-store.js";

/** The capabilities a lease keeper is handed. */
export interface LeaseKeeperCapabilities {
  /** Renew these leases to `now + leaseMs`. */
  renew(leases: readonly { jobId: string; leaseToken: string }[]): Promise<HeartbeatOutcome>;
  /** The leases held now. */
  held(): { jobId: string; leaseToken: string }[];
  /** These jobs' leases are gone. */
  lost(jobIds: readonly string[]): void;
  /** A cancel was requested for these jobs. */
  cancelRequested(jobIds: readonly string[]): void;
  /** After a renewal, with the jobs still held: look for stops pending in the store. */
  renewed?(jobIds: readonly string[]): Promise<void> | undefined;
  reportError(error: unknown): void;
}

/** Renews held leases on an interval; see the module header. */
export class LeaseKeeper {
  private timer: TimerHandle | null = null;
  private running = false;
  private renewing = false;

  constructor(
    private readonly caps: LeaseKeeperCapabilities,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  /** Start renewing. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm();
  }

  /** Stop renewing. Idempotent. */
  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
  }

  private arm(): void {
    this.timer = this.clock.setTimer(this.intervalMs, () => {
      if (!this.running) return;
      this.arm();
      void this.renewNow();
    });
  }

  /** Renew every held lease now (one store call); skipped while a renewal is in flight. */
  async renewNow(): Promise<void> {
    if (this.renewing) return;
    const leases = this.caps.held();
    if (leases.length === 0) return;
    this.renewing = true;
    try {
      const outcome = await this.caps.renew(leases);
      if (outcome.lost.length > 0) this.caps.lost(outcome.lost);
      if (outcome.cancelRequested.length > 0) this.caps.cancelRequested(outcome.cancelRequested);
      const lost = new Set(outcome.lost);
      await this.caps.renewed?.(leases.map((l) => l.jobId).filter((id) => !lost.has(id)));
    } catch (error) {
      this.caps.reportError(error);
    } finally {
      this.renewing = false;
    }
  }
}
