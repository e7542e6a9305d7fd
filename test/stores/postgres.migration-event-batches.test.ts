/**
 * Upgrading a PostgreSQL schema from migration 14 to 15: the feed's events move into
 * `event_batches` with their ids, fields and data text unchanged, and ids carry on from the old
 * sequence, so an id retention already deleted is never handed out again.
 */
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { openPostgresStores } from "../../src/stores/postgres/index.js";
import { MIGRATIONS } from "../../src/stores/postgres/migrations/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const T0 = Date.UTC(2026, 11, 4);

describePg("postgres migration 15 (event batches)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A schema at migration 14 with events 1..5 appended and 4..5 deleted. */
  async function schemaAtVersion14(): Promise<string> {
    const schema = freshSchema();
    const s = `"${schema}"`;
    const client = new pg.Client({ connectionString: pgUrl() });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${s}`);
      await client.query(
        `CREATE TABLE ${s}.kairos_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                                              applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      );
      for (const migration of MIGRATIONS.filter((m) => m.version <= 14)) {
        await client.query(migration.sql(s));
        await client.query(`INSERT INTO ${s}.kairos_migrations (version, name) VALUES ($1, $2)`, [
          migration.version,
          migration.name,
        ]);
      }
      for (let n = 1; n <= 5; n++) {
        await client.query(
          `INSERT INTO ${s}.events (at, name, kind, fn, workflow, subject, instance, data)
           VALUES ($1, 'job:queued', 'job', $2, $3, $4, 'host:1', $5)`,
          [
            T0 + n,
            n === 2 ? null : "mail",
            n === 3 ? "etl" : null,
            `${n}`,
            `{"n":${n},"s":"é\\"x"}`,
          ],
        );
      }
      await client.query(`DELETE FROM ${s}.events WHERE id >= 4`);
    } finally {
      await client.end();
    }
    return schema;
  }

  it("moves the events over with their ids and fields; new ids follow the old sequence", async () => {
    const schema = await schemaAtVersion14();
    const stores = await openPostgresStores({ url: pgUrl(), schema });
    cleanups.push(() => stores.close());
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
    const mail = await stores.feed.readEvents(0, { fns: ["mail"] }, 100);
    expect(mail.events.map((e) => e.id)).toEqual([1, 3]);
    expect(await stores.feed.feedBounds()).toEqual({ oldestId: 1, newestId: 3 });
    // Ids 4 and 5 were handed out before the upgrade: the next events are 6 and 7.
    expect(await stores.feed.appendEvents([events[0]!, events[1]!])).toBe(7);
    expect((await stores.feed.readEvents(3, {}, 10)).events.map((e) => e.id)).toEqual([6, 7]);
  });

  it("starts ids at 1 on a schema whose feed was never written", async () => {
    const stores = await openPostgresStores({ url: pgUrl(), schema: freshSchema() });
    cleanups.push(() => stores.close());
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
  });
});
