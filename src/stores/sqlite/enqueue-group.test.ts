/**
 * The SQLite job store's group commit of enqueues (group-commit.ts): concurrent calls share one
 * transaction, yet each call is all or nothing on its own, a refused lock fails the whole group,
 * and close commits what is still waiting.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { StoreError } from "../../core/errors.js";
import type { JobStore, NewJob } from "../../ports/job-store.js";
import { newJob } from "../conformance/job-store-fixtures.js";
import { openSqliteJobStore } from "./index.js";

/** The conformance suite's neutral job, due at once. */
const job = (over: Partial<NewJob> = {}): NewJob => newJob({ runAt: 0, ...over });

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-sqlite-group-"));
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

describe("SQLite enqueue group commit", () => {
  it("commits concurrent enqueues together, each call all or nothing on its own", async () => {
    const dbPath = path.join(tempDir(), "kairos.db");
    const store = await open(dbPath);
    await store.enqueue([job({ idempotencyKey: "taken", payloadJson: '{"v":1}' })], 1);
    const settled = await Promise.allSettled([
      store.enqueue([job({ payloadJson: '{"n":1}' })], 2),
      // The second job of this call conflicts: its first job must be rolled back with it.
      store.enqueue(
        [job({ payloadJson: '{"n":2}' }), job({ idempotencyKey: "taken", payloadJson: '{"v":2}' })],
        2,
      ),
      store.enqueue([job({ payloadJson: '{"n":3}' })], 2),
      store.enqueue([job({ fn: "bounded", maxPending: 0 })], 2),
    ]);
    expect(settled.map((s) => s.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
    ]);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });
    expect((settled[3] as PromiseRejectedResult).reason).toMatchObject({ code: "QUEUE_FULL" });
    const payloads = (await store.list({})).map((j) => j.payloadJson).sort();
    expect(payloads).toEqual(['{"n":1}', '{"n":3}', '{"v":1}']);
  });

  it("fails every call of a group the write lock refuses, and writes none of them", async () => {
    const dbPath = path.join(tempDir(), "kairos.db");
    const store = await open(dbPath, 50);
    const locker = raw(dbPath);
    locker.exec("BEGIN IMMEDIATE");
    const settled = await Promise.allSettled([1, 2, 3].map(() => store.enqueue([job()], 1)));
    locker.exec("ROLLBACK");
    for (const s of settled) {
      expect(s.status).toBe("rejected");
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(StoreError);
    }
    expect(await store.list({})).toEqual([]);
  });

  it("commits an enqueue still waiting for its group when the store closes", async () => {
    const dbPath = path.join(tempDir(), "kairos.db");
    const store = await openSqliteJobStore({ path: dbPath });
    const pending = store.enqueue([job({ payloadJson: '{"late":true}' })], 1);
    await store.close();
    expect((await pending)[0]!.created).toBe(true);
    const again = await open(dbPath);
    expect((await again.list({})).map((j) => j.payloadJson)).toEqual(['{"late":true}']);
  });
});
