/**
 * @module stores/sqlite/open-stores
 * Opening the SQLite job store and schedule store together, on one connection. They must share
 * it: `fireSlot` inserts a job in the same transaction that moves a schedule's cursor, and a
 * job's finalization records its schedule's last status in the same transaction (the schedule
 * store's completion hook, registered in the connection's CompletionHooks that both share).
 */
import type { JobStore } from "../../ports/job-store.js";
import type { ScheduleStore } from "../../ports/schedule-store.js";
import { CompletionHooks } from "./completion-hooks.js";
import { openSqliteConnection, type SqliteJobStoreOptions } from "./open.js";
import { SqliteScheduleStore } from "./schedules/sqlite-schedule-store.js";
import { SqliteJobStore, toStoreError } from "./sqlite-job-store.js";

/** The stores of one SQLite database. */
export interface SqliteStores {
  readonly jobs: JobStore;
  readonly schedules: ScheduleStore;
  /**
   * Close the shared connection. Idempotent; afterwards every method of both stores throws
   * ShuttingDownError. (`jobs.close()` alone has the same effect on both.)
   */
  close(): Promise<void>;
}

/**
 * Open (creating if needed) a SQLite database and bring its schema up to date, as
 * `openSqliteJobStore` does, and return its job and schedule stores on one connection.
 */
export async function openSqliteStores(options: SqliteJobStoreOptions): Promise<SqliteStores> {
  const db = await openSqliteConnection(options);
  let jobs: SqliteJobStore;
  let schedules: SqliteScheduleStore;
  try {
    const hooks = new CompletionHooks();
    jobs = new SqliteJobStore(db, hooks);
    schedules = new SqliteScheduleStore(db, hooks);
  } catch (error) {
    db.close();
    throw toStoreError(`open ${options.path}`, error, "job store", options.path);
  }
  return {
    jobs,
    schedules,
    close: async () => {
      schedules.close();
      await jobs.close();
    },
  };
}
