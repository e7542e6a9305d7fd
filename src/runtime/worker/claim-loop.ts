/**
 * @module runtime/worker/claim-loop
 * The claim loop: takes runnable jobs from the store for the pool, one claim in flight at a
 * time. It asks the pool how many jobs it can take (free slots plus a prefetch allowance), and
 * when a claim comes back short it sleeps until the earliest `runAt` the store knows of, a
 * local enqueue (`notify`), a change committed by another process (the store's change token,
 * or its push notification), or the poll interval — whichever comes first.
 *
 * Loop states (one place changes them, `this.state`): idle -> running -> stopped.
 * Invariants: claims are serial; a wake-up that arrives while a claim is in flight is never
 * lost (the loop claims again when that claim returns, since it may have read the store
 * before the change); a claim that returns after `stop()` hands its jobs back.
 */
import type { ClaimedJob } from "../../ports/job-store.js";

/** The capabilities a claim loop is handed. */
export interface ClaimLoopCapabilities {
  now(): number;
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
  private claiming = false;
  /** A wake-up arrived while a claim was in flight: claim again when it returns. */
  private claimAgain = false;
  private fetchQueued = false;
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = Number.POSITIVE_INFINITY;
  private changeTimer: NodeJS.Timeout | null = null;
  private lastChangeToken: string | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly caps: ClaimLoopCapabilities,
    private readonly timing: ClaimLoopTiming,
  ) {}

  /** Begin claiming. Idempotent. */
  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    this.changeTimer = setInterval(() => void this.checkChanges(), this.timing.changeCheckMs);
    this.unsubscribe = this.caps.onChange?.(() => this.fetchSoon()) ?? null;
    this.fetchSoon();
  }

  /** Stop claiming; a claim in flight hands its jobs back. Idempotent. */
  stop(): void {
    if (this.state === "stopped") return;
    this.state = "stopped";
    this.clearWake();
    if (this.changeTimer) clearInterval(this.changeTimer);
    this.changeTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** A job becomes due at `runAt`: claim now, or wake then. */
  notify(runAt: number): void {
    if (this.state !== "running") return;
    if (runAt <= this.caps.now()) this.fetchSoon();
    else this.armWake(runAt);
  }

  /** Claim at the next turn of the event loop (coalesced). */
  fetchSoon(): void {
    if (this.fetchQueued || this.state !== "running") return;
    this.fetchQueued = true;
    setImmediate(() => {
      this.fetchQueued = false;
      void this.fetch();
    });
  }

  private async fetch(): Promise<void> {
    if (this.state !== "running") return;
    if (this.claiming) {
      // The claim in flight may have read the store before this wake-up's change: never drop it.
      this.claimAgain = true;
      return;
    }
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
      this.armWake(this.caps.now() + this.timing.pollIntervalMs);
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
    const fallback = this.caps.now() + this.timing.pollIntervalMs;
    this.armWake(next === null ? fallback : Math.min(next, fallback));
  }

  private armWake(at: number): void {
    if (this.state !== "running") return;
    if (this.wakeTimer && at >= this.wakeAt) return;
    this.clearWake();
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.wakeAt = Number.POSITIVE_INFINITY;
        this.fetchSoon();
      },
      Math.max(0, at - this.caps.now()),
    );
  }

  private clearWake(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.wakeAt = Number.POSITIVE_INFINITY;
  }

  private async checkChanges(): Promise<void> {
    if (this.state !== "running") return;
    try {
      const token = await this.caps.changeToken();
      // The first reading counts as a change too: a commit made between `start()` and that
      // reading would otherwise become the baseline and never wake the loop.
      if (token !== null && token !== this.lastChangeToken) {
        this.lastChangeToken = token;
        this.fetchSoon();
      }
    } catch (error) {
      this.caps.reportError(error, "changeToken");
    }
  }
}
