/**
 * @module ports/leader-lock
 * Leadership: exactly one process runs the scheduler loop and lease recovery. A store that
 * serves several processes implements it (PostgreSQL: `pg_try_advisory_lock` on a dedicated
 * connection; SQLite: a lease row, `stores/sqlite/leader-lock`); a store only one process can
 * open (SQLite in memory) uses `alwaysLeader`.
 */

/** Who holds the lock, as another process saw it (for messages; never for decisions). */
export interface LeaderHolder {
  /** The holder's own id for the lock (random per lock instance). */
  readonly id: string;
  readonly pid: number | null;
  readonly hostname: string | null;
  /** When its lease runs out unless renewed (ms since epoch); null: held until released. */
  readonly expiresAt: number | null;
}

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
  /**
   * The other holder the last `tryAcquire` that returned false found, or null when unknown.
   * Optional: a lock that cannot tell (PostgreSQL's advisory lock) omits it.
   */
  holder?(): LeaderHolder | null;
}

/** The lock of a single-process store: always held. */
export const alwaysLeader: LeaderLock = {
  tryAcquire: () => Promise.resolve(true),
  isHeld: () => Promise.resolve(true),
  release: () => Promise.resolve(),
  close: () => Promise.resolve(),
};
