/**
 * The PostgreSQL reads of `jobs` by state, fn and creation time are served by indexes, never by
 * a sequential scan of the table, now that the listing indexes are partial by state group
 * (migration 17, issue 14 item 2): each listing (every state, fn, fn + state, several states,
 * paging), the maxPending count, live counts, a stats window and retention, planned with real
 * statistics of a seeded table (mostly succeeded jobs, some queued, running, waiting, failed)
 * and with the values a call passes (the listing is sent unnamed; the others name their states
 * as constants). And the listing merged from per-state branches returns the same jobs, in the
 * same order, as one scan of the table would.
 */
import { expect, it } from "vitest";
import { JOB_STATES } from "../../src/core/jobs/states.js";
import type { JobListQuery } from "../../src/ports/job-store.js";
import { countPendingSql } from "../../src/stores/postgres/enqueue.js";
import { jobStatsSql } from "../../src/stores/postgres/job-stats.js";
import { liveCountsSql } from "../../src/stores/postgres/live-counts.js";
import { listJobsSql } from "../../src/stores/postgres/read-jobs.js";
import { retentionSql } from "../../src/stores/postgres/retention.js";
import { describePg } from "../helpers/postgres.js";
import { explain, inlineParams, planFixtures, sqlLiteral } from "../helpers/postgres-plans.js";

const setup = planFixtures();

const ROWS = 50_000;

/** The SQL with its $n parameters replaced by the values as literals. */
function inline(sql: string, values: readonly unknown[]): string {
  return inlineParams(sql, values.map(sqlLiteral));
}

describePg("postgres reads by state group", () => {
  it("lists, counts and windows through indexes, with real statistics", async () => {
    const { client, s } = await setup();
    // 50,000 jobs of 20 fns, one created every second: the newest 3% live (queued, running,
    // scheduled, retrying), the others mostly succeeded, 1.2% failed, a few cancelled,
    // timed out or stopped.
    await client.query(
      `INSERT INTO ${s}.jobs (fn, state, max_attempts, payload, run_at, created_at, updated_at,
                              finished_at, lease_expires_at)
       SELECT 'fn' || (i % 20), st, 3, '{}', i * 1000, i * 1000, i * 1000,
              CASE WHEN st IN ('succeeded', 'failed', 'cancelled', 'timed_out')
                   THEN i * 1000 + 7 END,
              CASE WHEN st = 'running' THEN i * 1000 + 30000 END
         FROM (SELECT i, CASE
                 WHEN i > ${ROWS} - 1500 AND i % 100 < 90 THEN 'queued'
                 WHEN i > ${ROWS} - 1500 AND i % 100 < 92 THEN 'running'
                 WHEN i > ${ROWS} - 1500 AND i % 100 < 96 THEN 'scheduled'
                 WHEN i > ${ROWS} - 1500 THEN 'retrying'
                 WHEN i % 1000 < 12 THEN 'failed'
                 WHEN i % 1000 < 15 THEN 'cancelled'
                 WHEN i % 1000 < 17 THEN 'timed_out'
                 WHEN i % 1000 < 18 THEN 'stopped'
                 ELSE 'succeeded' END AS st
                FROM generate_series(1, ${ROWS}) AS i) AS g`,
    );
    await client.query(`VACUUM ANALYZE ${s}.jobs`);
    const plan = (sql: string): Promise<string> => explain(client, sql);
    const lists: JobListQuery[] = [
      ...JOB_STATES.map((state) => ({ state })),
      ...JOB_STATES.map((state) => ({ fn: "fn7", state })),
      { fn: "fn7" },
      { fn: "fn7", beforeId: String(ROWS / 2) },
      { state: ["failed", "timed_out"] },
      { state: "failed", beforeId: String(ROWS / 2) },
    ];
    const plans = new Map<string, string>();
    for (const query of lists) {
      const statement = listJobsSql(s, query)!;
      plans.set(
        `list ${JSON.stringify(query)}`,
        await plan(inline(statement.text, statement.values)),
      );
    }
    const mid = (ROWS / 2) * 1000;
    plans.set("maxPending", await plan(inline(countPendingSql(s), [["fn7", "fn3"]])));
    plans.set("live counts", await plan(inline(liveCountsSql(s), [ROWS * 1000])));
    plans.set("stats window", await plan(inline(jobStatsSql(s), [mid, mid + 600_000, 60_000])));
    const retention = retentionSql(s);
    plans.set("retention fn", await plan(inline(retention.ofFn, ["fn2", mid, 500])));
    plans.set("retention any", await plan(inline(retention.anyFn, [mid, 500, ["fn3"]])));
    for (const [name, text] of plans) {
      expect(text, `${name}:\n${text}`).not.toMatch(/Seq Scan on jobs/);
    }
    // The listings of a group's states walk that group's index; the stats window's created
    // series reads jobs_created_at_idx; maxPending counts from the pending index.
    expect(plans.get(`list ${JSON.stringify({ fn: "fn7", state: "queued" })}`)).toContain(
      "jobs_pending_fn_state_id_idx",
    );
    expect(plans.get(`list ${JSON.stringify({ state: "failed" })}`)).toContain(
      "jobs_settled_state_id_idx",
    );
    expect(plans.get("maxPending")).toContain("jobs_pending_fn_state_id_idx");
    expect(plans.get("stats window")).toContain("jobs_created_at_idx");
  });

  it("lists the same jobs, newest first, whatever the mix of states and filters", async () => {
    const { stores, client, s } = await setup();
    await client.query(
      `INSERT INTO ${s}.jobs (fn, state, max_attempts, payload, run_at, created_at, updated_at)
       SELECT 'fn' || (i % 3), (ARRAY['scheduled', 'queued', 'running', 'retrying', 'succeeded',
              'failed', 'cancelled', 'timed_out', 'stopped'])[1 + i % 9], 1, '{}', i, i, i
         FROM generate_series(1, 400) AS i`,
    );
    const ids = async (where: string): Promise<string[]> => {
      const { rows } = await client.query<{ id: string }>(
        `SELECT id FROM ${s}.jobs WHERE ${where} ORDER BY id DESC LIMIT 25`,
      );
      return rows.map((r) => String(r.id));
    };
    const listed = async (query: JobListQuery) =>
      (await stores.jobs.list({ limit: 25, ...query })).map((job) => job.id);
    expect(await listed({ fn: "fn1" })).toEqual(await ids("fn = 'fn1'"));
    expect(await listed({ fn: "fn1", beforeId: "200" })).toEqual(
      await ids("fn = 'fn1' AND id < 200"),
    );
    expect(await listed({ state: ["running", "failed", "queued"] })).toEqual(
      await ids("state IN ('running', 'failed', 'queued')"),
    );
    expect(await listed({ fn: "fn2", state: ["stopped", "retrying", "stopped"] })).toEqual(
      await ids("fn = 'fn2' AND state IN ('stopped', 'retrying')"),
    );
    expect(await listed({ state: "running", search: "fn0" })).toEqual(
      await ids("state = 'running' AND fn = 'fn0'"),
    );
    expect(await listed({ state: [] })).toEqual([]);
    expect(await listed({ state: "nonsense" as never })).toEqual([]);
  });
});
