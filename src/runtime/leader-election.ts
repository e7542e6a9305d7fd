/**
 * @module runtime/leader-election
 * Leader election over a LeaderLock: exactly one process runs the leader duties (scheduler
 * loop, lease recovery, retention). Followers keep trying to acquire; the leader re-checks on every check (and the
 * scheduler re-checks before every tick) that its session still holds the lock, and steps down
 * at once when it does not — a dropped and replaced connection must never leave two leaders
 * firing (the split-brain guard; the unique (schedule, slot) key is the last line of defence).
 *
 * A follower that finds another holder emits `leader:standby` once per holder it sees (the lock
 * describes the holder when it can), so a second process says why it does not lead.
 *
 * States: follower -> leader (acquired) -> follower (lost or stopping) ... -> stopped.
 */
import type { Clock, TimerHandle } from "../ports/clock.js";
import type { LeaderHolder, LeaderLock } from "../ports/leader-lock.js";
import type { Logger } from "../ports/logger.js";
import type { EventBus } from "./event-bus.js";

/** What leadership looks like from this process (for health checks and metrics). */
export interface LeadershipStatus {
  readonly isLeader: boolean;
  /** Times this process stepped down after losing the lock. */
  readonly stepDowns: number;
  /** Times this process acquired the lock. */
  readonly acquisitions: number;
  /** Ms from this process's last step-down to its re-acquisition (null if never re-acquired). */
  readonly lastReacquireMs: number | null;
  /** When leadership was last checked (ms since epoch). */
  readonly lastCheckAt: number | null;
}

/** Called when this process gains or loses leadership. */
export interface LeadershipHooks {
  elected(): void | Promise<void>;
  demoted(): void | Promise<void>;
}

/** Runs the acquire / re-check loop. */
export class LeaderElector {
  private leader = false;
  private stopped = false;
  private timer: TimerHandle | null = null;
  private checking: Promise<void> | null = null;
  private stepDowns = 0;
  private acquisitions = 0;
  private lostAt: number | null = null;
  private lastReacquireMs: number | null = null;
  private lastCheckAt: number | null = null;
  /** A step-down in progress (its duties stopping). */
  private steppingDown: Promise<void> | null = null;
  /** The holder the last `leader:standby` named (null: none emitted since leading or start). */
  private standbyFor: string | null = null;

  constructor(
    private readonly lock: LeaderLock,
    private readonly hooks: LeadershipHooks,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly checkIntervalMs = 1_000,
  ) {}

  /** Start checking (the first check runs at once). */
  start(): void {
    if (this.timer || this.stopped) return;
    this.arm();
    void this.check();
  }

  /** The next check, one interval from now (a timer on the Clock port, re-armed after each). */
  private arm(): void {
    this.timer = this.clock.setTimer(this.checkIntervalMs, () => {
      if (this.stopped) return;
      this.arm();
      void this.check();
    });
  }

  /** True while this process leads (as of the last check). */
  isLeader(): boolean {
    return this.leader;
  }

  /** Leadership counters. */
  status(): LeadershipStatus {
    return {
      isLeader: this.leader,
      stepDowns: this.stepDowns,
      acquisitions: this.acquisitions,
      lastReacquireMs: this.lastReacquireMs,
      lastCheckAt: this.lastCheckAt,
    };
  }

  /**
   * Verify against the server that this process still holds the lock; steps down at once if
   * not. The scheduler calls this before each tick.
   */
  async confirm(): Promise<boolean> {
    if (!this.leader) return false;
    let held = false;
    try {
      held = await this.lock.isHeld();
    } catch (error) {
      this.logger.warn({ err: error }, "leader check failed; stepping down");
    }
    // Not awaited: a caller inside a leader duty (the scheduler's tick) must get its answer
    // at once, because stepping down stops that very duty and waits for it to return.
    if (!held && this.leader) this.steppingDown = this.stepDown("lock_lost");
    return held;
  }

  /** Stop: step down (releasing the lock) and stop trying. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.checking;
    await this.steppingDown;
    if (this.leader) {
      this.leader = false;
      await this.hooks.demoted();
      await this.lock.release().catch(() => undefined);
    }
    await this.lock.close().catch(() => undefined);
  }

  private check(): Promise<void> {
    if (this.checking || this.stopped) return this.checking ?? Promise.resolve();
    this.checking = this.runCheck().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async runCheck(): Promise<void> {
    await this.steppingDown;
    this.lastCheckAt = this.clock.now();
    if (this.leader) {
      await this.confirm();
      return;
    }
    let acquired = false;
    let failed = false;
    try {
      acquired = await this.lock.tryAcquire();
    } catch (error) {
      failed = true;
      this.logger.warn({ err: error }, "leader lock: acquire failed; will retry");
    }
    if (!acquired || this.stopped) {
      if (acquired) await this.lock.release().catch(() => undefined);
      else if (!failed && !this.stopped) this.standBy();
      return;
    }
    this.standbyFor = null;
    this.leader = true;
    this.acquisitions++;
    const now = this.clock.now();
    if (this.lostAt !== null) {
      this.lastReacquireMs = now - this.lostAt;
      this.lostAt = null;
    }
    this.events.emit("leader:elected", { at: now });
    this.logger.info({}, "became leader: running the leader duties");
    try {
      await this.hooks.elected();
    } catch (error) {
      this.logger.error({ err: error }, "starting leader duties failed; stepping down");
      await this.stepDown("start_failed");
    }
  }

  /** Another process holds the lock: say so once per holder (see the module header). */
  private standBy(): void {
    const holder: LeaderHolder | null = this.lock.holder?.() ?? null;
    const key = holder?.id ?? "";
    if (this.standbyFor === key) return;
    this.standbyFor = key;
    const event = {
      at: this.clock.now(),
      holder: describeHolder(holder),
      holderPid: holder?.pid ?? null,
      holderHost: holder?.hostname ?? null,
      leaseExpiresAt: holder?.expiresAt ?? null,
    };
    this.events.emit("leader:standby", event);
    this.logger.info(event, "standing by: another process leads");
  }

  private async stepDown(reason: string): Promise<void> {
    if (!this.leader) return;
    this.leader = false;
    this.stepDowns++;
    this.lostAt = this.clock.now();
    this.events.emit("leader:lost", { at: this.lostAt, reason });
    this.logger.warn({ reason }, "lost leadership: stopped the leader duties");
    try {
      await this.hooks.demoted();
    } catch (error) {
      this.logger.error({ err: error }, "stopping leader duties failed");
    }
    await this.lock.release().catch(() => undefined);
  }
}

/** "pid 123 on host" (what is known of it), or "another process". */
function describeHolder(holder: LeaderHolder | null): string {
  if (holder === null || holder.pid === null) return "another process";
  return holder.hostname === null ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.hostname}`;
}
