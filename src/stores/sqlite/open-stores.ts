/**
 * @module stores/sqlite/open-stores
 * Opening the SQLite job store and schedule store together, on one connection. They must share
 * it: `fireSlot` inserts a job in the same transaction that moves a schedule's cursor, and a
 * job's finalization records its schedule's last status in the same transaction (the schedule
 * store's completion hook, registered in the connection's CompletionHooks that both share).
 * A file database also gets its leader lease (`leader-lock.ts`) on that connection; an
 * in-memory one, which no other process can open, gets none (this process leads).
 */
import type { JobStore } from "../../ports/job-store.js";
import type { LeaderLock } from "../../ports/leader-lock.js";
import type { ScheduleStore } from "../../ports/schedule-store.js";
import type { WorkflowStore } from "../../ports/workflow-store.js";
import type { TokenStore } from "../../ports/token-store.js";
import type { EventFeedStore } from "../../ports/event-feed-store.js";
import { CompletionHooks } from "./completion-hooks.js";
import type { ControlStore } from "../../ports/control-store.js";
import { SqliteControlStore } from "./control.js";
import { SqliteEventFeedStore } from "./feed.js";
import { SqliteTokenStore } from "./tokens.js";
import { SqliteLeaderLock } from "./leader-lock.js";
import { openSqliteConnection, type SqliteJobStoreOptions } from "./open.js";
import { SqliteScheduleStore } from "./schedules/sqlite-schedule-store.js";
import { SqliteJobStore, toStoreError } from "./sqlite-job-store.js";
import { SqliteWorkflowStore } from "./workflows/sqlite-workflow-store.js";

/** The stores of one SQLite database. */
export interface SqliteStores {
  readonly jobs: JobStore;
  readonly schedules: ScheduleStore;
  /** Workflows, runs and task instances, on the same connection (owns the `workflow` kind). */
  readonly workflows: WorkflowStore;
  /** Leadership among the processes sharing the file (absent in memory: this process leads). */
  readonly leaderLock?: LeaderLock;
  /** API tokens, on the same connection. */
  readonly tokens: TokenStore;
  /** The durable event feed, on the same connection (polls `data_version` while listened to). */
  readonly feed: EventFeedStore;
  /** Stop/start control requests and job generations, on the same connection. */
  readonly control: ControlStore;
  /**
   * Close the shared connection. Idempotent; afterwards every method of both stores throws
   * ShuttingDownError. (`jobs.close()` alone has the same effect on both.)
   */
  close(): Promise<void>;
}

/** Options of `openSqliteStores`. */
export interface SqliteStoresOptions extends SqliteJobStoreOptions {
  /** The leader lease's length in ms (default 10 000; see `stores/sqlite/leader-lock`). */
  readonly leaderLeaseMs?: number;
}

/**
 * Open (creating if needed) a SQLite database and bring its schema up to date, as
 * `openSqliteJobStore` does, and return its job and schedule stores on one connection, and for
 * a file its leader lock. Throws ValidationError for a bad `leaderLeaseMs`.
 */
export async function openSqliteStores(options: SqliteStoresOptions): Promise<SqliteStores> {
  const db = await openSqliteConnection(options);
  let jobs: SqliteJobStore;
  let schedules: SqliteScheduleStore;
  let workflows: SqliteWorkflowStore;
  let tokens: SqliteTokenStore;
  let feed: SqliteEventFeedStore;
  let control: SqliteControlStore;
  let leaderLock: SqliteLeaderLock | null = null;
  try {
    const hooks = new CompletionHooks();
    jobs = new SqliteJobStore(db, hooks);
    schedules = new SqliteScheduleStore(db, hooks);
    workflows = new SqliteWorkflowStore(db, hooks);
    tokens = new SqliteTokenStore(db);
    feed = new SqliteEventFeedStore(db);
    control = new SqliteControlStore(db);
    if (options.path !== ":memory:") {
      leaderLock = new SqliteLeaderLock(
        db,
        options.leaderLeaseMs === undefined ? {} : { leaseMs: options.leaderLeaseMs },
      );
    }
  } catch (error) {
    db.close();
    throw toStoreError(`open ${options.path}`, error, "job store", options.path);
  }
  return {
    jobs,
    schedules,
    workflows,
    tokens,
    feed,
    control,
    ...(leaderLock ? { leaderLock } : {}),
    close: async () => {
      await leaderLock?.close();
      control.close();
      feed.close();
      tokens.close();
      workflows.close();
      schedules.close();
      await jobs.close();
    },
  };
}
