/**
 * @module runtime/waker
 * One object that answers "when should this loop run next?" for any loop that sleeps until a
 * deadline or until the store changes: the scheduler loop today, a claim loop later.
 *
 * Contract:
 * - The owner passes one `onWake` callback. It is called once per wake, never synchronously
 *   inside a Waker method, never after `stop()`. Any number of wake requests made before it
 *   runs are coalesced into that one call.
 * - There is at most one pending deadline: `wakeAt(at)` keeps the earliest of the pending one
 *   and `at`; `wakeNow()` is `wakeAt(now)`. A wake consumes the deadline: after `onWake` runs
 *   nothing is pending until the owner asks again (typically `wakeAt(nextDue)` once its work
 *   is done). The waker never reads the store's due times itself.
 * - Store changes wake it: `changeToken()` is polled every `changeCheckMs` (the next poll is
 *   armed only after the previous one settled, so polls never pile up); the first token seen
 *   counts as a change too (a commit between `start()` and that first reading would otherwise
 *   become the baseline and be missed; one spurious wake is harmless); the optional push `onChange(listener)` is subscribed
 *   at `start()` and unsubscribed at `stop()`. Either calls `wakeNow()`.
 * - The waker does not serialize the owner's work: `onWake` may come while the owner is busy
 *   (e.g. a store change during a tick). The owner records it (a "run again" flag) instead of
 *   starting a second run — see the scheduler loop.
 * - Every timer goes through the Clock port, so a manual clock drives it in tests. `stop()`
 *   cancels every timer and subscription; it is idempotent and final.
 * - A failing `changeToken()` is reported to `onError` and polled again later; it never stops
 *   the waker.
 *
 * For a claim loop: `notify(runAt)` becomes `wakeAt(runAt)`, "claim now" becomes `wakeNow()`,
 * and after a claim the loop calls `wakeAt(min(nextRunAt, now + pollIntervalMs))`.
 */
import type { Clock, TimerHandle } from "../ports/clock.js";

/** What a Waker needs: a clock, the callback, and the store's change signals. */
export interface WakerOptions {
  readonly clock: Clock;
  /** Called once per (coalesced) wake. */
  readonly onWake: () => void;
  /** The store's change token (`JobStore.changeToken`); omitted: no polling. */
  readonly changeToken?: () => Promise<string | null>;
  /** Push notification of foreign changes (`JobStore.onChange`); returns an unsubscribe. */
  readonly onChange?: (listener: () => void) => () => void;
  /** Poll period of `changeToken` in ms (default 100). */
  readonly changeCheckMs?: number;
  /** A change check failed; the waker goes on. */
  readonly onError: (error: unknown) => void;
}

type WakerState = "idle" | "running" | "stopped";

/** Wakes its owner at the earliest deadline or on a store change; see the module header. */
export class Waker {
  private state: WakerState = "idle";
  private deadline: number | null = null;
  private deadlineTimer: TimerHandle | null = null;
  private pollTimer: TimerHandle | null = null;
  private unsubscribe: (() => void) | null = null;
  private lastToken: string | null = null;
  private readonly changeCheckMs: number;

  constructor(private readonly options: WakerOptions) {
    this.changeCheckMs = options.changeCheckMs ?? 100;
  }

  /** Begin watching for store changes. Deadlines asked before `start()` are kept. Idempotent. */
  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    this.unsubscribe = this.options.onChange?.(() => this.wakeNow()) ?? null;
    if (this.options.changeToken) this.armPoll(0);
    if (this.deadline !== null) this.armDeadline(this.deadline);
  }

  /** Wake at `at` (ms since epoch) unless an earlier wake is already pending. */
  wakeAt(at: number): void {
    if (this.state === "stopped") return;
    if (this.deadline !== null && this.deadline <= at) return;
    this.deadline = at;
    if (this.state === "running") this.armDeadline(at);
  }

  /** Wake as soon as possible (coalesced with any other pending wake). */
  wakeNow(): void {
    this.wakeAt(this.options.clock.now());
  }

  /** The pending deadline, or null when nothing is pending. */
  pendingDeadline(): number | null {
    return this.deadline;
  }

  /** Cancel every timer and subscription; no `onWake` after this. Idempotent. */
  stop(): void {
    if (this.state === "stopped") return;
    this.state = "stopped";
    this.deadline = null;
    this.deadlineTimer?.cancel();
    this.pollTimer?.cancel();
    this.deadlineTimer = null;
    this.pollTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private armDeadline(at: number): void {
    this.deadlineTimer?.cancel();
    const { clock } = this.options;
    this.deadlineTimer = clock.setTimer(at - clock.now(), () => {
      this.deadlineTimer = null;
      this.deadline = null;
      if (this.state === "running") this.options.onWake();
    });
  }

  private armPoll(ms: number): void {
    this.pollTimer = this.options.clock.setTimer(ms, () => {
      this.pollTimer = null;
      void this.poll();
    });
  }

  private async poll(): Promise<void> {
    const read = this.options.changeToken;
    if (!read) return;
    try {
      const token = await read();
      if (this.state !== "running") return;
      if (token !== null) {
        const changed = token !== this.lastToken;
        this.lastToken = token;
        if (changed) this.wakeNow();
      }
    } catch (error) {
      if (this.state === "running") this.options.onError(error);
    }
    if (this.state === "running") this.armPoll(this.changeCheckMs);
  }
}
