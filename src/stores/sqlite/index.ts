/**
 * @module stores/sqlite
 * The SQLite adapter of the JobStore and ScheduleStore ports: the embedded default store (one
 * file, WAL mode). `openSqliteStores` opens both on one connection, with a file's leader lease.
 */
export { openSqliteJobStore, parseSqliteUrl, type SqliteJobStoreOptions } from "./open.js";
export { openSqliteStores, type SqliteStores, type SqliteStoresOptions } from "./open-stores.js";
export {
  SqliteLeaderLock,
  DEFAULT_LEADER_LEASE_MS,
  type SqliteLeaderLockOptions,
} from "./leader-lock.js";
export type { SqliteJobStore } from "./sqlite-job-store.js";
export { CompletionHooks, type CompletionHook, type FinishedJob } from "./completion-hooks.js";
