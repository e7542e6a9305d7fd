/**
 * Helpers of the PostgreSQL plan tests, which seed a table, ANALYZE it and read the plans of
 * the stores' statements: a fixture (the stores on a fresh schema and a plain client on the
 * same server, closed after each test of the file), EXPLAIN of a statement, and the
 * statement's `$n` parameters written as literals (EXPLAIN of PostgreSQL 15 needs values).
 */
import pg from "pg";
import { afterEach } from "vitest";
import { openPostgresStores, type PostgresStores } from "../../src/stores/postgres/index.js";
import { freshSchema, pgUrl } from "./postgres.js";

/** What a plan test works on: the stores, a client, and the schema as a quoted identifier. */
export interface PlanFixture {
  readonly stores: PostgresStores;
  readonly client: pg.Client;
  readonly s: string;
}

/**
 * Call at a test file's top level: returns the opener of a fresh PlanFixture; everything it
 * opened is closed after each test.
 */
export function planFixtures(): () => Promise<PlanFixture> {
  const opened: PostgresStores[] = [];
  const clients: pg.Client[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((stores) => stores.close()));
    await Promise.all(clients.splice(0).map((client) => client.end()));
  });
  return async () => {
    const schema = freshSchema();
    const stores = await openPostgresStores({ url: pgUrl(), schema, poolSize: 2 });
    opened.push(stores);
    const client = new pg.Client({ connectionString: pgUrl() });
    await client.connect();
    clients.push(client);
    return { stores, client, s: `"${schema}"` };
  };
}

/** The plan of `sql` (EXPLAIN, without running it), one line per node. */
export async function explain(client: pg.Client, sql: string): Promise<string> {
  const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

/** The SQL with its `$n` parameters replaced by the given literals (SQL text, as written). */
export function inlineParams(sql: string, literals: readonly string[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => literals[Number(n) - 1]!);
}

/** A test value as a SQL literal: numbers as they are, arrays as `'{a,b}'`, the rest quoted. */
export function sqlLiteral(value: unknown): string {
  if (Array.isArray(value)) return `'{${value.join(",")}}'`;
  return typeof value === "number" ? String(value) : `'${String(value)}'`;
}
