/**
 * The PostgreSQL store's opening path on a real server: URL parsing, schema validation,
 * migrations (idempotent, safe when several processes migrate one new schema at once, refusing
 * a schema from a newer Kairos), and schema isolation.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { StoreError, StoreUnavailableError, ValidationError } from "../../src/core/errors.js";
import { openStores } from "../../src/stores/open-store.js";
import { openPostgresStores, parsePostgresUrl } from "../../src/stores/postgres/index.js";
import { MIGRATIONS } from "../../src/stores/postgres/migrations/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

describe("parsePostgresUrl", () => {
  it("accepts postgres:// and postgresql:// and strips the schema parameter", () => {
    expect(parsePostgresUrl("postgres://u:p@h:5432/db")).toEqual({
      url: "postgres://u:p@h:5432/db",
      schema: null,
    });
    expect(parsePostgresUrl("postgresql://h/db?schema=tenant_a&sslmode=disable")).toEqual({
      url: "postgresql://h/db?sslmode=disable",
      schema: "tenant_a",
    });
    expect(parsePostgresUrl("postgres://h/db?schema=k")).toEqual({
      url: "postgres://h/db",
      schema: "k",
    });
  });

  it("returns null for other schemes", () => {
    expect(parsePostgresUrl("sqlite:.kairos/kairos.db")).toBeNull();
    expect(parsePostgresUrl("mysql://h/db")).toBeNull();
  });

  it("rejects invalid schema names", () => {
    for (const bad of ["Kairos", "1abc", "a-b", 'x"y', "pg_x", "a".repeat(64), ""]) {
      expect(() => parsePostgresUrl(`postgres://h/db?schema=${encodeURIComponent(bad)}`)).toThrow(
        ValidationError,
      );
    }
  });
});

describePg("openPostgresStores", () => {
  async function tables(schema: string): Promise<string[]> {
    const client = new pg.Client({ connectionString: pgUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
        [schema],
      );
      return rows.map((row) => row.table_name);
    } finally {
      await client.end();
    }
  }

  it("creates the schema and its tables, and migrating again changes nothing", async () => {
    const schema = freshSchema();
    const stores = await openPostgresStores({ url: pgUrl(), schema });
    try {
      expect(await tables(schema)).toEqual(
        expect.arrayContaining(["job_logs", "jobs", "kairos_migrations"]),
      );
      await stores.jobs.migrate();
      await stores.jobs.migrate();
    } finally {
      await stores.close();
    }
    const again = await openPostgresStores({ url: pgUrl(), schema });
    await again.close();
    await again.close();
  });

  it("takes the schema from the URL's schema parameter", async () => {
    const schema = freshSchema();
    const stores = await openPostgresStores({ url: `${pgUrl()}?schema=${schema}` });
    await stores.close();
    expect(await tables(schema)).toContain("jobs");
  });

  it("lets several processes migrate one new schema at once", async () => {
    const schema = freshSchema();
    const opened = await Promise.all(
      Array.from({ length: 5 }, () => openPostgresStores({ url: pgUrl(), schema, poolSize: 2 })),
    );
    await Promise.all(opened.map((stores) => stores.close()));
    const client = new pg.Client({ connectionString: pgUrl() });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT version FROM "${schema}".kairos_migrations ORDER BY version`,
      );
      expect(rows.map((row) => Number(row.version))).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await client.end();
    }
  });

  it("refuses a schema migrated by a newer Kairos", async () => {
    const schema = freshSchema();
    const stores = await openPostgresStores({ url: pgUrl(), schema });
    await stores.close();
    const client = new pg.Client({ connectionString: pgUrl() });
    await client.connect();
    await client.query(
      `INSERT INTO "${schema}".kairos_migrations (version, name) VALUES (999, 'future')`,
    );
    await client.end();
    await expect(openPostgresStores({ url: pgUrl(), schema })).rejects.toThrow(/newer than/);
    await expect(openPostgresStores({ url: pgUrl(), schema })).rejects.toBeInstanceOf(StoreError);
  });

  it("fails with StoreError when the server cannot be reached", async () => {
    const open = openPostgresStores({
      url: "postgres://postgres@127.0.0.1:1/postgres",
      schema: freshSchema(),
    });
    await expect(open).rejects.toBeInstanceOf(StoreError);
    // More precisely: STORE_UNAVAILABLE, naming host and port.
    await expect(open).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(open).rejects.toThrow(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1: /);
  });

  it("openStores opens a postgres:// URL: jobs, schedules and the leader lock on one schema", async () => {
    const schema = freshSchema();
    const url = `${pgUrl().replace(/^postgresql:/, "postgres:")}?schema=${schema}`;
    const stores = await openStores(url);
    try {
      expect(stores.leaderLock).toBeDefined();
      expect(await stores.leaderLock!.tryAcquire()).toBe(true);
      expect(await stores.leaderLock!.isHeld()).toBe(true);
      const [outcome] = await stores.jobs.enqueue(
        [
          {
            fn: "f",
            payloadJson: "{}",
            priority: 0,
            runAt: 1,
            maxAttempts: 1,
            idempotencyKey: null,
            concurrencyKey: null,
            concurrencyLimit: 1,
            backoff: { type: "fixed", delayMs: 0 },
            timeoutMs: 0,
            maxPending: null,
          },
        ],
        1,
      );
      expect(await stores.jobs.get(outcome!.job.id)).toEqual(outcome!.job);
      expect(await stores.schedules.listSchedules()).toEqual([]);
    } finally {
      await stores.close();
    }
    expect(await tables(schema)).toContain("schedules");
  });

  it("openStores gives SQLite no leader lock", async () => {
    const stores = await openStores("sqlite::memory:");
    expect(stores.leaderLock).toBeUndefined();
    await stores.close();
  });

  it("rejects bad options with ValidationError", async () => {
    await expect(openPostgresStores({ url: pgUrl(), schema: "Bad" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      openPostgresStores({ url: pgUrl(), schema: freshSchema(), poolSize: 0 }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(openPostgresStores({ url: "sqlite::memory:" })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
