/**
 * @module stores/sqlite/open
 * Opening the SQLite job store: connection, pragmas, migrations.
 *
 * Durability: a file database runs in WAL mode with `synchronous = NORMAL`. In WAL mode a
 * commit is an append to the -wal file; with NORMAL, SQLite fsyncs the WAL only at checkpoints,
 * not at every commit. So a crash of the process (kill -9, an uncaught exception) never loses a
 * committed transaction — the data is in the OS page cache and the WAL is replayed on the next
 * open — while a power loss or OS crash can lose the last few commits (never corrupt the file).
 * That is the trade Kairos makes by default: `synchronous = FULL` would fsync every commit and
 * cost a large share of enqueue/claim throughput for the power-loss case only.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { StoreNotFoundError, ValidationError } from "../../core/errors.js";
import { CompletionHooks } from "./completion-hooks.js";
import { migrate } from "./migrate.js";
import { registerScheduleCompletion } from "./schedules/completion.js";
import { SqliteJobStore, toStoreError } from "./sqlite-job-store.js";

/** Options of `openSqliteJobStore`. */
export interface SqliteJobStoreOptions {
  /** A file path or `":memory:"`. */
  readonly path: string;
  /** How long a write waits for another connection's write lock before failing; default 5000. */
  readonly busyTimeoutMs?: number;
  /**
   * Create the file's missing directories (default false: a missing directory is a
   * StoreNotFoundError naming it). `openStores` sets it for the default `.kairos/` only.
   */
  readonly createDirectory?: boolean;
  /**
   * The file must already exist (default false: it is created). Read-only callers set it so
   * that looking never creates a store; a missing file is a StoreNotFoundError.
   */
  readonly mustExist?: boolean;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Open (creating the file if needed, unless `mustExist`) a SQLite job store and bring its schema up to date. Safe when
 * several processes open the same new file at once. Throws ValidationError for bad options and
 * StoreError when the file cannot be opened or migrated. The completion hooks of the kinds the
 * database's other stores own (`schedule`) are registered too, so a schedule's job finished
 * through this store alone is still recorded on its schedule.
 */
export async function openSqliteJobStore(options: SqliteJobStoreOptions): Promise<SqliteJobStore> {
  const db = await openSqliteConnection(options);
  try {
    const hooks = new CompletionHooks();
    registerScheduleCompletion(db, hooks);
    return new SqliteJobStore(db, hooks);
  } catch (error) {
    db.close();
    throw toStoreError(`open ${options.path}`, error, "job store", options.path);
  }
}

/**
 * Open (creating if needed) a connection with the store's pragmas and an up-to-date schema;
 * the stores built on it share it (see `openSqliteStores`). Throws as `openSqliteJobStore`.
 */
export async function openSqliteConnection(
  options: SqliteJobStoreOptions,
): Promise<Database.Database> {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new ValidationError(
      `busyTimeoutMs must be a non-negative integer number of milliseconds, got ${busyTimeoutMs}`,
    );
  }
  if (options.path === "") {
    throw new ValidationError('path must be a file path or ":memory:", got an empty string');
  }
  const inMemory = options.path === ":memory:";
  if (!inMemory) prepareLocation(options);
  let db: Database.Database | undefined;
  try {
    // `timeout` is better-sqlite3's name for SQLite's busy_timeout; setting it here (rather
    // than by a PRAGMA string) covers the pragmas below, which may also wait for a lock.
    db = new Database(options.path, {
      timeout: busyTimeoutMs,
      fileMustExist: !inMemory && options.mustExist === true,
    });
    if (!inMemory) await enableWal(db, busyTimeoutMs);
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    if (options.mustExist === true && !fs.existsSync(options.path))
      throw missingStore(options.path);
    throw toStoreError(`open ${options.path}`, error, "job store", options.path);
  }
}

/**
 * Check (or create) what must exist before SQLite opens the file: with `mustExist`, the file;
 * otherwise its directory, created only with `createDirectory`. Throws StoreNotFoundError
 * naming what is missing and how to fix it.
 */
function prepareLocation(options: SqliteJobStoreOptions): void {
  if (options.mustExist === true) {
    if (!fs.existsSync(options.path)) throw missingStore(options.path);
    return;
  }
  const dir = path.dirname(path.resolve(options.path));
  if (options.createDirectory === true) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw toStoreError(`open ${options.path}`, error, "job store", options.path);
    }
    return;
  }
  if (!fs.existsSync(dir)) {
    throw new StoreNotFoundError(
      `the directory ${dir} of the SQLite store ${options.path} does not exist; create it ` +
        `(mkdir -p ${dir}) or choose a path in an existing directory (only the default ` +
        `.kairos/ directory is created on demand)`,
    );
  }
}

function missingStore(file: string): StoreNotFoundError {
  return new StoreNotFoundError(`no store at ${file}`);
}

/**
 * Switch the file to WAL, which lets readers proceed while one writer commits. Where the file
 * system cannot do WAL (some network mounts) SQLite keeps its rollback journal: slower, still
 * correct.
 *
 * Race: changing the journal mode needs an exclusive lock, and SQLite answers SQLITE_BUSY for it
 * *without* consulting the busy handler when another connection is locking the same file — seen
 * in about 1 of 60 opens when several processes open a new file at once. So this retries, after
 * a short jittered pause, until `busyTimeoutMs` has passed. (The wall clock here only bounds an
 * I/O retry; it is never used for job times.)
 */
async function enableWal(db: Database.Database, busyTimeoutMs: number): Promise<void> {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      const busy = (error as { code?: unknown } | null)?.code === "SQLITE_BUSY";
      if (!busy || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
}

/**
 * Map a store URL to a path for `openSqliteJobStore`: `"sqlite::memory:"` -> `":memory:"`,
 * `"sqlite:<path>"` -> `<path>` (relative or absolute, used as written); anything else,
 * including `"sqlite:"` with no path, -> null.
 */
export function parseSqliteUrl(url: string): string | null {
  const prefix = "sqlite:";
  if (!url.startsWith(prefix)) return null;
  const rest = url.slice(prefix.length);
  return rest === "" ? null : rest;
}
