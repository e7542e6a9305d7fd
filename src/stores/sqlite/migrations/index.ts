/**
 * @module stores/sqlite/migrations
 * The ordered list of schema migrations of the SQLite store. Append only: a released migration
 * is never edited or renumbered, because `kairos_migrations` records versions by number.
 */
import { sql as jobsSql } from "./001-jobs.js";
import { sql as schedulesSql } from "./002-schedules.js";
import { sql as jobPolicySql } from "./003-job-policy.js";
import { sql as retentionSql } from "./004-retention.js";
import { sql as jobOriginSql } from "./005-job-origin.js";
import { sql as jobAttemptsSql } from "./006-job-attempts.js";
import { sql as leaderLeaseSql } from "./007-leader-lease.js";
import { sql as functionRegistrySql } from "./008-function-registry.js";
import { sql as workflowsSql } from "./009-workflows.js";
import { sql as apiTokensSql } from "./010-api-tokens.js";
import { sql as eventFeedSql } from "./011-event-feed.js";
import { sql as controlSql } from "./012-control.js";
import { sql as statsSql } from "./013-stats.js";
import { sql as instancesSql } from "./014-instances.js";
import { sql as eventBatchesSql } from "./015-event-batches.js";
import { sql as waitingByFnSql } from "./016-waiting-by-fn.js";

/** One schema migration: applied once, in version order, inside the runner's transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in ascending version order. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "jobs", sql: jobsSql },
  { version: 2, name: "schedules", sql: schedulesSql },
  { version: 3, name: "job-policy", sql: jobPolicySql },
  { version: 4, name: "retention", sql: retentionSql },
  { version: 5, name: "job-origin", sql: jobOriginSql },
  { version: 6, name: "job-attempts", sql: jobAttemptsSql },
  { version: 7, name: "leader-lease", sql: leaderLeaseSql },
  { version: 8, name: "function-registry", sql: functionRegistrySql },
  { version: 9, name: "workflows", sql: workflowsSql },
  { version: 10, name: "api-tokens", sql: apiTokensSql },
  { version: 11, name: "event-feed", sql: eventFeedSql },
  { version: 12, name: "control", sql: controlSql },
  { version: 13, name: "stats", sql: statsSql },
  { version: 14, name: "instances", sql: instancesSql },
  { version: 15, name: "event-batches", sql: eventBatchesSql },
  { version: 16, name: "waiting-by-fn", sql: waitingByFnSql },
];
