/**
 * The PostgreSQL LeaderLock on a real server: one holder per schema; `isHeld` checks the
 * server on the holder's own session, so a killed session means "not held" at once and lets
 * another process take over (the split-brain guard).
 */
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { PgLeaderLock } from "../../src/stores/postgres/index.js";
import { waitFor } from "../helpers/async.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const locks: PgLeaderLock[] = [];
const clients: pg.Client[] = [];

function lock(schema: string): PgLeaderLock {
  const created = new PgLeaderLock({ url: pgUrl(), schema });
  locks.push(created);
  return created;
}

async function admin(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: pgUrl() });
  await client.connect();
  clients.push(client);
  return client;
}

/** Terminate the backends of this schema's leader connections that hold an advisory lock. */
async function killHolder(schema: string): Promise<number> {
  const client = await admin();
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(pg_terminate_backend(a.pid))::int AS n
       FROM pg_stat_activity a
      WHERE a.application_name = $1
        AND EXISTS (SELECT 1 FROM pg_locks l
                     WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted)`,
    [`kairos-leader:${schema}`],
  );
  return rows[0]!.n;
}

afterEach(async () => {
  await Promise.all(locks.splice(0).map((l) => l.close()));
  await Promise.all(clients.splice(0).map((c) => c.end()));
});

describePg("PgLeaderLock", () => {
  it("lets exactly one of two processes hold the lock, until it releases it", async () => {
    const schema = freshSchema();
    const a = lock(schema);
    const b = lock(schema);
    expect(await a.isHeld()).toBe(false);
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(await a.isHeld()).toBe(true);
    expect(await b.isHeld()).toBe(false);
    // Acquiring again while held does not stack a second hold.
    expect(await a.tryAcquire()).toBe(true);
    await a.release();
    expect(await a.isHeld()).toBe(false);
    expect(await b.tryAcquire()).toBe(true);
    expect(await a.tryAcquire()).toBe(false);
    await b.release();
    await b.release(); // no-op when not held
  });

  it("locks of different schemas are independent", async () => {
    const a = lock(freshSchema());
    const b = lock(freshSchema());
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(true);
  });

  it("a killed session is not held any more, and the other process takes over", async () => {
    const schema = freshSchema();
    const a = lock(schema);
    const b = lock(schema);
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(await killHolder(schema)).toBe(1);
    expect(await a.isHeld()).toBe(false);
    // The terminated backend releases its locks as it exits.
    await waitFor(() => b.tryAcquire(), "b to acquire after a's session died");
    expect(await b.isHeld()).toBe(true);
    // a reconnects lazily and finds the lock taken.
    expect(await a.tryAcquire()).toBe(false);
    expect(await a.isHeld()).toBe(false);
    await b.close();
    await waitFor(() => a.tryAcquire(), "a to acquire after b closed");
    expect(await a.isHeld()).toBe(true);
  });

  it("close releases the lock and refuses further acquisition", async () => {
    const schema = freshSchema();
    const a = lock(schema);
    const b = lock(schema);
    expect(await a.tryAcquire()).toBe(true);
    await a.close();
    await a.close();
    expect(await a.isHeld()).toBe(false);
    await expect(a.tryAcquire()).rejects.toThrow(/closed/);
    expect(await b.tryAcquire()).toBe(true);
  });

  it("tryAcquire throws when the server cannot be reached, and isHeld is false", async () => {
    const unreachable = new PgLeaderLock({
      url: "postgres://postgres@127.0.0.1:1/postgres",
      schema: freshSchema(),
      queryTimeoutMs: 1_000,
    });
    locks.push(unreachable);
    await expect(unreachable.tryAcquire()).rejects.toThrow();
    expect(await unreachable.isHeld()).toBe(false);
  });
});
