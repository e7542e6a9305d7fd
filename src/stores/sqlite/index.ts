/**
 * @module stores/sqlite
 * The SQLite adapter of the JobStore port: the embedded default store (one file, WAL mode).
 */
export { openSqliteJobStore, parseSqliteUrl, type SqliteJobStoreOptions } from "./open.js";
