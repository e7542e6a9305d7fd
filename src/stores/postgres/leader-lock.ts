/**
 * @module stores/postgres/leader-lock
 * Leadership over PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a
 * DEDICATED connection (a `pg.Client`, never a pooled one: a pooled connection would carry the
 * lock to whichever code uses it next, and would be recycled under us).
 *
 * The split-brain guard: the lock lives exactly as long as that server session. `isHeld` asks
 * the server, on that same session, whether `pg_locks` still shows the lock granted to
 * `pg_backend_pid()`. If the session died (network loss, server restart, an administrator's
 * `pg_terminate_backend`), the query fails or the client has already reported an error, and
 * `isHeld` answers false: the caller must step down at once, because another process may
 * already hold the lock. The broken client is dropped; the next `tryAcquire` connects anew.
 *
 * Every query has a client-side timeout, so a silent network partition turns into "not held"
 * within `queryTimeoutMs` rather than a hang.
 */
import pg from "pg";
import { ShuttingDownError } from "../../core/errors.js";
import type { LeaderLock } from "../../ports/leader-lock.js";
import { advisoryKey, advisoryLockIds } from "./identifiers.js";

/** Options of `PgLeaderLock`. */
export interface PgLeaderLockOptions {
  /** Connection URL (without the `schema` parameter). */
  readonly url: string;
  /** The store's schema: processes of one schema compete for one lock. */
  readonly schema: string;
  /** Client-side timeout of each query and of connecting; default 5000 ms. */
  readonly queryTimeoutMs?: number;
}

/** The LeaderLock of the PostgreSQL store. */
export class PgLeaderLock implements LeaderLock {
  readonly #url: string;
  readonly #schema: string;
  readonly #key: string;
  readonly #ids: { classid: number; objid: number };
  readonly #timeoutMs: number;
  /** The session holding (or about to hold) the lock; null when there is none or it broke. */
  #client: pg.Client | null = null;
  #connecting: Promise<pg.Client> | null = null;
  /** This process took the lock on `#client` and has not released it. */
  #held = false;
  #closed = false;
  /** Clients already told to end (an 'end' event must not end them twice). */
  readonly #ended = new WeakSet<pg.Client>();

  constructor(options: PgLeaderLockOptions) {
    this.#url = options.url;
    this.#schema = options.schema;
    this.#key = advisoryKey(options.schema, "leader");
    this.#ids = advisoryLockIds(this.#key);
    this.#timeoutMs = options.queryTimeoutMs ?? 5000;
  }

  /**
   * Contract: `pg_try_advisory_lock(key)` on the dedicated session; never waits for another
   * holder. A session that already holds it is not locked twice (the lock is re-entrant, and a
   * second count would survive one `release`). Throws when the server cannot be reached.
   */
  async tryAcquire(): Promise<boolean> {
    if (this.#closed) throw new ShuttingDownError("the PostgreSQL leader lock is closed");
    if (this.#held && (await this.isHeld())) return true;
    const client = await this.#session();
    try {
      const { rows } = await client.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_lock($1::bigint) AS ok",
        [this.#key],
      );
      this.#held = rows[0]?.ok === true && this.#client === client;
      return this.#held;
    } catch (error) {
      this.#drop(client);
      throw error;
    }
  }

  /**
   * Contract: reads `pg_locks` on the session that took the lock: an advisory lock of this
   * database with the key's (classid, objid, objsubid = 1), granted to `pg_backend_pid()`.
   * False, never an error, when the session is gone, was replaced, or the query fails (then the
   * session is dropped).
   */
  async isHeld(): Promise<boolean> {
    const client = this.#client;
    if (!this.#held || client === null) return false;
    try {
      const { rows } = await client.query<{ held: boolean }>(
        `SELECT EXISTS (
           SELECT 1 FROM pg_locks
            WHERE locktype = 'advisory'
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 1
              AND pid = pg_backend_pid() AND granted
         ) AS held`,
        [this.#ids.classid, this.#ids.objid],
      );
      const held = rows[0]?.held === true && this.#client === client;
      if (!held) this.#held = false;
      return held;
    } catch {
      this.#drop(client);
      return false;
    }
  }

  /** Contract: `pg_advisory_unlock(key)` on the session; no-op when not held. */
  async release(): Promise<void> {
    const client = this.#client;
    if (!this.#held || client === null) return;
    this.#held = false;
    try {
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [this.#key]);
    } catch {
      // The session is broken: ending it releases the lock on the server.
      this.#drop(client);
    }
  }

  /** Release the lock and close the dedicated connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.release();
    this.#closed = true;
    const client = this.#client ?? (await this.#connecting?.catch(() => null)) ?? null;
    this.#client = null;
    if (client !== null && !this.#ended.has(client)) {
      this.#ended.add(client);
      await client.end().catch(() => undefined);
    }
  }

  /** The live dedicated session, connecting one when there is none. */
  async #session(): Promise<pg.Client> {
    if (this.#client !== null) return this.#client;
    this.#connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.#url,
        application_name: `kairos-leader:${this.#schema}`,
        query_timeout: this.#timeoutMs,
        connectionTimeoutMillis: this.#timeoutMs,
        keepAlive: true,
      });
      // A session that dies reports here (possibly while idle): forget it at once, so isHeld
      // answers false without waiting for a query to fail.
      client.on("error", () => this.#drop(client));
      client.on("end", () => this.#drop(client));
      try {
        await client.connect();
      } catch (error) {
        client.end().catch(() => undefined);
        throw error;
      }
      if (this.#closed) {
        await client.end().catch(() => undefined);
        throw new ShuttingDownError("the PostgreSQL leader lock is closed");
      }
      this.#client = client;
      return client;
    })().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  /** Forget a broken session (and end it, which releases its lock on the server). */
  #drop(client: pg.Client): void {
    if (this.#client === client) {
      this.#client = null;
      this.#held = false;
    }
    if (!this.#ended.has(client)) {
      this.#ended.add(client);
      client.end().catch(() => undefined);
    }
  }
}
