/**
 * @module runtime/worker/claim-loop
 * The claim loop: takes runnable jobs from the store for the pool, one claim in flight at a
 * time. It asks the pool how many jobs it can take (free slots plus a prefetch allowance), and
 * when a claim comes back short it sleeps until the earliest `runAt` the store knows of, a
 * local enqueue (`notify`), a change committed by another process (the store's change token,
 * or its push notification), or the poll interval — whichever comes first. Deadlines and change
 * detection are the shared Waker's (the scheduler loop uses the same), on the Clock port.
 *
 * Loop states (one place changes them, `this.state`): idle -> running -> stopped.
 * Invariants: claims are serial; a wake-up that arrives while a claim is in flight is never
 * lost (the loop claims again when that claim returns, since it may have read the store
 * before the change); a claim that returns after `stop()` hands its jobs back.
 */
import type { Clock } from "../../ports/clock.js";
import type { ClaimedJob } from "../../ports/job-store.js";
import { Waker } from "../waker.js";

/** The capabilities a claim loop is handed. */
export interface ClaimLoopCapabilities {
  /** Time and timers: every wake-up deadline goes through it, so a manual clock drives the loop. */
  readonly clock: Clock;
  /** Functions this process can run (re-read before each claim). */
  fns(): string[];
  /** How many jobs to claim now: `want` in all, of which `free` would start at once. */
  capacity(): { readonly want: number; readonly free: number; readonly prefetch: number };
  claim(fns: readonly string[], limit: number): Promise<ClaimedJob[]>;
  /** The claimed jobs, for the pool to buffer and start. */
  accept(jobs: ClaimedJob[]): void;
  /** Jobs claimed after the loop stopped: hand them back. */
  handBack(jobs: ClaimedJob[]): void;
  nextRunAt(fns: readonly string[]): Promise<number | null>;
  changeToken(): Promise<string | null>;
  onChange?(listener: () => void): () => void;
  reportError(error: unknown, where: string): void;
}

/** Timing of the loop. */
export interface ClaimLoopTiming {
  /** Longest sleep when idle. */
  readonly pollIntervalMs: number;
  /** How often to look at the store's change token. */
  readonly changeCheckMs: number;
}

/** Claims jobs for the pool; see the module header. */
export class ClaimLoop {
  private state: "idle" | "running" | "stopped" = "idle";
  private readonly waker: Waker;
  private claiming = false;
  /** A wake-up arrived while a claim was in flight: claim again when it returns. */
  private claimAgain = false;
  private fetchQueued = false;

  constructor(
    private readonly caps: ClaimLoopCapabilities,
    private readonly timing: ClaimLoopTiming,
  ) {
    const onChange = caps.onChange?.bind(caps);
    this.waker = new Waker({
      clock: caps.clock,
      onWake: () => this.newWork(),
      changeToken: () => caps.changeToken(),
      ...(onChange ? { onChange } : {}),
      changeCheckMs: timing.changeCheckMs,
      onError: (error) => caps.reportError(error, "changeToken"),
    });
  }

  /** Begin claiming. Idempotent. */
  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    this.waker.start();
    this.fetchSoon();
  }

  /** Stop claiming; a claim in flight hands its jobs back. Idempotent. */
  stop(): void {
    if (this.state === "stopped") return;
    this.state = "stopped";
    this.waker.stop();
  }

  /** A job becomes due at `runAt`: claim now, or wake then. */
  notify(runAt: number): void {
    if (this.state !== "running") return;
    if (runAt <= this.caps.clock.now()) this.newWork();
    else this.waker.wakeAt(runAt);
  }

  /**
   * The store may hold work a claim in flight did not see (a local enqueue, a foreign commit, a
   * deadline): claim again once that claim returns, never dropping the wake-up.
   */
  private newWork(): void {
    if (this.claiming) this.claimAgain = true;
    this.fetchSoon();
  }

  /** Claim at the next turn of the event loop (coalesced); a slot freed, say. */
  fetchSoon(): void {
    if (this.fetchQueued || this.state !== "running") return;
    this.fetchQueued = true;
    setImmediate(() => {
      this.fetchQueued = false;
      void this.fetch();
    });
  }

  private async fetch(): Promise<void> {
    if (this.state !== "running" || this.claiming) return;
    this.claimAgain = false;
    const { want, free, prefetch } = this.caps.capacity();
    // Claim when a slot would otherwise idle, or when the prefetch buffer is half empty.
    if (want <= 0 || (free <= 0 && want < prefetch / 2)) return;
    const fns = this.caps.fns();
    if (fns.length === 0) return;
    this.claiming = true;
    let claimed: ClaimedJob[];
    try {
      claimed = await this.caps.claim(fns, want);
    } catch (error) {
      this.caps.reportError(error, "claim");
      this.waker.wakeAt(this.caps.clock.now() + this.timing.pollIntervalMs);
      return;
    } finally {
      this.claiming = false;
    }
    if (this.state !== "running") {
      this.caps.handBack(claimed);
      return;
    }
    this.caps.accept(claimed);
    if (claimed.length === want || this.claimAgain) {
      this.fetchSoon();
      return;
    }
    await this.sleepUntilNextDue(fns);
  }

  private async sleepUntilNextDue(fns: readonly string[]): Promise<void> {
    let next: number | null = null;
    try {
      next = await this.caps.nextRunAt(fns);
    } catch (error) {
      this.caps.reportError(error, "nextRunAt");
    }
    if (this.state !== "running") return;
    const fallback = this.caps.clock.now() + this.timing.pollIntervalMs;
    this.waker.wakeAt(next === null ? fallback : Math.min(next, fallback));
  }
}
