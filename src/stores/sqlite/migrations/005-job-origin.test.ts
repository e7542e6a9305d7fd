/**
 * Upgrading a SQLite database from migration 4 to 5: jobs linked to schedule slots (and a job
 * triggered by hand) get their schedule origin, api jobs the api origin; the slot stays unique
 * and the schedule's completion is still recorded — now by the schedule store's hook.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, it } from "vitest";
import { StoreError } from "../../../core/errors.js";
import { API_ORIGIN } from "../../../core/jobs/origin.js";
import {
  MINUTE,
  T0,
  cursorAt,
  fireRequest,
  mustGetSchedule,
  slotJob,
} from "../../conformance/schedule-store-fixtures.js";
import { openSqliteStores } from "../open-stores.js";
import { MIGRATIONS } from "./index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A database file at migration 4 with one schedule (id 1) and four jobs; returns its path. */
function databaseAtVersion4(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-m5-"));
  dirs.push(dir);
  const file = path.join(dir, "kairos.db");
  const raw = new Database(file);
  raw.exec(
    "CREATE TABLE kairos_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
  );
  for (const migration of MIGRATIONS.filter((m) => m.version <= 4)) {
    raw.exec(migration.sql);
    raw.prepare("INSERT INTO kairos_migrations VALUES (?, 0)").run(migration.version);
  }
  raw
    .prepare(
      `INSERT INTO schedules (name, fn, kind, every_ms, payload, enabled, overlap, buffer_limit,
                              catchup, catchup_window_ms, jitter_ms, source, created_at,
                              updated_at, next_slot_at, next_due_at, last_job_id, run_count)
       VALUES ('s', 'report', 'every', ${MINUTE}, '{}', 1, 'allow_all', 0, 'skip', 0, 0,
               'config', ${T0}, ${T0}, ${T0 + 2 * MINUTE}, ${T0 + 2 * MINUTE}, 2, 2)`,
    )
    .run();
  const job = raw.prepare(
    `INSERT INTO jobs (fn, state, max_attempts, payload, run_at, created_at, updated_at,
                       finished_at, schedule_id, slot_at)
     VALUES ('report', ?, 1, '{}', ?, ?, ?, ?, ?, ?)`,
  );
  job.run("succeeded", T0, T0, T0, T0 + 1, 1, T0); // job 1: slot T0, finished
  job.run("queued", T0 + MINUTE, T0, T0, null, 1, T0 + MINUTE); // job 2: slot T0 + 1 min
  job.run("queued", T0, T0, T0, null, 1, null); // job 3: triggered by hand
  job.run("queued", T0, T0, T0, null, null, null); // job 4: enqueued
  raw.close();
  return file;
}

it("migrates schedule links to origins, keeping slots unique and completions recorded", async () => {
  const file = databaseAtVersion4();
  const stores = await openSqliteStores({ path: file });
  try {
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
  } finally {
    await stores.close();
  }

  // The old columns, indexes and trigger are gone.
  const raw = new Database(file, { readonly: true });
  try {
    const names = raw
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE tbl_name = 'jobs'")
      .all()
      .map((r) => r.name);
    expect(names).not.toContain("jobs_schedule_completed_trg");
    expect(names).not.toContain("jobs_schedule_slot_idx");
    expect(names).toContain("jobs_origin_key_idx");
    const columns = raw
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('jobs')")
      .all()
      .map((r) => r.name);
    expect(columns).not.toContain("schedule_id");
    expect(columns).not.toContain("slot_at");
  } finally {
    raw.close();
  }
});
