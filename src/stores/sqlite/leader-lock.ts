/**
 * @module stores/sqlite/leader-lock
 * Leadership among processes sharing one SQLite file: a lease row (`leader_lease`, migration 7)
 * that names its holder and runs out at `expires_at` unless the holder renews it.
 *
 * - `tryAcquire` takes the row when there is none, when it has expired, or when it is already
 *   ours: one upsert in a `BEGIN IMMEDIATE` transaction, so two processes trying at once
 *   serialise on SQLite's write lock and exactly one wins. A loser reads who holds the row
 *   (`holder()`, for the standby message).
 * - `isHeld` renews: it pushes `expires_at` to now + `leaseMs` where the row still carries our
 *   id. A check less than `leaseMs / 10` after the last renewal answers from memory without
 *   writing (no process can take the row before its expiry; this keeps a busy scheduler, which
 *   checks before every tick, from adding a write per tick). No row, or another id, means another process took over (our lease ran out while we
 *   were stalled): false, and the caller steps down at once (the split-brain guard, as with
 *   PostgreSQL's lock). A renewal that cannot be written (the database busy past its timeout)
 *   keeps answering true until our last written expiry, because no other process can take the
 *   row before then; after it, false.
 * - `release` deletes our row, so a standby takes over at its next try. A process killed with
 *   kill -9 releases nothing: its row frees itself at `expires_at`.
 *
 * Time: `expires_at` is compared with the wall clock of whichever process reads it; every
 * process sharing a SQLite file is on one machine, so they share that clock. Tests inject it.
 * Lease length: the engine checks leadership every `leaderCheckMs` (default 1 s) and before
 * every scheduler tick, each check a renewal. The default lease (10 s) is ten of those checks
 * and twice the store's default busy timeout, so neither a few late checks nor one write that
 * waits its whole busy timeout lose it; a leader killed with kill -9 is replaced within about
 * `leaseMs` plus one check.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import type Database from "better-sqlite3";
import { ShuttingDownError, ValidationError } from "../../core/errors.js";
import type { LeaderHolder, LeaderLock } from "../../ports/leader-lock.js";
import { toStoreError } from "./sqlite-job-store.js";

/** The default lease length: see the module header. */
export const DEFAULT_LEADER_LEASE_MS = 10_000;

/** Options of `SqliteLeaderLock`. */
export interface SqliteLeaderLockOptions {
  /** How long the lease lasts without renewal, in ms; default 10 000. */
  readonly leaseMs?: number;
  /** The lock's name (one row each); default `"leader"`. */
  readonly name?: string;
  /** Wall clock in ms since epoch; default `Date.now`. Inject in tests. */
  readonly now?: () => number;
  /** This holder's id; default a random UUID (unique per lock instance). */
  readonly holderId?: string;
  /** Shown to other processes; default this process's pid and the host name. */
  readonly pid?: number;
  readonly hostname?: string;
}

interface UpsertParams {
  name: string;
  id: string;
  pid: number;
  host: string;
  now: number;
  expires: number;
}

interface LeaseRow {
  holder_id: string;
  holder_pid: number | null;
  holder_host: string | null;
  expires_at: number;
}

/** The LeaderLock of a SQLite file, over the store's connection (see the module header). */
export class SqliteLeaderLock implements LeaderLock {
  readonly #db: Database.Database;
  readonly #leaseMs: number;
  readonly #name: string;
  readonly #now: () => number;
  readonly #id: string;
  readonly #pid: number;
  readonly #host: string;
  readonly #acquire: (now: number) => boolean;
  readonly #renew: Database.Statement<[number, string, string]>;
  readonly #delete: Database.Statement<[string, string]>;
  readonly #read: Database.Statement<[string], LeaseRow>;
  /** Our last written expiry while we hold the row; null when not held. */
  #expiresAt: number | null = null;
  /** When we last wrote our expiry. */
  #renewedAt = 0;
  #holder: LeaderHolder | null = null;
  #closed = false;

  /** Prepare the statements on an open, migrated (migration 7) connection; does not own it. */
  constructor(db: Database.Database, options: SqliteLeaderLockOptions = {}) {
    const leaseMs = options.leaseMs ?? DEFAULT_LEADER_LEASE_MS;
    if (!Number.isSafeInteger(leaseMs) || leaseMs <= 0) {
      throw new ValidationError(
        `leaderLeaseMs must be a positive whole number of milliseconds, got ${String(leaseMs)}`,
      );
    }
    this.#db = db;
    this.#leaseMs = leaseMs;
    this.#name = options.name ?? "leader";
    this.#now = options.now ?? Date.now;
    this.#id = options.holderId ?? randomUUID();
    this.#pid = options.pid ?? process.pid;
    this.#host = options.hostname ?? os.hostname();
    // Contract: takes the row when absent, expired at `now`, or ours; 1 change when taken.
    // acquired_at moves only when the holder changes.
    const upsert = db.prepare<UpsertParams>(
      `INSERT INTO leader_lease (name, holder_id, holder_pid, holder_host, acquired_at, expires_at)
       VALUES (@name, @id, @pid, @host, @now, @expires)
       ON CONFLICT (name) DO UPDATE
          SET acquired_at = CASE WHEN holder_id = excluded.holder_id THEN acquired_at
                                 ELSE excluded.acquired_at END,
              holder_id = excluded.holder_id,
              holder_pid = excluded.holder_pid,
              holder_host = excluded.holder_host,
              expires_at = excluded.expires_at
        WHERE holder_id = excluded.holder_id OR expires_at <= @now`,
    );
    // Contract: the current row of a lock name, if any.
    this.#read = db.prepare<[string], LeaseRow>(
      "SELECT holder_id, holder_pid, holder_host, expires_at FROM leader_lease WHERE name = ?",
    );
    // Contract: pushes our row's expiry; 0 changes when the row is gone or another's.
    this.#renew = db.prepare<[number, string, string]>(
      "UPDATE leader_lease SET expires_at = ? WHERE name = ? AND holder_id = ?",
    );
    // Contract: deletes our row only; another holder's row is never touched.
    this.#delete = db.prepare<[string, string]>(
      "DELETE FROM leader_lease WHERE name = ? AND holder_id = ?",
    );
    const acquire = db.transaction((now: number): boolean => {
      const params = {
        name: this.#name,
        id: this.#id,
        pid: this.#pid,
        host: this.#host,
        now,
        expires: now + this.#leaseMs,
      };
      if (upsert.run(params).changes === 1) return true;
      const row = this.#read.get(this.#name);
      this.#holder = row ? toHolder(row) : null;
      return false;
    });
    this.#acquire = (now) => acquire.immediate(now);
  }

  /** Contract: see the module header; throws StoreError when the database cannot be written. */
  async tryAcquire(): Promise<boolean> {
    if (this.#closed || !this.#db.open) {
      throw new ShuttingDownError("the SQLite leader lock is closed");
    }
    const now = this.#now();
    let taken: boolean;
    try {
      taken = this.#acquire(now);
    } catch (error) {
      throw toStoreError("take the leader lease", error, "leader lock");
    }
    this.#expiresAt = taken ? now + this.#leaseMs : null;
    this.#renewedAt = now;
    if (taken) this.#holder = null;
    return taken;
  }

  /** Contract: renews the lease; false (never an error) when it is lost. See the header. */
  async isHeld(): Promise<boolean> {
    const expiresAt = this.#expiresAt;
    if (expiresAt === null || this.#closed || !this.#db.open) return false;
    const now = this.#now();
    if (now - this.#renewedAt < this.#leaseMs / 10 && now < expiresAt) return true;
    let held: boolean;
    try {
      held = this.#renew.run(now + this.#leaseMs, this.#name, this.#id).changes === 1;
      this.#expiresAt = held ? now + this.#leaseMs : null;
      this.#renewedAt = now;
    } catch {
      held = now < expiresAt; // not written: ours until the expiry we last wrote
      if (!held) this.#expiresAt = null;
    }
    return held;
  }

  /** Contract: deletes our row (a standby takes over at its next try); no-op when not held. */
  async release(): Promise<void> {
    if (this.#expiresAt === null) return;
    this.#expiresAt = null;
    if (!this.#db.open) return;
    try {
      this.#delete.run(this.#name, this.#id);
    } catch {
      // Not written (busy): the row runs out at its expiry instead.
    }
  }

  /** Release the lease; later calls of `tryAcquire` throw ShuttingDownError. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.release();
    this.#closed = true;
  }

  /** The holder the last failed `tryAcquire` found (null: none seen, or we hold it). */
  holder(): LeaderHolder | null {
    return this.#holder;
  }
}

function toHolder(row: LeaseRow): LeaderHolder {
  return {
    id: row.holder_id,
    pid: row.holder_pid,
    hostname: row.holder_host,
    expiresAt: row.expires_at,
  };
}
