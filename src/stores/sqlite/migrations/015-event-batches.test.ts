/**
 * Upgrading a SQLite database from migration 14 to 15: the feed's events move into
 * `event_batches` with their ids, fields and data text unchanged, and the id counter carries on
 * from the old table's, so an id retention already deleted is never handed out again.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, it } from "vitest";
import { openSqliteStores } from "../open-stores.js";
import { MIGRATIONS } from "./index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 11, 4);

/** A database file at migration 14 with events 1..5 appended and 4..5 deleted; its path. */
function databaseAtVersion14(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-m15-"));
  dirs.push(dir);
  const file = path.join(dir, "kairos.db");
  const raw = new Database(file);
  raw.exec(
    "CREATE TABLE kairos_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
  );
  for (const migration of MIGRATIONS.filter((m) => m.version <= 14)) {
    raw.exec(migration.sql);
    raw.prepare("INSERT INTO kairos_migrations VALUES (?, 0)").run(migration.version);
  }
  const insert = raw.prepare(
    `INSERT INTO events (at, name, kind, fn, workflow, subject, instance, data)
     VALUES (?, ?, 'job', ?, ?, ?, 'host:1', ?)`,
  );
  for (let n = 1; n <= 5; n++) {
    insert.run(
      T0 + n,
      `job:queued`,
      n === 2 ? null : "mail",
      n === 3 ? "etl" : null,
      `${n}`,
      `{"n":${n},"s":"é\\"x"}`,
    );
  }
  raw.exec("DELETE FROM events WHERE id >= 4");
  raw.close();
  return file;
}

it("moves the events over with their ids and fields; new ids follow the old counter", async () => {
  const file = databaseAtVersion14();
  const stores = await openSqliteStores({ path: file });
  try {
    const { events, scannedTo } = await stores.feed.readEvents(0, {}, 100);
    expect(events).toEqual(
      [1, 2, 3].map((n) => ({
        id: n,
        at: T0 + n,
        name: "job:queued",
        kind: "job",
        fn: n === 2 ? null : "mail",
        workflow: n === 3 ? "etl" : null,
        subject: `${n}`,
        instance: "host:1",
        data: `{"n":${n},"s":"é\\"x"}`,
      })),
    );
    expect(scannedTo).toBe(3);
    expect(
      (await stores.feed.readEvents(0, { fns: ["mail"] }, 100)).events.map((e) => e.id),
    ).toEqual([1, 3]);
    expect(await stores.feed.feedBounds()).toEqual({ oldestId: 1, newestId: 3 });
    // Ids 4 and 5 were handed out before the upgrade: the next event is 6.
    expect(await stores.feed.appendEvents([{ ...events[0]!, at: T0 + 9 }])).toBe(6);
    // Moved rows (plain text) and new ones (compressed) read as one sequence.
    const after = (await stores.feed.readEvents(0, {}, 100)).events;
    expect(after.map((e) => [e.id, e.at - T0])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [6, 9],
    ]);
  } finally {
    await stores.close();
  }
  const raw = new Database(file, { readonly: true });
  try {
    const tables = raw
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
      .all()
      .map((r) => r.name);
    expect(tables).not.toContain("events");
    expect(tables).toContain("event_batches");
  } finally {
    raw.close();
  }
});

it("starts ids at 1 on a database whose feed was never written", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-m15-"));
  dirs.push(dir);
  const stores = await openSqliteStores({ path: path.join(dir, "kairos.db") });
  try {
    expect(await stores.feed.feedBounds()).toEqual({ oldestId: null, newestId: null });
    const record = {
      at: T0,
      name: "job:queued",
      kind: "job" as const,
      fn: "mail",
      workflow: null,
      subject: "1",
      instance: "h",
      data: "{}",
    };
    expect(await stores.feed.appendEvents([record, record])).toBe(2);
    expect(await stores.feed.feedBounds()).toEqual({ oldestId: 1, newestId: 2 });
  } finally {
    await stores.close();
  }
});
