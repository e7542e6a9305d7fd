/**
 * The PostgreSQL claim's fast path, `claim_keyless` (migration 14): one statement that promotes
 * due jobs and takes queued keyless ones in claim order, and takes nothing when a candidate has
 * a concurrency key (the store's claim then runs the full, per-key claim); and
 * `jobs_running_key_idx`, narrowed by the same migration to running jobs that have a key.
 */
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import type { JobStore, NewJob } from "../../src/ports/job-store.js";
import { openPostgresJobStore } from "../../src/stores/postgres/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const T0 = 1_700_000_000_000;

function job(overrides: Partial<NewJob> = {}): NewJob {
  return {
    fn: "work",
    payloadJson: "{}",
    priority: 0,
    runAt: T0,
    maxAttempts: 3,
    idempotencyKey: null,
    concurrencyKey: null,
    concurrencyLimit: 1,
    backoff: { type: "fixed", delayMs: 0 },
    timeoutMs: 0,
    maxPending: null,
    ...overrides,
  };
}

const opened: JobStore[] = [];
const clients: pg.Client[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await Promise.all(clients.splice(0).map((client) => client.end()));
});

async function setup(): Promise<{ store: JobStore; client: pg.Client; schema: string }> {
  const schema = freshSchema();
  const store = await openPostgresJobStore({ url: pgUrl(), schema });
  opened.push(store);
  const client = new pg.Client({ connectionString: pgUrl() });
  await client.connect();
  clients.push(client);
  return { store, client, schema };
}

interface Row {
  id: string;
  state: string;
  lease_token: string;
  attempt: number;
}

describePg("postgres claim fast path (claim_keyless)", () => {
  it("promotes due jobs and takes keyless ones in claim order, each under its own token", async () => {
    const { store, client, schema } = await setup();
    const [low, high, later] = await store.enqueue(
      [job({ priority: 0 }), job({ priority: 5 }), job({ runAt: T0 + 1_000 })],
      T0 - 10,
    );
    const { rows } = await client.query<Row>(
      `SELECT id::text, state, lease_token, attempt
         FROM "${schema}".claim_keyless($1::text[], $2::int, 'w1', $3, $4)`,
      [["work"], 10, T0 + 1_000, T0 + 61_000],
    );
    // `later` was scheduled and is due at T0 + 1000: promoted, then taken after the others.
    expect(rows.map((r) => r.id)).toEqual([high!.job.id, low!.job.id, later!.job.id]);
    expect(rows.every((r) => r.state === "running" && r.attempt === 1)).toBe(true);
    expect(new Set(rows.map((r) => r.lease_token)).size).toBe(3);
  });

  it("takes nothing when a candidate has a concurrency key; the store's claim still does", async () => {
    const { store, client, schema } = await setup();
    await store.enqueue([job(), job({ concurrencyKey: "k", concurrencyLimit: 1 }), job()], T0);
    const { rows } = await client.query<Row>(
      `SELECT id::text FROM "${schema}".claim_keyless($1::text[], $2::int, 'w1', $3, $4)`,
      [["work"], 10, T0, T0 + 60_000],
    );
    expect(rows).toEqual([]);
    const { rows: states } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}".jobs WHERE state = 'queued'`,
    );
    expect(states[0]!.n).toBe(3);
    const claimed = await store.claim({
      fns: ["work"],
      limit: 10,
      workerId: "w2",
      now: T0,
      leaseMs: 60_000,
    });
    expect(claimed).toHaveLength(3);
  });

  it("indexes only running jobs with a concurrency key by key, and the per-key reads use it", async () => {
    const { store, client, schema } = await setup();
    const { rows } = await client.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'jobs_running_key_idx'`,
      [schema],
    );
    expect(rows[0]!.indexdef).toContain("concurrency_key IS NOT NULL");
    await store.enqueue([job({ concurrencyKey: "k", concurrencyLimit: 2 }), job()], T0);
    await store.claim({ fns: ["work"], limit: 10, workerId: "w", now: T0, leaseMs: 60_000 });
    const running = await store.listRunningWithKey("k", 10);
    expect(running.map((j) => j.concurrencyKey)).toEqual(["k"]);
  });
});
