/**
 * @module stores/postgres/open
 * Opening the PostgreSQL stores: URL parsing, the pool, migrations, and the stores built on
 * them (job store, schedule store, leader lock).
 *
 * URL: `postgres://` or `postgresql://`, with an optional `?schema=name` parameter (default
 * `kairos`) naming the schema that holds all Kairos tables; it is removed before connecting.
 * Several Kairos installations can share one database under different schemas.
 */
import { StoreNotFoundError, ValidationError } from "../../core/errors.js";
import { maskUrl } from "../../core/secrets.js";
import type { LeaderLock } from "../../ports/leader-lock.js";
import type { ScheduleStore } from "../../ports/schedule-store.js";
import type { TokenStore } from "../../ports/token-store.js";
import type { EventFeedStore } from "../../ports/event-feed-store.js";
import type { ControlStore } from "../../ports/control-store.js";
import { PgCompletionHooks } from "./completion-hooks.js";
import { connectError, pgEndpoint, type PgEndpoint } from "./connect.js";
import { PgDatabase, toStoreError } from "./database.js";
import { PostgresEventFeedStore } from "./feed.js";
import { DEFAULT_SCHEMA, validateSchemaName } from "./identifiers.js";
import { PgLeaderLock } from "./leader-lock.js";
import { migrate } from "./migrate.js";
import { PostgresJobStore } from "./postgres-job-store.js";
import { PostgresScheduleStore } from "./schedules/postgres-schedule-store.js";
import { PostgresWorkflowStore } from "./workflows/postgres-workflow-store.js";
import { PostgresTokenStore } from "./tokens.js";
import { PostgresControlStore } from "./control.js";

/** Options of `openPostgresStores`. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (a `schema` parameter here is honoured). */
  readonly url: string;
  /** The schema holding the tables; default the URL's `schema` parameter, else `kairos`. */
  readonly schema?: string;
  /** Connections in the pool (besides the leader lock's and the listener's); default 10. */
  readonly poolSize?: number;
  /**
   * How long connecting may take, in ms (0: forever); default the URL's `connect_timeout`
   * (seconds), else 10 s. A server that cannot be reached in time is a StoreUnavailableError.
   */
  readonly connectTimeoutMs?: number;
  /** Longest time one statement may run, in ms (see `PgDatabaseOptions`); default none. */
  readonly queryTimeoutMs?: number;
  /** The schema must already hold a Kairos store (default false: it is created). */
  readonly mustExist?: boolean;
}

/** The stores of one PostgreSQL schema. */
export interface PostgresStores {
  /** The job store (its `completionHooks` hold the hooks of the kinds the other stores own). */
  readonly jobs: PostgresJobStore;
  /** The schedule store on the same pool (a fire and its job insert share a transaction). */
  readonly schedules: ScheduleStore;
  /** Workflows, runs and task instances on the same pool (a task try's job shares its transaction). */
  readonly workflows: PostgresWorkflowStore;
  /** Leadership among the processes using this schema (a dedicated connection). */
  readonly leaderLock: LeaderLock;
  /** API tokens on the same pool. */
  readonly tokens: TokenStore;
  /** The durable event feed on the same pool (woken by the job store's LISTEN connection). */
  readonly feed: EventFeedStore;
  /** Stop/start control requests and job generations, on the same pool. */
  readonly control: ControlStore;
  /** Close the leader lock, the listener and the pool. Idempotent. */
  close(): Promise<void>;
}

/**
 * Split a PostgreSQL URL into the URL to connect to and the schema named by its `schema`
 * parameter. Null when `url` is not a `postgres://` / `postgresql://` URL; throws
 * ValidationError for a malformed URL or an invalid schema name.
 */
export function parsePostgresUrl(url: string): { url: string; schema: string | null } | null {
  if (!/^postgres(ql)?:\/\//i.test(url)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not the URL parser's error as cause: it carries the URL, password included.
    throw new ValidationError(
      `invalid PostgreSQL URL ${JSON.stringify(maskUrl(url))}: expected ` +
        `postgres://user:password@host:port/database[?schema=name]`,
    );
  }
  const schema = parsed.searchParams.get("schema");
  if (schema === null) return { url, schema: null };
  parsed.searchParams.delete("schema");
  return { url: parsed.toString(), schema: validateSchemaName(schema) };
}

/**
 * Open the stores of a PostgreSQL schema: connect a pool, create or upgrade the schema (safe
 * when several processes do it at once), and build the job store, the schedule store and the
 * leader lock on it. Throws ValidationError for bad options, StoreUnavailableError when the
 * server cannot be reached within the connect timeout, StoreNotFoundError when `mustExist` and
 * the schema holds no store, StoreError when the server refuses or migrating fails.
 */
export async function openPostgresStores(options: PostgresStoreOptions): Promise<PostgresStores> {
  const { db, url, schema } = await openDatabase(options);
  // The schedule and workflow stores register their completion hooks (the `schedule` and
  // `workflow` kinds) in `hooks`.
  const hooks = new PgCompletionHooks();
  const jobs = new PostgresJobStore(db, hooks);
  const schedules = new PostgresScheduleStore(db, hooks);
  const workflows = new PostgresWorkflowStore(db, hooks);
  const tokens = new PostgresTokenStore(db);
  const feed = new PostgresEventFeedStore(db, (listener) => jobs.onFeed(listener));
  const control = new PostgresControlStore(db);
  const leaderLock = new PgLeaderLock({ url, schema });
  let closing: Promise<void> | null = null;
  return {
    jobs,
    schedules,
    workflows,
    leaderLock,
    tokens,
    feed,
    control,
    close: () =>
      (closing ??= (async () => {
        feed.close();
        control.close();
        tokens.close();
        schedules.close();
        workflows.close();
        await leaderLock.close().catch(() => undefined);
        await jobs.close();
      })()),
  };
}

/**
 * Open only the job store of a PostgreSQL schema (see `openPostgresStores`), with the
 * `schedule` hook registered as before; the `workflow` kind is left free (no workflow store).
 */
export async function openPostgresJobStore(
  options: PostgresStoreOptions,
): Promise<PostgresJobStore> {
  const { db } = await openDatabase(options);
  const hooks = new PgCompletionHooks();
  const jobs = new PostgresJobStore(db, hooks);
  new PostgresScheduleStore(db, hooks);
  return jobs;
}

/** Validate the options, connect the pool and migrate the schema (see `openPostgresStores`). */
async function openDatabase(
  options: PostgresStoreOptions,
): Promise<{ db: PgDatabase; url: string; schema: string }> {
  const target = parsePostgresUrl(options.url);
  if (target === null) {
    throw new ValidationError(
      `not a PostgreSQL URL: ${JSON.stringify(maskUrl(options.url))}; expected ` +
        `postgres://user:password@host:port/database[?schema=name]`,
    );
  }
  const schema = validateSchemaName(options.schema ?? target.schema ?? DEFAULT_SCHEMA);
  const poolSize = options.poolSize ?? 10;
  if (!Number.isSafeInteger(poolSize) || poolSize < 1) {
    throw new ValidationError(`poolSize must be a positive integer, got ${poolSize}`);
  }
  const endpoint = pgEndpoint(target.url);
  const connectTimeoutMs = options.connectTimeoutMs ?? endpoint.connectTimeoutMs;
  const db = new PgDatabase({
    url: target.url,
    schema,
    poolSize,
    connectTimeoutMs,
    ...(options.queryTimeoutMs !== undefined ? { queryTimeoutMs: options.queryTimeoutMs } : {}),
  });
  try {
    await connectOnce(db, { ...endpoint, connectTimeoutMs });
    if (options.mustExist === true) await assertStoreExists(db, options.url);
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw toStoreError(`open schema "${schema}"`, error);
  }
  return { db, url: target.url, schema };
}

/** Open (and return to the pool) one connection: a failure says where and why (connect.ts). */
async function connectOnce(db: PgDatabase, at: PgEndpoint): Promise<void> {
  const client = await db.pool.connect().catch((error: unknown) => {
    throw connectError(error, at);
  });
  client.release();
}

/** Throw StoreNotFoundError unless the schema holds a Kairos store (its migrations table). */
async function assertStoreExists(db: PgDatabase, url: string): Promise<void> {
  const { rows } = await db.query<{ found: string | null }>(
    "SELECT to_regclass($1)::text AS found",
    [`${db.s}.kairos_migrations`],
  );
  if (rows[0]?.found == null) {
    throw new StoreNotFoundError(`no store at ${maskUrl(url)} (schema "${db.schema}")`);
  }
}
