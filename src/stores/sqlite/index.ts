/**
 * @module stores/sqlite
 * The SQLite adapter of the JobStore and ScheduleStore ports: the embedded default store (one
 * file, WAL mode). `openSqliteStores` opens both on one connection.
 */
export { openSqliteJobStore, parseSqliteUrl, type SqliteJobStoreOptions } from "./open.js";
export { openSqliteStores, type SqliteStores } from "./open-stores.js";
export type { SqliteJobStore } from "./sqlite-job-store.js";
export { CompletionHooks, type CompletionHook, type FinishedJob } from "./completion-hooks.js";
