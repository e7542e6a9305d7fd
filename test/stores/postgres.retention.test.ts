/**
 * PostgreSQL-specific tests of retention (the behaviour the ports promise is checked by the
 * shared conformance suites): with real statistics over a table of finished and live jobs,
 * the planner serves every retention statement from its index — no sequential scan of `jobs`
 * or `schedule_history` — and a stopped job is never deleted.
 */
import { expect, it } from "vitest";
import { retentionSql } from "../../src/stores/postgres/retention.js";
import { historyRetentionSql } from "../../src/stores/postgres/schedules/history-retention.js";
import { describePg } from "../helpers/postgres.js";
import { explain, inlineParams as inline, planFixtures } from "../helpers/postgres-plans.js";

const setup = planFixtures();

describePg("postgres retention", () => {
  it("serves every retention statement from its index, with real statistics", async () => {
    const { client, s } = await setup();
    // 40,000 jobs of 20 functions: half finished long ago, a quarter queued, the rest stopped.
    await client.query(
      `INSERT INTO ${s}.jobs (fn, state, max_attempts, payload, run_at, created_at, updated_at,
                              finished_at)
       SELECT 'fn' || (i % 20),
              CASE WHEN i % 2 = 0 THEN 'succeeded' WHEN i % 4 = 1 THEN 'queued' ELSE 'stopped' END,
              1, '{}', i, i, i, CASE WHEN i % 4 = 1 THEN NULL ELSE i END
         FROM generate_series(1, 40000) AS i`,
    );
    await client.query(
      `INSERT INTO ${s}.schedules (name, fn, kind, every_ms, payload, enabled, overlap,
                                   buffer_limit, catchup, catchup_window_ms, jitter_ms, source,
                                   created_at, updated_at)
       SELECT 's' || i, 'fn', 'every', 60000, '{}', true, 'skip', 1, 'skip', 0, 0, 'api', 0, 0
         FROM generate_series(1, 50) AS i`,
    );
    const [first] = (
      await client.query<{ id: number }>(`SELECT min(id)::int AS id FROM ${s}.schedules`)
    ).rows;
    await client.query(
      `INSERT INTO ${s}.schedule_history (schedule_id, at, kind)
       SELECT $1::bigint + i % 50, i, 'fired' FROM generate_series(1, 40000) AS i`,
      [first!.id],
    );
    // Two attempt records per job.
    await client.query(
      `INSERT INTO ${s}.job_attempts (job_id, seq, attempt, worker_id, started_at, finished_at,
                                      outcome, duration_ms)
       SELECT id, n, n, 'w', 0, 1, 'retrying', 1 FROM ${s}.jobs, generate_series(1, 2) AS n`,
    );
    await client.query(`ANALYZE ${s}.jobs`);
    await client.query(`ANALYZE ${s}.job_attempts`);
    await client.query(`ANALYZE ${s}.schedule_history`);
    const plan = (sql: string): Promise<string> => explain(client, sql);
    const sql = retentionSql(s);
    const ofFn = await plan(inline(sql.ofFn, ["'fn2'", "1000", "500"]));
    const anyFn = await plan(inline(sql.anyFn, ["1000", "500", "'{fn3,fn5}'::text[]"]));
    const history = await plan(
      inline(historyRetentionSql(s), ["1000", String(Number.MIN_SAFE_INTEGER), "0", "500", "100"]),
    );
    for (const text of [ofFn, anyFn]) {
      expect(text).toContain("jobs_finished_fn_idx");
      expect(text).not.toMatch(/Seq Scan on jobs/);
      expect(text).toContain("job_attempts_pkey");
      expect(text).not.toMatch(/Seq Scan on job_attempts/);
    }
    expect(history).toContain("schedule_history_at_idx");
    expect(history).toContain("schedule_history_schedule_idx");
    expect(history).not.toMatch(/Seq Scan on schedule_history/);
  });

  it("never deletes a stopped job, however long ago it stopped", async () => {
    const { stores, client, s } = await setup();
    await client.query(
      `INSERT INTO ${s}.jobs (fn, state, max_attempts, payload, run_at, created_at, updated_at,
                              finished_at)
       VALUES ('f', 'stopped', 1, '{}', 0, 0, 0, 5), ('f', 'succeeded', 1, '{}', 0, 0, 0, 5)`,
    );
    expect(await stores.jobs.deleteFinishedJobs({ finishedBefore: 1e15, limit: 100 })).toBe(1);
    expect(
      await stores.jobs.deleteFinishedJobs({ finishedBefore: 1e15, fn: "f", limit: 100 }),
    ).toBe(0);
    expect((await stores.jobs.list({})).map((job) => job.state)).toEqual(["stopped"]);
  });
});
