/**
 * @module stores/postgres/database
 * The connection pool of the PostgreSQL store and the helpers every statement family uses:
 * `query`, `transaction`, the quoted schema and the NOTIFY channel. One `PgDatabase` serves the
 * job store and the schedule store of one schema, so a schedule's fire and its job insert can
 * share a transaction.
 *
 * Types: BIGINT columns (ms instants, ids, counts) are parsed to JS numbers by this pool (pg
 * returns strings by default); every value the store keeps is below 2^53. Ids are turned into
 * decimal strings by the row mappers.
 *
 * Clock: the caller's clock is authoritative (`now` is always passed in); the database clock
 * is never used for job times.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import {
  KairosError,
  ShuttingDownError,
  StoreError,
  StoreUnavailableError,
} from "../../core/errors.js";
import { maskSecrets } from "../../core/secrets.js";
import { notifyChannel, quoteSchema } from "./identifiers.js";

const INT8_OID = 20;

const parseInt8 = (value: string): number => Number(value);

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary"): unknown =>
    oid === INT8_OID && format !== "binary"
      ? parseInt8
      : (pg.types.getTypeParser(
          oid,
          format ?? "text",
        ) as unknown)) as pg.CustomTypesConfig["getTypeParser"],
};

/** Options of the `PgDatabase` constructor. */
export interface PgDatabaseOptions {
  /** A `postgres://` / `postgresql://` URL without the `schema` parameter. */
  readonly url: string;
  /** A validated schema name. */
  readonly schema: string;
  /** Connections in the pool; default 10. */
  readonly poolSize?: number;
  /** How long opening a connection may take, in ms; 0 (the default here) waits forever. */
  readonly connectTimeoutMs?: number;
  /**
   * Longest time one statement may run, in ms, enforced by the server (`statement_timeout`)
   * and the client (`query_timeout`, for a server that stopped answering); default none.
   */
  readonly queryTimeoutMs?: number;
}

/** Something that runs queries: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.PoolClient, "query">;

const statementNames = new Map<string, string>();

/**
 * Run one parameterized statement as a named prepared statement: each connection parses and
 * plans it once and then only binds and executes it, which saves a large share of the cost of
 * the short statements on the hot paths (claim, finalize, heartbeat). The name is a hash of
 * the text, so one text always has one name (pg refuses a name reused for another text).
 */
export function exec<R extends pg.QueryResultRow = pg.QueryResultRow>(
  client: Pick<pg.Pool, "query"> | Queryable,
  text: string,
  values: readonly unknown[],
): Promise<pg.QueryResult<R>> {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `kairos_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return client.query<R>({ name, text, values: values as unknown[] });
}

/** The pool of one store plus the names derived from its schema. */
export class PgDatabase {
  readonly pool: pg.Pool;
  /** The schema name, validated. */
  readonly schema: string;
  /** The schema as a quoted identifier for SQL text: `${db.s}.jobs`. */
  readonly s: string;
  /** The LISTEN/NOTIFY channel of this schema (see `notifyChannel`). */
  readonly channel: string;
  /** The URL the pool connects to (dedicated connections use it too). */
  readonly url: string;
  #closed = false;
  #closing: Promise<void> | null = null;

  constructor(options: PgDatabaseOptions) {
    this.s = quoteSchema(options.schema);
    this.schema = options.schema;
    this.channel = notifyChannel(options.schema);
    this.url = options.url;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      types,
      application_name: `kairos:${options.schema}`,
      ...(options.connectTimeoutMs ? { connectionTimeoutMillis: options.connectTimeoutMs } : {}),
      ...(options.queryTimeoutMs
        ? { statement_timeout: options.queryTimeoutMs, query_timeout: options.queryTimeoutMs }
        : {}),
    });
    // An idle client that loses its connection emits 'error' on the pool; without a listener
    // that would crash the process. The pool drops the client; the next query gets a new one.
    this.pool.on("error", () => {});
  }

  /** True after `close()` began. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Throw ShuttingDownError when closed (`what` names the caller for the message). */
  assertOpen(what: string): void {
    if (this.#closed) {
      throw new ShuttingDownError(
        `the PostgreSQL store (schema "${this.schema}") is closed; ${what} was called after close()`,
      );
    }
  }

  /** One statement on a pooled connection (autocommit), prepared (see `exec`). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values: readonly unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    return exec<R>(this.pool, text, values);
  }

  /**
   * One statement on a pooled connection (autocommit), NOT prepared: planned on each call with
   * its values, so the planner sees them (a prepared statement switches to a generic plan after
   * five runs, which cannot match a partial index by a parameter's value). For reads that are
   * not hot and whose text varies.
   */
  queryUnnamed<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values: readonly unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values as unknown[]);
  }

  /**
   * Run `body` in one transaction (READ COMMITTED) on one pooled connection: COMMIT when it
   * resolves, ROLLBACK when it throws (the error is rethrown as it was). A connection whose
   * ROLLBACK failed is destroyed rather than returned to the pool.
   */
  async transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      try {
        const result = await body(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch (rollbackError) {
          broken =
            rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  /** Close the pool. Idempotent; later calls to `assertOpen` throw ShuttingDownError. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.pool.end();
    return this.#closing;
  }
}

/**
 * Pass Kairos errors (ConflictError, QueueFullError, ...) through; wrap anything else
 * (connection refused, a server error) in StoreError with the original as `cause`, naming the
 * operation and the PostgreSQL error code (SQLSTATE) when there is one. A statement that ran
 * past the query timeout (the server's 57014 or the client's read timeout) becomes
 * StoreUnavailableError. Credentials in the message are masked.
 */
export function toStoreError(
  operation: string,
  error: unknown,
  storeName = "job store",
): KairosError {
  if (error instanceof KairosError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = maskSecrets(error instanceof Error ? error.message : String(error));
  if ((code === "57014" && /statement timeout/.test(message)) || message === "Query read timeout") {
    return new StoreUnavailableError(
      `PostgreSQL ${storeName}: ${operation} got no answer within the query timeout ` +
        `(${typeof code === "string" ? `${code}: ` : ""}${message}); the server is overloaded, ` +
        `a lock is held, or it cannot be reached`,
      { cause: error },
    );
  }
  return new StoreError(
    `PostgreSQL ${storeName}: ${operation} failed (${typeof code === "string" ? `${code}: ` : ""}${message})`,
    { cause: error },
  );
}
