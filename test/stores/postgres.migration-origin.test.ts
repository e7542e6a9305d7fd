/**
 * Upgrading a PostgreSQL schema from migration 4 to 5: jobs linked to schedule slots (and a job
 * triggered by hand) get their schedule origin, api jobs the api origin; the slot stays unique
 * and the schedule's completion is still recorded — now by the schedule store's hook stages.
 */
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { StoreError } from "../../src/core/errors.js";
import { API_ORIGIN } from "../../src/core/jobs/origin.js";
import {
  MINUTE,
  T0,
  cursorAt,
  fireRequest,
  mustGetSchedule,
  slotJob,
} from "../../src/stores/conformance/schedule-store-fixtures.js";
import { openPostgresStores } from "../../src/stores/postgres/index.js";
import { MIGRATIONS } from "../../src/stores/postgres/migrations/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

describePg("postgres migration 5 (job origin)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function rawClient(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: pgUrl() });
    await client.connect();
    cleanups.push(() => client.end());
    return client;
  }

  it("migrates schedule links to origins, keeping slots unique and completions recorded", async () => {
    const schema = freshSchema();
    const s = `"${schema}"`;
    const client = await rawClient();
    await client.query(`CREATE SCHEMA ${s}`);
    await client.query(
      `CREATE TABLE ${s}.kairos_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                                            applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    for (const migration of MIGRATIONS.filter((m) => m.version <= 4)) {
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.kairos_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    await client.query(
      `INSERT INTO ${s}.schedules (name, fn, kind, every_ms, payload, enabled, overlap,
                                   buffer_limit, catchup, catchup_window_ms, jitter_ms, source,
                                   created_at, updated_at, next_slot_at, next_due_at,
                                   last_job_id, run_count)
       VALUES ('s', 'report', 'every', $1, '{}', true, 'allow_all', 0, 'skip', 0, 0, 'config',
               $2, $2, $3, $3, 2, 2)`,
      [MINUTE, T0, T0 + 2 * MINUTE],
    );
    const insert = (state: string, scheduleId: number | null, slotAt: number | null) =>
      client.query(
        `INSERT INTO ${s}.jobs (fn, state, max_attempts, payload, run_at, created_at,
                                updated_at, schedule_id, slot_at)
         VALUES ('report', $1, 1, '{}', $2, $2, $2, $3, $4)`,
        [state, T0, scheduleId, slotAt],
      );
    await insert("succeeded", 1, T0); // job 1: slot T0, finished
    await insert("queued", 1, T0 + MINUTE); // job 2: slot T0 + 1 min
    await insert("queued", 1, null); // job 3: triggered by hand
    await insert("queued", null, null); // job 4: enqueued

    const stores = await openPostgresStores({ url: pgUrl(), schema, poolSize: 2 });
    cleanups.push(() => stores.close());
    const origins = (await stores.jobs.list({})).reverse().map((j) => [j.id, j.origin]);
    expect(origins).toEqual([
      ["1", { kind: "schedule", id: "1", key: String(T0) }],
      ["2", { kind: "schedule", id: "1", key: String(T0 + MINUTE) }],
      ["3", { kind: "schedule", id: "1", key: null }],
      ["4", API_ORIGIN],
    ]);
    expect((await stores.schedules.activeJobs("1")).map((j) => j.id)).toEqual(["2", "3"]);

    // A slot that has a job stays taken: through the job store (unique index) and fireSlot.
    const schedule = await mustGetSchedule(stores.schedules, "s");
    await expect(
      stores.jobs.enqueue([slotJob(schedule, T0 + MINUTE)], T0 + 3 * MINUTE),
    ).rejects.toBeInstanceOf(StoreError);
    await stores.schedules.applyPlan(
      [{ op: "update_schedule", name: "s", fields: {}, cursor: cursorAt(T0) }],
      T0 + 3 * MINUTE,
    );
    const again = await stores.schedules.fireSlot(
      fireRequest(await mustGetSchedule(stores.schedules, "s"), { now: T0 + 3 * MINUTE }),
    );
    expect(again).toEqual({ kind: "duplicate_slot", existingJobId: "1" });

    // The migrated last job finishing is recorded on its schedule, by the hook.
    expect((await stores.jobs.cancel("2", T0 + 4 * MINUTE)).kind).toBe("cancelled");
    expect((await mustGetSchedule(stores.schedules, "s")).lastStatus).toBe("cancelled");
    expect((await stores.schedules.history(schedule.id))[0]).toMatchObject({
      kind: "completed",
      reason: "cancelled",
      jobId: "2",
      slotAt: T0 + MINUTE,
      at: T0 + 4 * MINUTE,
    });

    // The old columns, trigger and function are gone.
    const { rows: columns } = await client.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = 'jobs'`,
      [schema],
    );
    expect(columns.map((c) => c.column_name)).not.toContain("schedule_id");
    expect(columns.map((c) => c.column_name)).not.toContain("slot_at");
    const { rows: triggers } = await client.query(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal`,
      [`${s}.jobs`],
    );
    expect(triggers).toEqual([]);
  });
});
