/**
 * @module stores/postgres
 * The PostgreSQL adapter of the JobStore (and, with migration 2, ScheduleStore) ports plus the
 * advisory-lock LeaderLock: several replicas share one database. `openPostgresStores` opens
 * them on one pool.
 */
export {
  openPostgresJobStore,
  openPostgresStores,
  parsePostgresUrl,
  type PostgresStoreOptions,
  type PostgresStores,
} from "./open.js";
export { PgLeaderLock, type PgLeaderLockOptions } from "./leader-lock.js";
export { DEFAULT_SCHEMA } from "./identifiers.js";
export type { PostgresJobStore } from "./postgres-job-store.js";
export type { PostgresWorkflowStore } from "./workflows/postgres-workflow-store.js";
export { PgCompletionHooks, type PgCompletionHook } from "./completion-hooks.js";
