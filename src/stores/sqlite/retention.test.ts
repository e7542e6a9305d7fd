/**
 * SQLite-specific tests of retention (the behaviour the ports promise is checked by the shared
 * conformance suites): every retention statement is served by an index — never a scan of
 * `jobs` or `schedule_history` — and a stopped job is never deleted.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { NewJob } from "../../ports/job-store.js";
import { openSqliteStores } from "./index.js";
import { RETENTION_SQL } from "./retention.js";
import { HISTORY_RETENTION_SQL } from "./schedules/history-retention.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-retention-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, "kairos.db");
}

const job = (over: Partial<NewJob> = {}): NewJob => ({
  fn: "f",
  payloadJson: "{}",
  priority: 0,
  runAt: 0,
  maxAttempts: 1,
  idempotencyKey: null,
  concurrencyKey: null,
  concurrencyLimit: 1,
  backoff: { type: "fixed" as const, delayMs: 0 },
  timeoutMs: 0,
  maxPending: null,
  ...over,
});

describe("SQLite retention", () => {
  it("serves every retention statement from its index, with statistics or without", async () => {
    const file = tempFile();
    const stores = await openSqliteStores({ path: file });
    await stores.jobs.enqueue(
      Array.from({ length: 200 }, (_, i) => job({ fn: `f${i % 5}` })),
      1,
    );
    await stores.close();
    const db = new Database(file);
    cleanups.push(() => void db.close());
    db.exec(`UPDATE jobs SET state = 'succeeded', finished_at = id WHERE id % 2 = 0`);
    const plan = (sql: string, params: unknown[]): string =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((row) => (row as { detail: string }).detail)
        .join("\n");
    for (const analyzed of [false, true]) {
      if (analyzed) db.exec("ANALYZE");
      const nextFn = plan(RETENTION_SQL.nextFn, ["f1"]);
      expect(nextFn).toMatch(/USING (COVERING )?INDEX jobs_finished_fn_idx \(fn>\?\)/);
      const deleteOfFn = plan(RETENTION_SQL.deleteOfFn, ["f1", 100, 10]);
      expect(deleteOfFn).toMatch(
        /USING (COVERING )?INDEX jobs_finished_fn_idx \(fn=\? AND finished_at<\?\)/,
      );
      expect(deleteOfFn).toMatch(/SEARCH jobs USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      // The cascade to the log lines looks them up by job.
      expect(plan("DELETE FROM job_logs WHERE job_id = ?", [1])).toMatch(
        /USING (COVERING )?INDEX job_logs_job_at_idx \(job_id=\?\)/,
      );
      const candidates = plan(HISTORY_RETENTION_SQL.candidates, [100, 0, 0, 10]);
      expect(candidates).toMatch(/USING (COVERING )?INDEX schedule_history_at_idx \(/);
      expect(plan(HISTORY_RETENTION_SQL.boundary, [1, 3])).toMatch(
        /USING (COVERING )?INDEX schedule_history_schedule_idx \(schedule_id=\?\)/,
      );
      for (const text of [nextFn, deleteOfFn, candidates]) {
        expect(text).not.toMatch(/^SCAN (jobs|schedule_history)$/m);
        expect(text).not.toMatch(/USE TEMP B-TREE/);
      }
    }
  });

  it("never deletes a stopped job, however long ago it stopped", async () => {
    const file = tempFile();
    const stores = await openSqliteStores({ path: file });
    cleanups.push(() => stores.close());
    const [stopped, done] = await stores.jobs.enqueue([job(), job()], 1);
    const db = new Database(file);
    cleanups.push(() => void db.close());
    db.prepare(`UPDATE jobs SET state = 'stopped', finished_at = 5 WHERE id = ?`).run(
      Number(stopped!.job.id),
    );
    db.prepare(`UPDATE jobs SET state = 'succeeded', finished_at = 5 WHERE id = ?`).run(
      Number(done!.job.id),
    );
    expect(await stores.jobs.deleteFinishedJobs({ finishedBefore: 1e15, limit: 100 })).toBe(1);
    expect(
      await stores.jobs.deleteFinishedJobs({ finishedBefore: 1e15, fn: "f", limit: 100 }),
    ).toBe(0);
    expect((await stores.jobs.get(stopped!.job.id))?.state).toBe("stopped");
    expect(await stores.jobs.get(done!.job.id)).toBeNull();
  });
});
