/**
 * @module stores/postgres/migrate
 * The migration runner. Applies every migration of `migrations/` that the schema's
 * `kairos_migrations` table does not list yet, in version order, in ONE transaction.
 *
 * Why the advisory lock: several processes may open a new database at once. Each takes
 * `pg_advisory_xact_lock(<key of this schema>)` first, so they run one after the other; the
 * second finds every version recorded and applies nothing. (Without it both would read
 * "nothing applied" and race to create the tables.) The lock is a transaction lock: it is
 * released by COMMIT or ROLLBACK, and by the server if the process dies.
 *
 * All or nothing: PostgreSQL DDL is transactional, so a failing migration rolls back every
 * migration of this run, including the schema and bookkeeping table when they were new.
 */
import { StoreError } from "../../core/errors.js";
import type { PgDatabase } from "./database.js";
import { advisoryKey } from "./identifiers.js";
import { MIGRATIONS } from "./migrations/index.js";

/**
 * Bring the schema up to date. Idempotent; safe to run from several processes at once. Throws
 * StoreError when the schema was migrated by a newer Kairos.
 */
export async function migrate(db: PgDatabase): Promise<void> {
  const { s } = db;
  await db.transaction(async (client) => {
    // Contract: input the schema's migration key; waits for any other migrator of this schema
    // and holds the lock until this transaction ends.
    await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [
      advisoryKey(db.schema, "migrate"),
    ]);
    // Contract: creates the schema and the bookkeeping table once; no effect when they exist.
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.kairos_migrations (
         version    INTEGER PRIMARY KEY,
         name       TEXT NOT NULL,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    );
    // Contract: the versions already applied; read under the migration lock.
    const { rows } = await client.query<{ version: number }>(
      `SELECT version FROM ${s}.kairos_migrations`,
    );
    const applied = new Set(rows.map((row) => row.version));
    const newest = MIGRATIONS.at(-1)?.version ?? 0;
    const unknown = [...applied].filter((v) => v > newest);
    if (unknown.length > 0) {
      throw new StoreError(
        `the PostgreSQL schema "${db.schema}" has version ${Math.max(...unknown)}, newer than ` +
          `this Kairos knows (${newest}); upgrade Kairos or use another schema`,
      );
    }
    const pending = MIGRATIONS.filter((m) => !applied.has(m.version));
    if (pending.length === 0) return;
    await client.query(`SET LOCAL search_path TO ${s}, pg_catalog`);
    for (const migration of pending) {
      // Several statements: sent without parameters (simple query protocol).
      await client.query(migration.sql(s));
      // Contract: records one applied version. applied_at is bookkeeping for humans, so it
      // reads the server's clock (job times never do).
      await client.query(`INSERT INTO ${s}.kairos_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
  });
}
