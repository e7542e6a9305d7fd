/**
 * @module bench/pg-server
 * The throwaway PostgreSQL server of `npm run bench -- --store postgres`, and the per-scenario
 * databases on it.
 *
 * The server is started by the test harness's own code (`startPostgres` in
 * test/helpers/postgres-server.ts: Debian's binaries, a fresh temp directory, 127.0.0.1 on a
 * free port, run as the `postgres` user when we are root), imported, not copied. That harness
 * turns durability off for speed (`fsync = off`, `synchronous_commit = off`,
 * `full_page_writes = off`), which would make a benchmark unfair to anything that commits
 * often. So, before anything else, the bench puts those three back with `ALTER SYSTEM` (which
 * wins over postgresql.conf) and reloads the configuration:
 *
 *   fsync = on, full_page_writes = on   (PostgreSQL's defaults)
 *   synchronous_commit = on             (the default too, set explicitly: every commit waits
 *                                        for its WAL flush to disk)
 *
 * and checks from a new connection that they are in force. Everything else is PostgreSQL's
 * default, except what the harness needs to run a private server (listen address, port,
 * socket directory) and `max_connections = 300` (default 100), which needs a restart to change
 * and only sizes shared memory. The settings that differ from the defaults are read back from
 * `pg_settings` and printed with the results.
 */
import pg from "pg";
import {
  findPostgresBinaries,
  INSTALL_HINT,
  startPostgres,
  type PostgresServer,
} from "../test/helpers/postgres-server.js";
import type { PgDbStats } from "./pg-types.js";

/** Durability settings the bench restores on the harness's server (see the module comment). */
export const BENCH_SETTINGS: Readonly<Record<string, string>> = {
  fsync: "on",
  full_page_writes: "on",
  synchronous_commit: "on",
};

/** A setting whose value does not come from PostgreSQL's built-in default. */
export interface PgSetting {
  readonly name: string;
  /** With its unit, as `SHOW` prints it (`128MB`). */
  readonly setting: string;
  readonly source: string;
  /** The file that set it (postgresql.conf, or postgresql.auto.conf for ALTER SYSTEM). */
  readonly file: string | null;
}

export interface BenchPostgres {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` (superuser, maintenance database). */
  readonly adminUrl: string;
  /** `pg_ctl --version` and the server's `version()`. */
  readonly version: string;
  /** Every setting not at its built-in default, as the server reports it. */
  readonly settings: readonly PgSetting[];
  /** Stops the server and removes its directory. Idempotent. */
  stop(): void;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: "bench-admin" });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Start the server with the benchmark's settings; throws when the binaries are missing. */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  const bins = findPostgresBinaries();
  if (bins === null) {
    throw new Error(`PostgreSQL binaries (initdb, pg_ctl) not found: ${INSTALL_HINT}`);
  }
  const server: PostgresServer = await startPostgres(bins);
  try {
    await withClient(server.url, async (client) => {
      for (const [name, value] of Object.entries(BENCH_SETTINGS)) {
        // ALTER SYSTEM takes no parameters; names and values are our own constants.
        await client.query(`ALTER SYSTEM SET ${name} = '${value}'`);
      }
      await client.query("SELECT pg_reload_conf()");
    });
    // The reload is asynchronous: wait until a new backend sees the values.
    const names = Object.keys(BENCH_SETTINGS);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const seen = await withClient(server.url, async (client) => {
        const { rows } = await client.query<{ name: string; setting: string }>(
          "SELECT name, setting FROM pg_settings WHERE name = ANY($1)",
          [names],
        );
        return new Map(rows.map((r) => [r.name, r.setting]));
      });
      if (names.every((n) => seen.get(n) === BENCH_SETTINGS[n])) break;
      if (Date.now() > deadline) {
        throw new Error(
          `PostgreSQL did not take the bench settings: ${JSON.stringify(Object.fromEntries(seen))}`,
        );
      }
      await sleep(50);
    }
    const { version, settings } = await withClient(server.url, async (client) => {
      const v = await client.query<{ version: string }>("SELECT version() AS version");
      const s = await client.query<PgSetting>(
        `SELECT name, current_setting(name) AS setting, source,
                regexp_replace(sourcefile, '^.*/', '') AS file
           FROM pg_settings
          WHERE source NOT IN ('default', 'override', 'client', 'session')
          ORDER BY name`,
      );
      return { version: v.rows[0]?.version ?? server.version, settings: s.rows };
    });
    return { adminUrl: server.url, version, settings, stop: () => server.stop() };
  } catch (error) {
    server.stop();
    throw error;
  }
}

/** The URL of database `name` on the server of `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Create an empty database (from template0: nothing but the catalog). */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE template0`));
  return databaseUrl(adminUrl, name);
}

/** Drop a database, ending any connection left to it. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** WAL counters of the whole cluster (PostgreSQL 14+), or null. */
export async function walCounters(
  adminUrl: string,
): Promise<{ walSync: number; walBytes: number } | null> {
  try {
    return await withClient(adminUrl, async (c) => {
      const { rows } = await c.query<{ wal_sync: string; wal_bytes: string }>(
        "SELECT wal_sync, wal_bytes FROM pg_stat_wal",
      );
      const r = rows[0];
      return r ? { walSync: Number(r.wal_sync), walBytes: Number(r.wal_bytes) } : null;
    });
  } catch {
    return null;
  }
}

/**
 * Wait until no backend is connected to database `name`: a backend writes its statistics when
 * it exits, so counters are complete only then. Best effort (gives up after `timeoutMs`).
 */
export async function waitForBackendsGone(
  adminUrl: string,
  name: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await withClient(adminUrl, async (c) => {
    for (;;) {
      const { rows } = await c.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1",
        [name],
      );
      if ((rows[0]?.n ?? 0) === 0 || Date.now() > deadline) return;
      await sleep(20);
    }
  });
  await sleep(100);
}

/** Transactions committed in database `name` so far. */
export async function committedTransactions(adminUrl: string, name: string): Promise<number> {
  return withClient(adminUrl, async (c) => {
    const { rows } = await c.query<{ n: string }>(
      "SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1",
      [name],
    );
    return Number(rows[0]?.n ?? 0);
  });
}

/** The database-side figures of one scenario, from counters read before and after it. */
export function dbStats(
  before: { walSync: number; walBytes: number } | null,
  after: { walSync: number; walBytes: number } | null,
  xactCommit: number,
): PgDbStats | null {
  if (before === null || after === null) return null;
  return {
    xactCommit,
    walSync: after.walSync - before.walSync,
    walBytes: after.walBytes - before.walBytes,
  };
}
