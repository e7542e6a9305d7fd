/**
 * The SQLite leader lease on its own: two locks on two connections to one file, a shared
 * injected wall clock. Acquire, held by another, expiry, release, renewal, renewal lost, and
 * the behaviour of a closed lock.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ShuttingDownError, ValidationError } from "../../core/errors.js";
import { SqliteLeaderLock } from "./leader-lock.js";
import { openSqliteConnection } from "./open.js";

const LEASE = 1_000;
const T0 = Date.parse("2026-06-01T10:00:00Z");
const cleanup: (() => void)[] = [];

afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

/** Two processes' view of one file: a connection and a lock each, one clock. */
async function pair() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-lease-"));
  const file = path.join(dir, "k.db");
  const dbs: Database.Database[] = [
    await openSqliteConnection({ path: file }),
    await openSqliteConnection({ path: file }),
  ];
  cleanup.push(() => {
    for (const db of dbs) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const clock = { now: T0 };
  const lock = (db: Database.Database, pid: number) =>
    new SqliteLeaderLock(db, { leaseMs: LEASE, now: () => clock.now, pid, hostname: "box" });
  return { a: lock(dbs[0]!, 101), b: lock(dbs[1]!, 202), clock, dbs };
}

describe("SQLite leader lock", () => {
  it("one holder at a time; the other sees who holds it and until when", async () => {
    const { a, b } = await pair();
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(b.holder()).toMatchObject({ pid: 101, hostname: "box", expiresAt: T0 + LEASE });
    expect(await a.isHeld()).toBe(true);
    expect(await b.isHeld()).toBe(false);
    expect(await a.tryAcquire()).toBe(true); // already ours: taken again, not refused
  });

  it("renewal pushes the expiry, so a live holder keeps the lease past its first term", async () => {
    const { a, b, clock } = await pair();
    await a.tryAcquire();
    clock.now = T0 + LEASE - 1;
    expect(await a.isHeld()).toBe(true);
    clock.now = T0 + LEASE + 500;
    expect(await b.tryAcquire()).toBe(false);
    expect(b.holder()!.expiresAt).toBe(T0 + 2 * LEASE - 1);
  });

  it("an expired lease (the holder died without releasing) is taken by the other", async () => {
    const { a, b, clock } = await pair();
    await a.tryAcquire();
    clock.now = T0 + LEASE - 1;
    expect(await b.tryAcquire()).toBe(false);
    clock.now = T0 + LEASE;
    expect(await b.tryAcquire()).toBe(true);
    expect(await b.isHeld()).toBe(true);
  });

  it("renewal lost: the old holder's isHeld answers false once another took over", async () => {
    const { a, b, clock } = await pair();
    await a.tryAcquire();
    clock.now = T0 + 5 * LEASE; // a stalled past its lease
    expect(await b.tryAcquire()).toBe(true);
    expect(await a.isHeld()).toBe(false);
    expect(await a.isHeld()).toBe(false); // and stays lost until it acquires again
    expect(await b.isHeld()).toBe(true);
    expect(await a.tryAcquire()).toBe(false);
    expect(a.holder()).toMatchObject({ pid: 202 });
  });

  it("an expired lease nobody took is still ours: renewal keeps it", async () => {
    const { a, b, clock } = await pair();
    await a.tryAcquire();
    clock.now = T0 + 3 * LEASE;
    expect(await a.isHeld()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
  });

  it("a check soon after a renewal answers from memory; the next renewal finds the row gone", async () => {
    const { a, clock, dbs } = await pair();
    await a.tryAcquire();
    dbs[1]!.prepare("DELETE FROM leader_lease").run(); // an operator removed the row
    clock.now = T0 + LEASE / 10 - 1;
    expect(await a.isHeld()).toBe(true); // no write yet: nobody could take it before expiry
    clock.now = T0 + LEASE / 10;
    expect(await a.isHeld()).toBe(false);
  });

  it("release frees it at once, and never deletes another holder's row", async () => {
    const { a, b } = await pair();
    await a.tryAcquire();
    await b.release(); // not held by b: no effect
    expect(await b.tryAcquire()).toBe(false);
    await a.release();
    expect(await a.isHeld()).toBe(false);
    expect(await b.tryAcquire()).toBe(true);
  });

  it("a renewal that cannot be written (database busy) keeps the lease until its known expiry", async () => {
    const { a, clock, dbs } = await pair();
    await a.tryAcquire();
    const other = dbs[1]!;
    other.pragma("busy_timeout = 0");
    dbs[0]!.pragma("busy_timeout = 0");
    other.exec("BEGIN IMMEDIATE"); // another connection holds the write lock
    try {
      clock.now = T0 + LEASE - 1;
      expect(await a.isHeld()).toBe(true);
      clock.now = T0 + LEASE;
      expect(await a.isHeld()).toBe(false);
    } finally {
      other.exec("ROLLBACK");
    }
  });

  it("close releases; a closed lock refuses to acquire", async () => {
    const { a, b } = await pair();
    await a.tryAcquire();
    await a.close();
    await a.close();
    expect(await b.tryAcquire()).toBe(true);
    await expect(a.tryAcquire()).rejects.toBeInstanceOf(ShuttingDownError);
    expect(await a.isHeld()).toBe(false);
  });

  it("rejects a lease length that is not a positive whole number of ms", async () => {
    const { dbs } = await pair();
    expect(() => new SqliteLeaderLock(dbs[0]!, { leaseMs: 0 })).toThrow(ValidationError);
    expect(() => new SqliteLeaderLock(dbs[0]!, { leaseMs: 1.5 })).toThrow(/leaderLeaseMs/);
  });
});
