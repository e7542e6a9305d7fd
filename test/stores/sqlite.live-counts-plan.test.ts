/**
 * The live-count reads of the SQLite store (metrics) are index-driven: each live state is a
 * range of a state-leading index, never a scan of the jobs or runs table, so a scrape costs
 * in proportion to the live rows, not the finished ones.
 */
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { migrate } from "../../src/stores/sqlite/migrate.js";
import {
  LIVE_JOBS_SQL,
  LIVE_QUEUES_SQL,
  LIVE_RUNS_SQL,
} from "../../src/stores/sqlite/live-counts.js";

function plan(db: Database.Database, sql: string): string[] {
  return db
    .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...(sql.includes("?") ? [0] : []))
    .map((row) => row.detail);
}

it("reads live counts through state-leading indexes, never scanning a whole table", () => {
  const db = new Database(":memory:");
  migrate(db);
  const jobs = plan(db, LIVE_JOBS_SQL);
  expect(jobs.filter((d) => /jobs_pending_state_fn_idx \(state=\?\)/.test(d))).toHaveLength(3);
  expect(jobs).toContain("SCAN jobs USING INDEX jobs_running_lease_idx");
  const queues = plan(db, LIVE_QUEUES_SQL);
  expect(queues.filter((d) => /jobs_pending_state_fn_idx \(state=\?\)/.test(d))).toHaveLength(2);
  const runs = plan(db, LIVE_RUNS_SQL);
  expect(runs.filter((d) => /USING INDEX workflow_runs_\w+ \(state=\?\)/.test(d))).toHaveLength(2);
  for (const detail of [...jobs, ...queues, ...runs]) {
    expect(detail).not.toMatch(/^SCAN (jobs|workflow_runs)$/);
  }
  db.close();
});
