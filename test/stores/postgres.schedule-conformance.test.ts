/**
 * Runs the ScheduleStore conformance suite against the PostgreSQL adapter (job and schedule
 * stores on one pool, each test in a fresh schema of the run's real server), plus what only a
 * server with several connections can show: fires (single and batched) of one slot racing from
 * two processes, a job for a slot committed by another transaction while a fire is under way,
 * plans racing on one name, a plan or a batched fire rolled back by a server-side error,
 * schemas that do not see each other, the upgrade from migration 1, and index use.
 */
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { ConflictError, StoreError } from "../../src/core/errors.js";
import { API_ORIGIN } from "../../src/core/jobs/origin.js";
import type { StoredSchedule } from "../../src/ports/schedule-store.js";
import {
  MINUTE,
  T0,
  createSchedule,
  cursorAt,
  declaration,
  fireRequest,
  jobsOfSchedule,
  kinds,
  mustGetSchedule,
  slotJob,
} from "../../src/stores/conformance/schedule-store-fixtures.js";
import { defineScheduleStoreConformance } from "../../src/stores/conformance/schedule-store-suite.js";
import { openPostgresStores, type PostgresStores } from "../../src/stores/postgres/index.js";
import { MIGRATIONS } from "../../src/stores/postgres/migrations/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

describePg("postgres schedule store", () => {
  defineScheduleStoreConformance("postgres", async () => {
    const stores = await openPostgresStores({ url: pgUrl(), schema: freshSchema(), poolSize: 4 });
    return { jobs: stores.jobs, schedules: stores.schedules, close: () => stores.close() };
  });

  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Open the stores of `schema` as another process would: its own pool. */
  async function open(schema: string): Promise<PostgresStores> {
    const stores = await openPostgresStores({ url: pgUrl(), schema, poolSize: 4 });
    cleanups.push(() => stores.close());
    return stores;
  }

  /** A plain client on the server, outside the stores. */
  async function rawClient(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: pgUrl() });
    await client.connect();
    cleanups.push(() => client.end());
    return client;
  }

  it("lets exactly one of two processes' concurrent fires of a slot create its job", async () => {
    const schema = freshSchema();
    const a = await open(schema);
    const b = await open(schema);
    const rounds = 20;
    for (let i = 0; i < rounds; i++) {
      await createSchedule(a.schedules, { name: `s${i}` });
    }
    for (let i = 0; i < rounds; i++) {
      // Both read the same cursor before either fires, then fire at once.
      const [seenByA, seenByB] = await Promise.all([
        mustGetSchedule(a.schedules, `s${i}`),
        mustGetSchedule(b.schedules, `s${i}`),
      ]);
      const outcomes = await Promise.all([
        a.schedules.fireSlot(fireRequest(seenByA)),
        b.schedules.fireSlot(fireRequest(seenByB)),
      ]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(["applied", "stale"]);
      const jobs = await jobsOfSchedule(a.jobs, seenByA.id);
      expect(jobs.map((j) => j.origin.key)).toEqual([String(seenByA.nextSlotAt)]);
      const after = await mustGetSchedule(b.schedules, `s${i}`);
      expect(after).toMatchObject({ runCount: 1, nextSlotAt: T0 + 2 * MINUTE });
      expect(kinds(await b.schedules.history(after.id))).toEqual(["fired"]);
    }
  });

  it("gives duplicate_slot to concurrent fires of a slot whose cursor was put back", async () => {
    const schema = freshSchema();
    const a = await open(schema);
    const b = await open(schema);
    const schedule = await createSchedule(a.schedules, { name: "s" });
    const first = await a.schedules.fireSlot(fireRequest(schedule));
    expect(first.kind).toBe("applied");
    await a.schedules.applyPlan(
      [{ op: "update_schedule", name: "s", fields: {}, cursor: cursorAt(schedule.nextSlotAt) }],
      T0,
    );
    const reset = await mustGetSchedule(a.schedules, "s");
    const outcomes = await Promise.all([
      a.schedules.fireSlot(fireRequest(reset)),
      b.schedules.fireSlot(fireRequest(reset)),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["duplicate_slot", "stale"]);
    expect(await jobsOfSchedule(a.jobs, schedule.id)).toHaveLength(1);
  });

  it("ends as duplicate_slot when a job for the slot is committed while the fire waits on it", async () => {
    const schema = freshSchema();
    const stores = await open(schema);
    const schedule = await createSchedule(stores.schedules, { name: "s" });
    const slot = schedule.nextSlotAt!;

    // Another transaction inserts a job for (schedule, slot) and holds it uncommitted: the
    // fire's look-up cannot see it, and its insert waits on the unique index.
    const other = await rawClient();
    await other.query("BEGIN");
    const { rows } = await other.query<{ id: string }>(
      `INSERT INTO "${schema}".jobs (fn, state, max_attempts, payload, run_at, created_at,
                                     updated_at, origin_kind, origin_id, origin_key)
       VALUES ('report', 'queued', 1, '{}', $1, $1, $1, 'schedule', $2, $3) RETURNING id`,
      [slot, schedule.id, String(slot)],
    );
    let settled = false;
    const firing = stores.schedules.fireSlot(fireRequest(schedule)).finally(() => {
      settled = true;
    });
    await waitForLockWait(other, () => settled);
    await other.query("COMMIT");

    expect(await firing).toEqual({ kind: "duplicate_slot", existingJobId: String(rows[0]!.id) });
    const after = await mustGetSchedule(stores.schedules, "s");
    expect(after).toMatchObject({ nextSlotAt: slot + MINUTE, runCount: 0, lastJobId: null });
    expect((await stores.schedules.history(schedule.id)).map((e) => [e.kind, e.jobId])).toEqual([
      ["fired", String(rows[0]!.id)],
    ]);
    expect(await jobsOfSchedule(stores.jobs, schedule.id)).toHaveLength(1);
  });

  it("fireSlots: a request the server rejects is rolled back alone; the batch goes on", async () => {
    const stores = await open(freshSchema());
    // TEXT cannot hold NUL: d's cursor update fails on the server, after its job and history
    // were inserted in the same savepoint.
    const d = await createSchedule(stores.schedules, { name: "d" });
    const e = await createSchedule(stores.schedules, { name: "e" });
    const outcomes = await stores.schedules.fireSlots!([
      fireRequest(d, { status: "bad\u0000status" }),
      fireRequest(e),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(["failed", "applied"]);
    const failed = outcomes[0]!;
    expect(failed.kind === "failed" && failed.error).toBeInstanceOf(StoreError);
    expect(await mustGetSchedule(stores.schedules, "d")).toEqual(d);
    expect(await stores.schedules.history(d.id)).toEqual([]);
    expect(await jobsOfSchedule(stores.jobs, d.id)).toEqual([]);
    expect(await jobsOfSchedule(stores.jobs, e.id)).toHaveLength(1);
  });

  it("fireSlots from two processes at once: each slot gets exactly one job", async () => {
    const schema = freshSchema();
    const a = await open(schema);
    const b = await open(schema);
    const names = Array.from({ length: 12 }, (_, i) => `s${i}`);
    for (const name of names) await createSchedule(a.schedules, { name });
    const seen = await Promise.all(names.map((name) => mustGetSchedule(a.schedules, name)));
    const [fromA, fromB] = await Promise.all([
      a.schedules.fireSlots!(seen.map((s) => fireRequest(s))),
      b.schedules.fireSlots!(seen.map((s) => fireRequest(s))),
    ]);
    for (let i = 0; i < names.length; i++) {
      expect([fromA[i]!.kind, fromB[i]!.kind].sort()).toEqual(["applied", "stale"]);
      expect(await jobsOfSchedule(a.jobs, seen[i]!.id)).toHaveLength(1);
    }
  });

  it("lets one of two plans racing to create a name win; the other gets ConflictError", async () => {
    const schema = freshSchema();
    const a = await open(schema);
    const b = await open(schema);
    const create = (stores: PostgresStores, fn: string) =>
      stores.schedules.applyPlan(
        [
          {
            op: "create_schedule",
            schedule: declaration({ name: "s", fn }),
            initial: cursorAt(T0),
          },
        ],
        T0,
      );
    const results = await Promise.allSettled([create(a, "from-a"), create(b, "from-b")]);
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed).toHaveLength(1);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(await a.schedules.listSchedules()).toHaveLength(1);
  });

  it("rolls a plan back when the server rejects a change after earlier ones were written", async () => {
    const stores = await open(freshSchema());
    await createSchedule(stores.schedules, { name: "keep" });
    const before = await snapshot(stores);

    // PostgreSQL TEXT cannot hold NUL: the third change fails on the server, not in validation.
    const error = await stores.schedules
      .applyPlan(
        [
          { op: "update_schedule", name: "keep", fields: { jitterMs: 999, enabled: false } },
          { op: "create_schedule", schedule: declaration({ name: "new" }), initial: cursorAt(T0) },
          {
            op: "create_schedule",
            schedule: declaration({ name: "bad\u0000name" }),
            initial: cursorAt(T0),
          },
          {
            op: "upsert_function",
            fn: { name: "f", kind: "http", specJson: "{}", source: "config" },
          },
        ],
        T0 + 1,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(await snapshot(stores)).toEqual(before);

    // The store is usable afterwards (the pooled connection was rolled back, not left aborted).
    await createSchedule(stores.schedules, { name: "after" });
    expect((await stores.schedules.listSchedules()).map((s) => s.name)).toEqual(["after", "keep"]);
  });

  it("keeps schemas apart, including the completion hook", async () => {
    const a = await open(freshSchema());
    const b = await open(freshSchema());
    const inA = await createSchedule(a.schedules, { name: "s" });
    const inB = await createSchedule(b.schedules, { name: "s" });
    expect(inA.id).toBe(inB.id); // both are the first schedule of their schema

    const fired = await a.schedules.fireSlot(fireRequest(inA));
    if (fired.kind !== "applied" || fired.job === null) throw new Error("expected a job");
    expect((await a.jobs.cancel(fired.job.id, T0 + 5 * MINUTE)).kind).toBe("cancelled");

    expect((await mustGetSchedule(a.schedules, "s")).lastStatus).toBe("cancelled");
    expect(kinds(await a.schedules.history(inA.id))).toEqual(["completed", "fired"]);
    expect(await mustGetSchedule(b.schedules, "s")).toEqual(inB);
    expect(await b.schedules.history(inB.id)).toEqual([]);
    expect(await b.jobs.list({})).toEqual([]);
  });

  it("upgrades a schema created at version 1: its jobs are kept, schedules work", async () => {
    const schema = freshSchema();
    const client = await rawClient();
    const s = `"${schema}"`;
    await client.query(`CREATE SCHEMA ${s}`);
    await client.query(
      `CREATE TABLE ${s}.kairos_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                                            applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    await client.query(MIGRATIONS[0]!.sql(s));
    await client.query(`INSERT INTO ${s}.kairos_migrations (version, name) VALUES (1, 'jobs')`);
    await client.query(
      `INSERT INTO ${s}.jobs (fn, state, max_attempts, payload, run_at, created_at, updated_at)
       VALUES ('old', 'queued', 1, '{}', 0, 0, 0)`,
    );

    const stores = await open(schema);
    const [old] = await stores.jobs.list({});
    expect(old).toMatchObject({ fn: "old", state: "queued", origin: API_ORIGIN });
    const schedule = await createSchedule(stores.schedules, { name: "s" });
    const outcome = await stores.schedules.fireSlot(
      fireRequest(schedule, { job: slotJob(schedule, schedule.nextSlotAt!) }),
    );
    expect(outcome.kind).toBe("applied");
    const { rows } = await client.query<{ version: number }>(
      `SELECT version FROM ${s}.kairos_migrations ORDER BY version`,
    );
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it("uses its indexes for the scheduler's per-tick reads", async () => {
    const schema = freshSchema();
    const stores = await open(schema);
    await createSchedule(stores.schedules, { name: "s" });
    const client = await rawClient();
    const s = `"${schema}"`;
    await client.query("SET enable_seqscan = off");
    const plan = async (sql: string): Promise<string> => {
      const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    };
    // The statements' WHERE clauses, as in read-schedules.ts and history.ts.
    expect(
      await plan(
        `SELECT * FROM ${s}.schedules WHERE enabled AND next_due_at IS NOT NULL
           AND next_due_at <= 5 ORDER BY next_due_at, id LIMIT 10`,
      ),
    ).toContain("schedules_due_idx");
    expect(
      await plan(
        `SELECT * FROM ${s}.schedules WHERE enabled AND cardinality(buffered_slots) > 0
           ORDER BY id LIMIT 10`,
      ),
    ).toContain("schedules_buffered_idx");
    expect(
      await plan(
        `SELECT * FROM ${s}.jobs WHERE origin_kind = 'schedule' AND origin_id = '1'
           AND origin_id IS NOT NULL
           AND state IN ('scheduled', 'queued', 'running', 'retrying') ORDER BY id`,
      ),
    ).toContain("jobs_origin_active_idx");
    expect(
      await plan(
        `SELECT id FROM ${s}.jobs
          WHERE origin_kind = 'schedule' AND origin_id = '1' AND origin_key = '60000'`,
      ),
    ).toContain("jobs_origin_key_idx");
    expect(
      await plan(
        `SELECT * FROM ${s}.schedule_history WHERE schedule_id = 1 ORDER BY id DESC LIMIT 5`,
      ),
    ).toContain("schedule_history_schedule_idx");
  });
});

/** Everything a schedule store holds, through the port. */
async function snapshot(stores: PostgresStores): Promise<{
  schedules: StoredSchedule[];
  functions: unknown[];
  history: unknown[];
}> {
  const schedules = await stores.schedules.listSchedules();
  return {
    schedules,
    functions: await stores.schedules.listFunctions(),
    history: await Promise.all(schedules.map((s) => stores.schedules.history(s.id))),
  };
}

/**
 * Wait until some other session waits on a lock held by `holder` (the fire's insert blocked on
 * the unique index entry `holder` inserted: `holder` locks nothing else a session could wait on), or until the fire settled without waiting (then
 * the caller's assertions on its outcome say what happened). Polls; bounded.
 */
async function waitForLockWait(holder: pg.Client, settled: () => boolean): Promise<void> {
  const { rows: pidRows } = await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  const pid = pidRows[0]!.pid;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !settled()) {
    // (pg_stat_activity.query may still show the waiter's previous statement: not used.)
    const { rows } = await holder.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`,
      [pid],
    );
    if (Number(rows[0]!.n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (!settled()) throw new Error("the fire never waited on the uncommitted job");
}
