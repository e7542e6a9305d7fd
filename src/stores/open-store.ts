/**
 * @module stores/open-store
 * Turn a store URL into opened, migrated stores. Accepted: `sqlite:PATH`, `sqlite::memory:`,
 * a bare path ending in `.db`/`.sqlite`, and `postgres://` / `postgresql://` URLs (optional
 * `?schema=name`, default `kairos`); PostgreSQL also returns its advisory-lock `leaderLock`, a
 * SQLite file its lease-row `leaderLock`.
 */
import { ValidationError } from "../core/errors.js";
import type { JobStore } from "../ports/job-store.js";
import type { ScheduleStore } from "../ports/schedule-store.js";
import type { LeaderLock } from "../ports/leader-lock.js";
import { openPostgresStores, parsePostgresUrl } from "./postgres/index.js";
import { openSqliteStores, parseSqliteUrl } from "./sqlite/index.js";

/** The default store: an SQLite file under `.kairos/` in the working directory. */
export const DEFAULT_STORE_URL = "sqlite:.kairos/kairos.db";

/** The stores of one database. */
export interface OpenedStores {
  readonly jobs: JobStore;
  readonly schedules: ScheduleStore;
  /** Leadership among processes sharing the store (absent: single-process store). */
  readonly leaderLock?: LeaderLock;
  close(): Promise<void>;
}

/** Options of `openStores`. */
export interface OpenStoresOptions {
  /** SQLite file: the leader lease's length in ms (default 10 000). */
  readonly leaderLeaseMs?: number;
}

/** Open the stores a URL names; throws ValidationError naming the accepted forms otherwise. */
export async function openStores(
  url: string = DEFAULT_STORE_URL,
  options: OpenStoresOptions = {},
): Promise<OpenedStores> {
  const sqlitePath =
    parseSqliteUrl(url) ?? (/\.(db|sqlite3?)$/i.test(url) && !url.includes("://") ? url : null);
  if (sqlitePath !== null) return openSqliteStores({ path: sqlitePath, ...options });
  if (parsePostgresUrl(url) !== null) return openPostgresStores({ url });
  throw new ValidationError(
    `unsupported store ${JSON.stringify(url)}: use "sqlite:PATH" (e.g. "sqlite:.kairos/kairos.db"), ` +
      `"sqlite::memory:" or "postgres://user:password@host:port/database[?schema=name]"`,
  );
}

/** Open only the job store a URL names (see `openStores`). */
export async function openStore(url: string = DEFAULT_STORE_URL): Promise<JobStore> {
  return (await openStores(url)).jobs;
}
