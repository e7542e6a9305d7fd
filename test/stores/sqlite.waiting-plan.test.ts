/**
 * The claim's promote step and the waker's `nextRunAt` read the waiting (scheduled, retrying)
 * jobs of the requested functions only: one range of `jobs_waiting_fn_run_at_idx` per function,
 * so due jobs of functions this worker does not run (their workers down) are never walked.
 * With the former `(run_at, fn)` index both walked every due waiting job of every function
 * (issue 14 item 4: 1,000,000 of them cost each claim 122 ms).
 */
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { PROMOTE_SQL } from "../../src/stores/sqlite/claim.js";
import { migrate } from "../../src/stores/sqlite/migrate.js";
import { NEXT_RUN_AT_SQL } from "../../src/stores/sqlite/read-jobs.js";

function plan(db: Database.Database, sql: string, args: unknown[]): string[] {
  return db
    .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...args)
    .map((row) => row.detail);
}

it("promotes and finds the next runAt through one (fn, run_at) range per function", () => {
  const db = new Database(":memory:");
  migrate(db);
  const promote = plan(db, PROMOTE_SQL, [0, 0, '["a","b"]']);
  expect(promote.join("\n")).toMatch(
    /SEARCH jobs USING INDEX jobs_waiting_fn_run_at_idx \(fn=\? AND run_at<\?\)/,
  );
  const next = plan(db, NEXT_RUN_AT_SQL, ['["a","b"]']);
  expect(next.join("\n")).toMatch(
    /SEARCH jobs USING (COVERING )?INDEX jobs_waiting_fn_run_at_idx \(fn=\?\)/,
  );
  for (const detail of [...promote, ...next]) expect(detail).not.toMatch(/^SCAN jobs/);
  db.close();
});
