/**
 * SQLite-specific tests of the SQLite JobStore: file handling, pragmas, migrations, several
 * connections and processes on one file, error wrapping, and the per-key claim. The behaviour
 * the port promises is checked by the shared suite in src/stores/conformance.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ShuttingDownError, StoreError } from "../../core/errors.js";
import { JOB_STATES, type JobState } from "../../core/jobs/states.js";
import type { JobStore, NewJob, StoredJob } from "../../ports/job-store.js";
import { openSqliteJobStore, parseSqliteUrl } from "./index.js";
import { JOB_COLUMNS, type JobRow, type JobTuple, rowToJob, tupleToJob } from "./job-row.js";
import { MIGRATIONS } from "./migrations/index.js";
import { listSql } from "./read-jobs.js";

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

const job = (over: Partial<NewJob> = {}): NewJob => ({
  fn: "f",
  payloadJson: "{}",
  priority: 0,
  runAt: 0,
  maxAttempts: 1,
  idempotencyKey: null,
  concurrencyKey: null,
  concurrencyLimit: 1,
  backoff: { type: "fixed", delayMs: 0 },
  timeoutMs: 0,
  maxPending: null,
  ...over,
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-sqlite-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function open(dbPath: string, busyTimeoutMs?: number): Promise<JobStore> {
  const store = await openSqliteJobStore(
    busyTimeoutMs === undefined ? { path: dbPath } : { path: dbPath, busyTimeoutMs },
  );
  cleanups.push(() => store.close());
  return store;
}

function raw(dbPath: string): Database.Database {
  const db = new Database(dbPath);
  cleanups.push(() => void db.close());
  return db;
}

describe("parseSqliteUrl", () => {
  it("maps sqlite URLs to paths and rejects everything else", () => {
    expect(parseSqliteUrl("sqlite::memory:")).toBe(":memory:");
    expect(parseSqliteUrl("sqlite:.kairos/kairos.db")).toBe(".kairos/kairos.db");
    expect(parseSqliteUrl("sqlite:/var/lib/kairos.db")).toBe("/var/lib/kairos.db");
    expect(parseSqliteUrl("sqlite:")).toBeNull();
    expect(parseSqliteUrl("postgres://localhost/kairos")).toBeNull();
    expect(parseSqliteUrl("kairos.db")).toBeNull();
  });
});

describe("SQLite job store on a file", () => {
  it("creates missing directories when asked (createDirectory) and runs in WAL mode", async () => {
    const dbPath = path.join(tempDir(), "nested", "deeper", "kairos.db");
    const store = await openSqliteJobStore({ path: dbPath, createDirectory: true });
    cleanups.push(() => store.close());
    await store.enqueue([job()], 1);
    expect(fs.existsSync(dbPath)).toBe(true);
    expect(raw(dbPath).pragma("journal_mode", { simple: true })).toBe("wal");
  });

  it("shares state between two stores on one file, and changeToken sees the other's commits", async () => {
    const dbPath = path.join(tempDir(), "kairos.db");
    const a = await open(dbPath);
    const b = await open(dbPath);

    const before = await b.changeToken();
    expect(before).not.toBeNull();
    const [outcome] = await a.enqueue([job({ payloadJson: '{"from":"a"}' })], 1);
    const after = await b.changeToken();
    expect(after).not.toBe(before);
    expect((await b.get(outcome!.job.id))?.payloadJson).toBe('{"from":"a"}');

    // b's own commit does not move b's token; it moves a's.
    const aBefore = await a.changeToken();
    const claimed = await b.claim({ workerId: "w", fns: ["f"], limit: 1, now: 2, leaseMs: 1000 });
    expect(claimed.map((j) => j.id)).toEqual([outcome!.job.id]);
    expect(await b.changeToken()).toBe(after);
    expect(await a.changeToken()).not.toBe(aBefore);
    expect((await a.get(outcome!.job.id))?.state).toBe("running");
  });

  it("runs migrations once: migrating again and reopening change nothing", async () => {
    const dbPath = path.join(tempDir(), "kairos.db");
    const store = await open(dbPath);
    const [outcome] = await store.enqueue([job()], 1);
    await store.migrate();
    await store.migrate();
    await store.close();

    const reopened = await open(dbPath);
    await reopened.migrate();
    expect((await reopened.get(outcome!.job.id))?.state).toBe("queued");
    const versions = raw(dbPath)
      .prepare<[], { version: number }>("SELECT version FROM kairos_migrations ORDER BY version")
      .all()
      .map((r) => r.version);
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it("migrates safely when several processes open the same new file at once", async () => {
    const dbPath = path.join(tempDir(), "kairos.db");
    const fixture = path.join(here, "test-fixtures", "open-and-enqueue.ts");
    const startAt = Date.now() + 1500;
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () =>
        run(process.execPath, ["--import", "tsx", fixture, dbPath, String(startAt)], {
          timeout: 20_000,
        }),
      ),
    );
    const ids = outputs.map((o) => o.stdout.trim()).sort();
    expect(ids).toEqual(["1", "2", "3", "4"]);
    const db = raw(dbPath);
    expect(db.prepare("SELECT COUNT(*) AS n FROM kairos_migrations").get()).toEqual({
      n: MIGRATIONS.length,
    });
    expect(db.prepare("SELECT COUNT(*) AS n FROM jobs").get()).toEqual({ n: 4 });
  });

  it("refuses a file migrated by a newer Kairos", async () => {
    const dbPath = path.join(tempDir(), "kairos.db");
    await (await open(dbPath)).close();
    raw(dbPath)
      .prepare("INSERT INTO kairos_migrations (version, applied_at) VALUES (999, 0)")
      .run();
    const error = await openSqliteJobStore({ path: dbPath }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/version 999, newer than this Kairos knows/);
  });

  it("wraps SQLITE_BUSY after busyTimeoutMs in StoreError and writes nothing", async () => {
    const dbPath = path.join(tempDir(), "kairos.db");
    const store = await open(dbPath, 50);
    const locker = raw(dbPath);
    locker.exec("BEGIN IMMEDIATE");
    const error = await store.enqueue([job()], 1).catch((e: unknown) => e);
    locker.exec("ROLLBACK");
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("STORE");
    expect((error as Error).message).toMatch(/enqueue failed \(SQLITE_BUSY/);
    expect(((error as Error).cause as { code?: string }).code).toBe("SQLITE_BUSY");
    expect(await store.list({})).toEqual([]);
  });

  it("keeps a stable schema (update the snapshot only together with a new migration)", async () => {
    const dbPath = path.join(tempDir(), "kairos.db");
    await (await open(dbPath)).close();
    const schema = raw(dbPath)
      .prepare<[], { type: string; name: string; sql: string | null }>(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
      )
      .all();
    expect(schema).toMatchSnapshot();
  });
});

describe("SQLite job store in memory", () => {
  it("exposes ids as decimal strings and refuses calls after close", async () => {
    const store = await openSqliteJobStore({ path: ":memory:" });
    const [a, b] = await store.enqueue([job(), job()], 1);
    expect([a!.job.id, b!.job.id]).toEqual(["1", "2"]);
    await store.close();
    await store.close();
    await expect(store.get("1")).rejects.toBeInstanceOf(ShuttingDownError);
    await expect(store.enqueue([job()], 1)).rejects.toBeInstanceOf(ShuttingDownError);
  });

  it("claims another key's job when the first key is full, however many jobs it has queued", async () => {
    const store = await open(":memory:");
    const claim = (limit: number, now: number) =>
      store.claim({ workerId: "w", fns: ["f"], limit, now, leaseMs: 60_000 });
    await store.enqueue([job({ concurrencyKey: "a" })], 1);
    expect(await claim(1, 2)).toHaveLength(1);

    await store.enqueue(
      Array.from({ length: 500 }, () => job({ concurrencyKey: "a" })),
      3,
    );
    const [bJob] = await store.enqueue([job({ concurrencyKey: "b" })], 4);
    const claimed = await claim(1, 5);
    expect(claimed.map((j) => j.id)).toEqual([bJob!.job.id]);
    expect(await claim(10, 6)).toEqual([]);
  });

  it("counts jobs claimed in one batch against their key", async () => {
    const store = await open(":memory:");
    await store.enqueue(
      [
        ...Array.from({ length: 4 }, () => job({ concurrencyKey: "a", concurrencyLimit: 2 })),
        job({ concurrencyKey: "b", concurrencyLimit: 1 }),
        job({ concurrencyKey: "b", concurrencyLimit: 1 }),
        job(),
      ],
      1,
    );
    const claimed = await store.claim({ workerId: "w", fns: ["f"], limit: 10, now: 2, leaseMs: 1 });
    expect(claimed.map((j) => j.concurrencyKey)).toEqual(["a", "a", "b", null]);
  });

  it("holds each job to its own limit when jobs sharing a key differ in limit", async () => {
    const store = await open(":memory:");
    await store.enqueue([job({ concurrencyKey: "k", concurrencyLimit: 3 })], 1);
    await store.claim({ workerId: "w", fns: ["f"], limit: 1, now: 2, leaseMs: 1000 });
    await store.enqueue(
      [
        job({ concurrencyKey: "k", concurrencyLimit: 1, priority: 2 }),
        job({ concurrencyKey: "k", concurrencyLimit: 3, priority: 1 }),
      ],
      3,
    );
    const claimed = await store.claim({ workerId: "w", fns: ["f"], limit: 5, now: 4, leaseMs: 1 });
    expect(claimed.map((j) => j.concurrencyLimit)).toEqual([3]);
  });
});

describe("SQLite job rows", () => {
  it("maps a row the same way as an object and as a raw array of JOB_COLUMNS", async () => {
    const dbPath = path.join(tempDir(), "kairos.db");
    const store = await open(dbPath);
    await store.enqueue(
      [
        job({ idempotencyKey: "k", concurrencyKey: "c", priority: 3 }),
        job({ runAt: 1e9 }),
        job(),
        job(),
      ],
      1,
    );
    const [a, b] = await store.claim({ workerId: "w", fns: ["f"], limit: 2, now: 2, leaseMs: 9 });
    await store.setProgress(a!.id, a!.leaseToken, 50, "half", 3);
    await store.finalize(
      [
        {
          jobId: b!.id,
          leaseToken: b!.leaseToken,
          outcome: { kind: "failed", error: { name: "E", message: "m", code: "C", stack: "s" } },
        },
      ],
      4,
    );
    const db = raw(dbPath);
    const objects = db.prepare<[], JobRow>("SELECT * FROM jobs ORDER BY id").all();
    const arrays = db
      .prepare<[], JobTuple>(`SELECT ${JOB_COLUMNS} FROM jobs ORDER BY id`)
      .raw()
      .all();
    expect(arrays.map(tupleToJob)).toEqual(objects.map(rowToJob));
    expect(Object.keys(objects[0]!)).toHaveLength(arrays[0]!.length);
  });
});

describe("SQLite job store listing", () => {
  /** 60 jobs over fns a/b/c, driven into every state the port can reach. */
  async function seed(store: JobStore): Promise<void> {
    const fns = ["a", "b", "c"];
    await store.enqueue(
      Array.from({ length: 60 }, (_, i) => job({ fn: fns[i % 3]!, runAt: i % 7 === 0 ? 1e9 : 0 })),
      1,
    );
    const claimed = await store.claim({ workerId: "w", fns, limit: 30, now: 2, leaseMs: 1000 });
    const outcomes = [
      { kind: "succeeded", resultJson: "1" },
      { kind: "failed", error: { name: "E", message: "x" } },
      { kind: "timed_out", error: { name: "E", message: "x" } },
      { kind: "cancelled", error: { name: "E", message: "x" } },
      { kind: "retrying", error: { name: "E", message: "x" }, runAt: 1e9 },
      { kind: "released" },
    ] as const;
    await store.finalize(
      claimed
        .slice(0, 24)
        .map((j, i) => ({ jobId: j.id, leaseToken: j.leaseToken, outcome: outcomes[i % 6]! })),
      3,
    );
  }

  it("lists every combination of states, fn and page exactly as a filter over all jobs", async () => {
    const store = await open(":memory:");
    await seed(store);
    const all = await store.list({ limit: 1000 });
    expect(new Set(all.map((j) => j.state)).size).toBeGreaterThanOrEqual(8);
    const expected = (states: readonly JobState[], fn?: string, before?: string): StoredJob[] =>
      all
        .filter((j) => states.includes(j.state))
        .filter((j) => fn === undefined || j.fn === fn)
        .filter((j) => before === undefined || Number(j.id) < Number(before));
    const stateSets: JobState[][] = [
      ...JOB_STATES.map((s) => [s]),
      ["running", "cancelled"],
      ["queued", "succeeded", "retrying"],
      ["scheduled", "running", "failed", "timed_out"],
      [...JOB_STATES],
    ];
    for (const states of stateSets) {
      for (const fn of [undefined, "b"]) {
        for (const before of [undefined, "40"]) {
          const query = {
            state: states,
            limit: 5,
            ...(fn ? { fn } : {}),
            ...(before ? { beforeId: before } : {}),
          };
          expect(await store.list(query), JSON.stringify(query)).toEqual(
            expected(states, fn, before).slice(0, 5),
          );
        }
      }
    }
    expect(await store.list({ state: [] })).toEqual([]);
    expect(await store.list({ state: "no-such-state" as JobState })).toEqual([]);
  });

  /** Every combination of the boolean parts of a list shape: fn, before, search. */
  function shapes(): [boolean, boolean, boolean][] {
    const flags = [false, true];
    return flags.flatMap((fn) =>
      flags.flatMap((before) =>
        flags.map((search): [boolean, boolean, boolean] => [fn, before, search]),
      ),
    );
  }

  it("serves every list shape from an index (no full scan but the newest-first rowid walk)", async () => {
    const dbPath = path.join(tempDir(), "kairos.db");
    await (await open(dbPath)).close();
    const db = raw(dbPath);
    const groups = ["pending", "running", "settled"] as const;
    const plan = (sql: string) =>
      db
        .prepare<Record<string, unknown>, { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all({
          limit: 10,
          fn: "f",
          before: 5,
          qid: 7,
          qlike: "%x%",
          s0: "queued",
          s1: "running",
          s2: "failed",
        })
        .map((row) => row.detail);
    for (const [fn, before, search] of shapes()) {
      const unfiltered = plan(listSql({ fn, before, search, groups: null }));
      if (fn) expect(unfiltered.join("\n")).toMatch(/USING INDEX jobs_fn_id_idx/);
      for (const group of groups) {
        const details = plan(listSql({ fn, before, search, groups: [group] }));
        const index = {
          pending: "jobs_pending_state_fn_idx",
          running: "jobs_running_lease_idx",
          settled: fn ? "jobs_(settled_state|fn)_id_idx" : "jobs_settled_state_id_idx",
        }[group];
        expect(details.join("\n")).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}`));
        expect(details.filter((d) => /^SCAN jobs$/.test(d))).toEqual([]);
      }
      const mixed = plan(listSql({ fn, before, search, groups }));
      expect(mixed.filter((d) => /^SCAN jobs$/.test(d))).toEqual([]);
    }
  });
});
