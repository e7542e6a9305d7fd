/**
 * SQLite-specific tests of the SQLite ScheduleStore: two connections on one file, upgrading a
 * database created before schedules existed, the unique (schedule, slot) index seen from the
 * job store, and the shared connection's lifecycle. The behaviour the port promises is checked
 * by the shared suite in src/stores/conformance.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ShuttingDownError, StoreError } from "../../../core/errors.js";
import { API_ORIGIN, scheduleTriggerOrigin } from "../../../core/jobs/origin.js";
import type { NewJob } from "../../../ports/job-store.js";
import {
  T0,
  createSchedule,
  cursorAt,
  fireRequest,
  mustGetSchedule,
  slotJob,
} from "../../conformance/schedule-store-fixtures.js";
import { openSqliteStores, type SqliteStores } from "../index.js";
import { MIGRATIONS } from "../migrations/index.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDbPath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-schedules-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, "kairos.db");
}

async function open(dbPath: string): Promise<SqliteStores> {
  const stores = await openSqliteStores({ path: dbPath });
  cleanups.push(() => stores.close());
  return stores;
}

describe("SQLite schedule store on a file", () => {
  it("lets one of two processes' fires of the same slot win; the other is stale or a duplicate", async () => {
    const dbPath = tempDbPath();
    const a = await open(dbPath);
    const b = await open(dbPath);
    await createSchedule(a.schedules, { name: "s" });
    // Both connections read the same schedule (same cursor) before either fires.
    const seenByA = await mustGetSchedule(a.schedules, "s");
    const seenByB = await mustGetSchedule(b.schedules, "s");

    expect((await a.schedules.fireSlot(fireRequest(seenByA))).kind).toBe("applied");
    expect(await b.schedules.fireSlot(fireRequest(seenByB))).toEqual({ kind: "stale" });

    // Even with the cursor put back, B cannot create a second job for the slot.
    await b.schedules.applyPlan(
      [{ op: "update_schedule", name: "s", fields: {}, cursor: cursorAt(seenByB.nextSlotAt) }],
      T0,
    );
    const outcome = await b.schedules.fireSlot(
      fireRequest(await mustGetSchedule(b.schedules, "s")),
    );
    expect(outcome.kind).toBe("duplicate_slot");
    const jobs = await a.jobs.list({});
    expect(jobs.map((j) => j.origin)).toEqual([
      { kind: "schedule", id: seenByA.id, key: String(seenByA.nextSlotAt) },
    ]);
  });

  it("upgrades a database created before schedules: jobs are kept, without a schedule", async () => {
    const dbPath = tempDbPath();
    const raw = new Database(dbPath);
    raw.exec(
      "CREATE TABLE kairos_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    );
    raw.exec(MIGRATIONS[0]!.sql);
    raw.prepare("INSERT INTO kairos_migrations (version, applied_at) VALUES (1, 0)").run();
    raw
      .prepare(
        `INSERT INTO jobs (fn, state, max_attempts, payload, run_at, created_at, updated_at)
         VALUES ('old', 'queued', 1, '{}', 0, 0, 0)`,
      )
      .run();
    raw.close();

    const stores = await open(dbPath);
    const [old] = await stores.jobs.list({});
    expect(old).toMatchObject({ fn: "old", state: "queued", origin: API_ORIGIN });
    const schedule = await createSchedule(stores.schedules, { name: "s" });
    expect((await stores.schedules.fireSlot(fireRequest(schedule))).kind).toBe("applied");
  });
});

describe("SQLite schedule store in memory", () => {
  it("refuses a second job for a schedule slot's origin enqueued through the job store", async () => {
    const stores = await open(":memory:");
    const schedule = await createSchedule(stores.schedules, { name: "s" });
    const job: NewJob = slotJob(schedule, T0);
    await stores.jobs.enqueue([job], T0);
    const error = await stores.jobs
      .enqueue([{ ...job, fn: "other" }, job], T0)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(((error as Error).cause as { code?: string }).code).toBe("SQLITE_CONSTRAINT_UNIQUE");
    expect(await stores.jobs.list({})).toHaveLength(1);
    // Jobs without a schedule, or with a schedule but no slot, are not constrained.
    await stores.jobs.enqueue(
      [
        { ...job, origin: API_ORIGIN },
        { ...job, origin: API_ORIGIN },
      ],
      T0,
    );
    await stores.jobs.enqueue(
      [
        { ...job, origin: scheduleTriggerOrigin(schedule.id) },
        { ...job, origin: scheduleTriggerOrigin(schedule.id) },
      ],
      T0,
    );
    expect(await stores.jobs.list({})).toHaveLength(5);
  });

  it("records a change of enabled made by a plan as paused/resumed (reason reconcile)", async () => {
    const stores = await open(":memory:");
    const schedule = await createSchedule(stores.schedules, { name: "s" });
    await stores.schedules.applyPlan(
      [
        {
          op: "update_schedule",
          name: "s",
          fields: { enabled: false, pauseNote: "off in config" },
        },
      ],
      T0 + 1,
    );
    await stores.schedules.applyPlan(
      [{ op: "update_schedule", name: "s", fields: { jitterMs: 5 } }],
      T0 + 2,
    );
    await stores.schedules.applyPlan(
      [{ op: "update_schedule", name: "s", fields: { enabled: true } }],
      T0 + 3,
    );
    expect(
      (await stores.schedules.history(schedule.id)).map((e) => [e.kind, e.reason, e.message, e.at]),
    ).toEqual([
      ["resumed", "reconcile", null, T0 + 3],
      ["paused", "reconcile", "off in config", T0 + 1],
    ]);
  });

  it("closes both stores when the job store alone is closed", async () => {
    const stores = await openSqliteStores({ path: ":memory:" });
    await stores.jobs.close();
    await expect(stores.schedules.listSchedules()).rejects.toBeInstanceOf(ShuttingDownError);
    await expect(stores.jobs.list({})).rejects.toBeInstanceOf(ShuttingDownError);
    await stores.close();
    await stores.close();
  });

  it("finishes a job whose schedule origin names no schedule id, recording nothing", async () => {
    const stores = await open(":memory:");
    const schedule = await createSchedule(stores.schedules);
    const [outcome] = await stores.jobs.enqueue([slotJob({ ...schedule, id: "x1" }, T0)], T0);
    expect((await stores.jobs.cancel(outcome!.job.id, T0 + 1)).kind).toBe("cancelled");
    expect(await stores.schedules.history(schedule.id)).toEqual([]);
  });
});
