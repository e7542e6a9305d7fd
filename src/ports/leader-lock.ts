/**
 * @module ports/leader-lock
 * Leadership: exactly one process runs the scheduler loop and lease recovery. A store that
 * serves several processes implements it (PostgreSQL: `pg_try_advisory_lock` on a dedicated
 * connection); a store for one machine may use `alwaysLeader`.
 */

/** A lock at most one process holds at a time. */
export interface LeaderLock {
  /** Try to take the lock without waiting; true when this process holds it afterwards. */
  tryAcquire(): Promise<boolean>;
  /**
   * True only if this process's session still holds the lock right now (checked against the
   * server, on the session that took it). A dropped or replaced session returns false: the
   * caller must step down at once (the split-brain guard).
   */
  isHeld(): Promise<boolean>;
  /** Give the lock up (no-op if not held). */
  release(): Promise<void>;
  /** Release resources (the dedicated connection). */
  close(): Promise<void>;
}

/** The lock of a single-process store: always held. */
export const alwaysLeader: LeaderLock = {
  tryAcquire: () => Promise.resolve(true),
  isHeld: () => Promise.resolve(true),
  release: () => Promise.resolve(),
  close: () => Promise.resolve(),
};
