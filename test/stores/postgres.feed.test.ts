/**
 * What only a PostgreSQL server with several connections can show about the event feed: ids
 * commit in id order under concurrent appenders (the advisory lock, taken by the one-statement
 * append before it draws ids), and feed notifications wake feed listeners without moving the
 * job store's change token.
 */
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { feedRecord } from "../../src/stores/conformance/event-feed-store.js";
import { newJob, T0 } from "../../src/stores/conformance/job-store-fixtures.js";
import { openPostgresStores, type PostgresStores } from "../../src/stores/postgres/index.js";
import type { PostgresEventFeedStore } from "../../src/stores/postgres/feed.js";
import { advisoryKey } from "../../src/stores/postgres/identifiers.js";
import { waitFor } from "../helpers/async.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const opened: PostgresStores[] = [];
afterEach(async () => {
  for (const stores of opened.splice(0)) await stores.close();
});

async function open(schema: string, poolSize = 2): Promise<PostgresStores> {
  const stores = await openPostgresStores({ url: pgUrl(), schema, poolSize });
  opened.push(stores);
  return stores;
}

/**
 * 8 appenders on separate connections, each appending `rounds` small batches, while a reader
 * of another instance reads after the last id it saw until the appenders are done. Returns the
 * ids the reader skipped: ids it never saw although they are in the table, i.e. ids that
 * committed after a larger id the reader had already passed.
 */
async function skippedByTailingReader(lock: boolean, rounds: number): Promise<number[]> {
  const schema = freshSchema();
  const writer = await open(schema, 8);
  const reader = await open(schema, 1);
  (writer.feed as PostgresEventFeedStore).lockAppends = lock;
  const seen = new Set<number>();
  let done = false;
  const tail = (async () => {
    let last = 0;
    for (;;) {
      const finished = done;
      const { events } = await reader.feed.readEvents(last, {}, 1000);
      for (const event of events) {
        expect(event.id).toBeGreaterThan(last);
        seen.add(event.id);
        last = event.id;
      }
      if (finished && events.length === 0) return;
    }
  })();
  await Promise.all(
    Array.from({ length: 8 }, async (_, appender) => {
      for (let round = 0; round < rounds; round += 1) {
        await writer.feed.appendEvents([
          feedRecord(round, { instance: `a${appender}` }),
          feedRecord(round, { instance: `a${appender}` }),
        ]);
      }
    }),
  );
  done = true;
  await tail;
  const all = await reader.feed.readEvents(0, {}, 1_000_000);
  expect(all.events).toHaveLength(8 * rounds * 2);
  return all.events.map((e) => e.id).filter((id) => !seen.has(id));
}

describePg("postgres event feed", () => {
  it("never lets a tailing reader skip an id under 8 concurrent appenders", async () => {
    expect(await skippedByTailingReader(true, 150)).toEqual([]);
  });

  it("an append draws no id while another transaction holds the feed's append lock", async () => {
    const schema = freshSchema();
    const stores = await open(schema);
    await stores.feed.appendEvents([feedRecord(1)]);
    const holder = new pg.Client({ connectionString: pgUrl() });
    await holder.connect();
    const drawn = async () => {
      const { rows } = await holder.query<{ n: string }>(
        `SELECT last_value AS n FROM "${schema}".event_batches_ids`,
      );
      return Number(rows[0]?.n);
    };
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock($1::bigint)", [
        advisoryKey(schema, "event-feed"),
      ]);
      const before = await drawn();
      const append = stores.feed.appendEvents([feedRecord(2), feedRecord(3)]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Still waiting for the lock, and no id drawn yet (a draw before the lock would show).
      expect(await drawn()).toBe(before);
      await holder.query("COMMIT");
      expect(await append).toBe(before + 2);
    } finally {
      await holder.end();
    }
  });

  it("wakes feed listeners of another instance without moving its job change token", async () => {
    const schema = freshSchema();
    const a = await open(schema);
    const b = await open(schema);
    let heard = 0;
    b.feed.onEventsAppended(() => (heard += 1));
    const before = await b.jobs.changeToken(); // resolves once the LISTEN connection is up
    await a.feed.appendEvents([feedRecord(1)]);
    await waitFor(() => heard > 0, "the feed notification");
    expect(await b.jobs.changeToken()).toBe(before);
    await a.jobs.enqueue([newJob()], T0);
    await waitFor(async () => (await b.jobs.changeToken()) !== before, "the job notification");
  });
});
