/**
 * Upgrading a PostgreSQL schema from migration 16 to 17: the full listing indexes
 * (`jobs_fn_state_id_idx`, `jobs_state_id_idx`) give way to the partial indexes by state
 * group, `jobs_created_at_idx` stays, and the jobs already stored are listed, counted and
 * windowed as before.
 */
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { openPostgresStores } from "../../src/stores/postgres/index.js";
import { MIGRATIONS } from "../../src/stores/postgres/migrations/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

describePg("postgres migration 17 (indexes by state group)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("replaces the listing indexes and keeps every stored job listed", async () => {
    const schema = freshSchema();
    const s = `"${schema}"`;
    const client = new pg.Client({ connectionString: pgUrl() });
    await client.connect();
    cleanups.push(() => client.end());
    await client.query(`CREATE SCHEMA ${s}`);
    await client.query(
      `CREATE TABLE ${s}.kairos_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                                            applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    for (const migration of MIGRATIONS.filter((m) => m.version <= 16)) {
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.kairos_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    // One job per state and fn, created 1..18 s.
    await client.query(
      `INSERT INTO ${s}.jobs (fn, state, max_attempts, payload, run_at, created_at, updated_at,
                              finished_at)
       SELECT f, st, 1, '{}', 0, n * 1000, n * 1000,
              CASE WHEN st IN ('succeeded', 'failed', 'cancelled', 'timed_out') THEN n * 1000 END
         FROM (SELECT f, st, row_number() OVER () AS n
                 FROM unnest(ARRAY['a', 'b']) AS f,
                      unnest(ARRAY['scheduled', 'queued', 'running', 'retrying', 'succeeded',
                                   'failed', 'cancelled', 'timed_out', 'stopped']) AS st) AS g`,
    );
    const indexes = async (): Promise<string[]> => {
      const { rows } = await client.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'jobs'`,
        [schema],
      );
      return rows.map((r) => r.indexname);
    };
    expect(await indexes()).toEqual(
      expect.arrayContaining(["jobs_fn_state_id_idx", "jobs_state_id_idx", "jobs_created_at_idx"]),
    );

    const stores = await openPostgresStores({ url: pgUrl(), schema });
    cleanups.push(() => stores.close());
    const after = await indexes();
    for (const gone of ["jobs_fn_state_id_idx", "jobs_state_id_idx"]) {
      expect(after).not.toContain(gone);
    }
    expect(after).toEqual(
      expect.arrayContaining([
        "jobs_pending_fn_state_id_idx",
        "jobs_pending_state_id_idx",
        "jobs_settled_fn_state_id_idx",
        "jobs_settled_state_id_idx",
        "jobs_created_at_idx",
      ]),
    );
    const { rows } = await client.query<{ version: number }>(
      `SELECT max(version) AS version FROM ${s}.kairos_migrations`,
    );
    expect(rows[0]?.version).toBe(17);

    const all = await stores.jobs.list({ limit: 100 });
    expect(all).toHaveLength(18);
    expect((await stores.jobs.list({ fn: "b" })).map((j) => j.id)).toEqual(
      all.filter((j) => j.fn === "b").map((j) => j.id),
    );
    for (const state of ["queued", "running", "failed", "stopped"] as const) {
      expect((await stores.jobs.list({ state })).map((j) => j.id)).toEqual(
        all.filter((j) => j.state === state).map((j) => j.id),
      );
    }
    const counts = await stores.jobs.liveCounts(0);
    expect(counts.jobs).toHaveLength(8);
    expect(counts.jobs.every((row) => row.count === 1)).toBe(true);
    const stats = await stores.jobs.jobStats({ since: 0, until: 100_000, bucketMs: 100_000 });
    expect(stats.enqueued).toEqual([{ bucket: 0, count: 18 }]);
    expect(stats.finished.reduce((n, r) => n + r.count, 0)).toBe(8);
  });
});
