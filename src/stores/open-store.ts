/**
 * @module stores/open-store
 * Turn a store URL into opened, migrated stores. Accepted: `sqlite:PATH`, `sqlite::memory:`,
 * a bare path ending in `.db`/`.sqlite`, and `postgres://` / `postgresql://` URLs (optional
 * `?schema=name`, default `kairos`); PostgreSQL also returns its advisory-lock `leaderLock`, a
 * SQLite file its lease-row `leaderLock`.
 */
import fs from "node:fs";
import path from "node:path";
import { ValidationError } from "../core/errors.js";
import { maskUrl } from "../core/secrets.js";
import type { JobStore } from "../ports/job-store.js";
import type { ScheduleStore } from "../ports/schedule-store.js";
import type { WorkflowStore } from "../ports/workflow-store.js";
import type { LeaderLock } from "../ports/leader-lock.js";
import type { TokenStore } from "../ports/token-store.js";
import type { ControlStore } from "../ports/control-store.js";
import type { EventFeedStore } from "../ports/event-feed-store.js";
import { openSqliteStores, parseSqliteUrl } from "./sqlite/index.js";
import { DEFAULT_STORE_URL } from "./default-store-url.js";

export { DEFAULT_STORE_URL };

/** The stores of one database. */
export interface OpenedStores {
  readonly jobs: JobStore;
  readonly schedules: ScheduleStore;
  /** Workflows, runs and task instances on the same database. */
  readonly workflows?: WorkflowStore;
  /** Leadership among processes sharing the store (absent: single-process store). */
  readonly leaderLock?: LeaderLock;
  /** API tokens of the HTTP server, on the same database. */
  readonly tokens?: TokenStore;
  /** The durable event feed, on the same database. */
  readonly feed?: EventFeedStore;
  /** Stop/start control requests and job generations, on the same database. */
  readonly control?: ControlStore;
  close(): Promise<void>;
}

/** How `openStores` opens. */
export interface OpenStoresOptions {
  /** SQLite file: the leader lease's length in ms (default 10 000). */
  readonly leaderLeaseMs?: number;
  /**
   * The store must already exist (read-only callers): a missing SQLite file or a PostgreSQL
   * schema without Kairos tables is a StoreNotFoundError, and nothing is created.
   */
  readonly mustExist?: boolean;
  /**
   * Longest time one PostgreSQL statement may run, in ms (a StoreUnavailableError after);
   * default none. SQLite statements are local and have no such timeout.
   */
  readonly queryTimeoutMs?: number;
}

/**
 * Open the stores a URL names; throws ValidationError naming the accepted forms otherwise.
 * A missing SQLite directory is created only when it is a `.kairos` directory (the default's)
 * in an existing directory; any other is a StoreNotFoundError. Error messages show the URL
 * with its credentials masked.
 */
export async function openStores(
  url: string = DEFAULT_STORE_URL,
  options: OpenStoresOptions = {},
): Promise<OpenedStores> {
  const sqlitePath =
    parseSqliteUrl(url) ?? (/\.(db|sqlite3?)$/i.test(url) && !url.includes("://") ? url : null);
  if (sqlitePath !== null) {
    return openSqliteStores({
      path: sqlitePath,
      createDirectory: isCreatableStateDirectory(path.dirname(path.resolve(sqlitePath))),
      ...(options.mustExist === true ? { mustExist: true } : {}),
      ...(options.leaderLeaseMs !== undefined ? { leaderLeaseMs: options.leaderLeaseMs } : {}),
    });
  }
  // The PostgreSQL adapter (and pg) load only for a PostgreSQL URL.
  const { openPostgresStores, parsePostgresUrl } = await import("./postgres/index.js");
  if (parsePostgresUrl(url) !== null) {
    return openPostgresStores({
      url,
      ...(options.mustExist === true ? { mustExist: true } : {}),
      ...(options.queryTimeoutMs !== undefined ? { queryTimeoutMs: options.queryTimeoutMs } : {}),
    });
  }
  throw new ValidationError(
    `unsupported store ${JSON.stringify(maskUrl(url))}: use "sqlite:PATH" (e.g. "sqlite:.kairos/kairos.db"), ` +
      `"sqlite::memory:" or "postgres://user:password@host:port/database[?schema=name]"`,
  );
}

/** The name of the default store's directory, the only directory created on demand. */
const STATE_DIRECTORY = ".kairos";

/** A missing `.kairos` directory whose parent exists is created on open; nothing else is. */
function isCreatableStateDirectory(dir: string): boolean {
  return path.basename(dir) === STATE_DIRECTORY && fs.existsSync(path.dirname(dir));
}

/** Open only the job store a URL names (see `openStores`). */
export async function openStore(url: string = DEFAULT_STORE_URL): Promise<JobStore> {
  return (await openStores(url)).jobs;
}
