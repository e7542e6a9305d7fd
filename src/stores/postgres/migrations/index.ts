/**
 * @module stores/postgres/migrations
 * The ordered list of schema migrations of the PostgreSQL store. Append only: a released
 * migration is never edited or renumbered, because `kairos_migrations` records versions by
 * number.
 *
 * Each migration is a function of the quoted schema identifier and must name every table,
 * function and type it creates or uses with that schema (`${s}.jobs`), including inside
 * PL/pgSQL bodies, which resolve names with the *caller's* search_path at run time. The runner
 * also sets `search_path` to the schema for the migration's transaction, as a safety net.
 */
import { sql as jobsSql } from "./001-jobs.js";
import { sql as schedulesSql } from "./002-schedules.js";
import { sql as jobPolicySql } from "./003-job-policy.js";
import { sql as retentionSql } from "./004-retention.js";
import { sql as jobOriginSql } from "./005-job-origin.js";
import { sql as jobAttemptsSql } from "./006-job-attempts.js";
import { sql as functionRegistrySql } from "./007-function-registry.js";
import { sql as workflowsSql } from "./008-workflows.js";
import { sql as apiTokensSql } from "./009-api-tokens.js";
import { sql as eventFeedSql } from "./010-event-feed.js";
import { sql as controlSql } from "./011-control.js";
import { sql as statsSql } from "./012-stats.js";
import { sql as instancesSql } from "./013-instances.js";
import { sql as claimPathSql } from "./014-claim-path.js";
import { sql as eventBatchesSql } from "./015-event-batches.js";
import { sql as waitingByFnSql } from "./016-waiting-by-fn.js";
import { sql as stateGroupIndexesSql } from "./017-state-group-indexes.js";

/** One schema migration: applied once, in version order, inside the runner's transaction. */
export interface PgMigration {
  readonly version: number;
  readonly name: string;
  /** The SQL text for schema `s` (a quoted identifier); may hold several statements. */
  readonly sql: (s: string) => string;
}

/** Every migration, in ascending version order. */
export const MIGRATIONS: readonly PgMigration[] = [
  { version: 1, name: "jobs", sql: jobsSql },
  { version: 2, name: "schedules", sql: schedulesSql },
  { version: 3, name: "job-policy", sql: jobPolicySql },
  { version: 4, name: "retention", sql: retentionSql },
  { version: 5, name: "job-origin", sql: jobOriginSql },
  { version: 6, name: "job-attempts", sql: jobAttemptsSql },
  { version: 7, name: "function-registry", sql: functionRegistrySql },
  { version: 8, name: "workflows", sql: workflowsSql },
  { version: 9, name: "api-tokens", sql: apiTokensSql },
  { version: 10, name: "event-feed", sql: eventFeedSql },
  { version: 11, name: "control", sql: controlSql },
  { version: 12, name: "stats", sql: statsSql },
  { version: 13, name: "instances", sql: instancesSql },
  { version: 14, name: "claim-path", sql: claimPathSql },
  { version: 15, name: "event-batches", sql: eventBatchesSql },
  { version: 16, name: "waiting-by-fn", sql: waitingByFnSql },
  { version: 17, name: "state-group-indexes", sql: stateGroupIndexesSql },
];
