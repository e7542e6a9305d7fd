/**
 * @module stores/sqlite/migrate
 * The migration runner. Applies every migration of `migrations/` that `kairos_migrations` does
 * not list yet, in version order, in one `BEGIN IMMEDIATE` transaction.
 *
 * Why IMMEDIATE: it takes the write lock before reading which versions are applied. Two
 * processes opening the same new file at once therefore serialise (the second waits up to
 * busy_timeout), and the second finds every version recorded and applies nothing. A deferred
 * transaction would let both read "nothing applied" and then race to create the tables.
 */
import type Database from "better-sqlite3";
import { StoreError } from "../../core/errors.js";
import { MIGRATIONS } from "./migrations/index.js";

/**
 * Bring the schema up to date. Idempotent; all or nothing (a failing migration rolls back every
 * migration of this run). Throws StoreError when the file was migrated by a newer Kairos.
 */
export function migrate(db: Database.Database): void {
  const run = db.transaction(() => {
    // Contract: creates the bookkeeping table once; no effect when it exists.
    db.exec(
      `CREATE TABLE IF NOT EXISTS kairos_migrations (
         version    INTEGER PRIMARY KEY,
         applied_at INTEGER NOT NULL
       )`,
    );
    // Contract: the versions already applied; read under the write lock taken by IMMEDIATE.
    const applied = new Set(
      db
        .prepare<[], { version: number }>("SELECT version FROM kairos_migrations")
        .all()
        .map((row) => row.version),
    );
    const newest = MIGRATIONS.at(-1)?.version ?? 0;
    const unknown = [...applied].filter((v) => v > newest);
    if (unknown.length > 0) {
      throw new StoreError(
        `the database schema has version ${Math.max(...unknown)}, newer than this Kairos knows ` +
          `(${newest}); upgrade Kairos or point it at another database file`,
      );
    }
    // Contract: records one applied version. applied_at is bookkeeping for humans, so it reads
    // SQLite's clock rather than the caller's (the "store never reads a clock" rule is about job
    // time, which this is not).
    const record = db.prepare<[number]>(
      "INSERT INTO kairos_migrations (version, applied_at) VALUES (?, CAST(unixepoch('subsec') * 1000 AS INTEGER))",
    );
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version);
    }
  });
  run.immediate();
}
