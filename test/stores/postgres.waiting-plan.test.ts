/**
 * The PostgreSQL claim's promote step and `nextRunAt` read the waiting (scheduled, retrying)
 * jobs of the requested functions only, with real statistics over a table where another
 * function's due waiting jobs are the many (issue 14 item 4): `nextRunAt` takes the first entry
 * of each fn's range of `jobs_waiting_fn_run_at_idx` (fn, run_at) instead of leaving the planner
 * a choice between walking every function's waiting jobs in run_at order and sorting. Same
 * index as the SQLite store (sqlite.waiting-plan.test.ts).
 */
import { expect, it } from "vitest";
import { promoteSql } from "../../src/stores/postgres/claim.js";
import { nextRunAtSql } from "../../src/stores/postgres/read-jobs.js";
import { describePg } from "../helpers/postgres.js";
import { explain, inlineParams as inline, planFixtures } from "../helpers/postgres-plans.js";

const setup = planFixtures();

describePg("postgres waiting jobs by function", () => {
  it("promotes and finds the next runAt through the fns' own ranges, with real statistics", async () => {
    const { stores, client, s } = await setup();
    // 40,000 due scheduled jobs of "other" (its workers down), 20 of "a" and "b".
    await client.query(
      `INSERT INTO ${s}.jobs (fn, state, max_attempts, payload, run_at, created_at, updated_at)
       SELECT CASE WHEN i <= 20 THEN 'a' WHEN i <= 40 THEN 'b' ELSE 'other' END,
              'scheduled', 1, '{}', i, i, i
         FROM generate_series(1, 40040) AS i`,
    );
    await client.query(`ANALYZE ${s}.jobs`);
    const plan = (sql: string): Promise<string> => explain(client, sql);
    const fns = "'{a,b}'::text[]";
    const promote = await plan(inline(promoteSql(s), ["1000000", fns]));
    const next = await plan(inline(nextRunAtSql(s), [fns]));
    // Promote: a range of the fns' own rows, through this index or a pending-group index (the
    // planner picks either); never the run_at order of every function's waiting jobs.
    expect(promote).toMatch(/Index Scan using jobs_(waiting_fn_run_at|pending_fn_state_id)_idx/);
    // nextRunAt: the first entry of each fn's range.
    expect(next).toMatch(/Index Only Scan using jobs_waiting_fn_run_at_idx/);
    for (const text of [promote, next]) expect(text).not.toMatch(/Seq Scan on jobs/);
    expect(await stores.jobs.nextRunAt(["b", "a"])).toBe(1);
    expect(await stores.jobs.nextRunAt(["b"])).toBe(21);
    expect(await stores.jobs.nextRunAt(["nobody"])).toBeNull();
  });
});
