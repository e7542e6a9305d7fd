/**
 * PostgreSQL JobStore behaviour beyond the shared conformance suite: several processes
 * (separate pools, hence separate sessions) on one schema. Per-key limits hold and keys fill
 * when three "processes" claim at once; idempotency keys and maxPending bounds hold across
 * them; finalizations racing from two processes have one winner; LISTEN/NOTIFY wakes the
 * others and survives a dropped listener connection.
 */
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import type { JobStore, NewJob, StoredJob } from "../../src/ports/job-store.js";
import { openPostgresJobStore } from "../../src/stores/postgres/index.js";
import { waitFor } from "../helpers/async.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const T0 = 1_700_000_000_000;
const LEASE_MS = 60_000;

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

let schema = "";

/** `count` stores ("processes") on one fresh schema (`schema`), each with its own pool. */
async function processes(count: number, poolSize = 4): Promise<JobStore[]> {
  schema = freshSchema();
  const stores: JobStore[] = [];
  for (let i = 0; i < count; i += 1) {
    stores.push(await openPostgresJobStore({ url: pgUrl(), schema, poolSize }));
  }
  opened.push(...stores);
  return stores;
}

async function admin(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: pgUrl() });
  await client.connect();
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await Promise.all(clients.splice(0).map((client) => client.end()));
});

async function succeedAll(store: JobStore, jobs: readonly StoredJob[], now: number) {
  const applied = await store.finalize(
    jobs.map((j) => ({
      jobId: j.id,
      leaseToken: j.leaseToken!,
      outcome: { kind: "succeeded" as const, resultJson: "null" },
    })),
    now,
  );
  expect(applied.every(Boolean)).toBe(true);
}

describePg("postgres job store across processes", () => {
  it("three processes claiming at once never exceed a key's limit, and fill every key", async () => {
    const stores = await processes(3);
    // 10 keys: limits 1..3; 30 jobs per key; plus 30 keyless jobs ranked below them, so the
    // 36 claim slots of a round always have room to fill every key (19 slots).
    const limitOf = (k: number) => 1 + (k % 3);
    const batch: NewJob[] = [];
    for (let i = 0; i < 300; i += 1) {
      const k = i % 10;
      batch.push(job({ concurrencyKey: `k${k}`, concurrencyLimit: limitOf(k), priority: i % 7 }));
    }
    for (let i = 0; i < 30; i += 1) batch.push(job({ priority: -1 }));
    await stores[0]!.enqueue(batch, T0);

    let now = T0;
    const seen = new Set<string>();
    for (let round = 0; round < 6; round += 1) {
      now += 1;
      // Every process runs three claimers at once.
      const claims = await Promise.all(
        stores.flatMap((store, p) =>
          [0, 1, 2].map((c) =>
            store.claim({
              workerId: `p${p}-c${c}`,
              fns: ["work"],
              limit: 4,
              now,
              leaseMs: LEASE_MS,
            }),
          ),
        ),
      );
      // SKIP LOCKED trades a full round for never waiting: a claimer skips rows another one
      // holds and then leaves. One claimer alone after the burst tops every key up.
      const topUp = await stores[0]!.claim({
        workerId: "p0-top-up",
        fns: ["work"],
        limit: 36,
        now,
        leaseMs: LEASE_MS,
      });
      const all = [...claims.flat(), ...topUp];
      for (const j of all) {
        expect(seen.has(j.id), `job ${j.id} claimed twice`).toBe(false);
        seen.add(j.id);
      }
      // The store's own view: running per key is exactly its limit (30 jobs per key remain
      // for more rounds than any key can drain).
      const running = await stores[1]!.list({ state: "running", limit: 1_000 });
      for (let k = 0; k < 10; k += 1) {
        expect(running.filter((j) => j.concurrencyKey === `k${k}`)).toHaveLength(limitOf(k));
      }
      await succeedAll(stores[2]!, running, now);
    }
  });

  it("holds per-key limits while processes claim and finish jobs continuously", async () => {
    const stores = await processes(3);
    const keys = ["a", "b", "c", "d"];
    await stores[0]!.enqueue(
      Array.from({ length: 200 }, (_, i) =>
        job({ concurrencyKey: keys[i % 4]!, concurrencyLimit: i % 4 === 0 ? 1 : 2 }),
      ),
      T0,
    );
    const auditor = await admin();
    let violations = 0;
    let audits = 0;
    let done = false;
    const audit = (async () => {
      while (!done) {
        const { rows } = await auditor.query(
          `SELECT concurrency_key, count(*) AS n, min(concurrency_limit) AS lim
             FROM "${schema}".jobs WHERE state = 'running' GROUP BY concurrency_key
           HAVING count(*) > min(concurrency_limit)`,
        );
        audits += 1;
        violations += rows.length;
      }
    })();
    let finished = 0;
    const worker = async (store: JobStore, id: string) => {
      for (let i = 0; i < 400 && finished < 200; i += 1) {
        const got = await store.claim({
          workerId: id,
          fns: ["work"],
          limit: 2,
          now: T0 + 1,
          leaseMs: LEASE_MS,
        });
        if (got.length > 0) {
          await succeedAll(store, got, T0 + 2);
          finished += got.length;
        } else {
          await new Promise((r) => setTimeout(r, 1));
        }
      }
    };
    await Promise.all(stores.flatMap((s, p) => [worker(s, `p${p}a`), worker(s, `p${p}b`)]));
    done = true;
    await audit;
    expect(finished).toBe(200);
    expect(audits).toBeGreaterThan(5);
    expect(violations).toBe(0);
  });

  it("an idempotency key enqueued by several processes at once creates one job", async () => {
    const stores = await processes(3);
    const outcomes = (
      await Promise.all(
        stores.flatMap((store) =>
          [0, 1].map(() => store.enqueue([job({ idempotencyKey: "once", payloadJson: "{}" })], T0)),
        ),
      )
    ).flat();
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.job.id)).size).toBe(1);
    expect(await stores[0]!.list({})).toHaveLength(1);
  });

  it("maxPending is exact when several processes enqueue at once", async () => {
    const stores = await processes(3);
    const results = await Promise.allSettled(
      stores.flatMap((store) =>
        Array.from({ length: 5 }, () => store.enqueue([job({ maxPending: 7 })], T0)),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(7);
    for (const r of results) {
      if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe("QUEUE_FULL");
    }
    expect(await stores[0]!.list({})).toHaveLength(7);
  });

  it("two processes finalizing the same jobs at once: exactly one wins each", async () => {
    const [a, b] = await processes(2);
    await a!.enqueue(
      Array.from({ length: 40 }, () => job()),
      T0,
    );
    const running = await a!.claim({
      workerId: "w",
      fns: ["work"],
      limit: 40,
      now: T0,
      leaseMs: LEASE_MS,
    });
    const requests = (kind: "succeeded" | "failed") =>
      running.map((j) => ({
        jobId: j.id,
        leaseToken: j.leaseToken,
        outcome:
          kind === "succeeded"
            ? { kind, resultJson: '"ok"' }
            : { kind, error: { name: "E", message: "x" } },
      }));
    const [fromA, fromB] = await Promise.all([
      a!.finalize(requests("succeeded"), T0 + 1),
      b!.finalize(requests("failed").reverse(), T0 + 1),
    ]);
    const bInOrder = [...fromB].reverse();
    for (let i = 0; i < running.length; i += 1) {
      expect(fromA[i] !== bInOrder[i], `job ${running[i]!.id}: exactly one applies`).toBe(true);
      const stored = await a!.get(running[i]!.id);
      expect(stored!.state).toBe(fromA[i] ? "succeeded" : "failed");
    }
  });

  it("onChange and changeToken hear other processes' enqueues, releases and cancels", async () => {
    const [a, b] = await processes(2);
    const before = await b!.changeToken();
    let calls = 0;
    const off = b!.onChange!(() => {
      calls += 1;
    });
    const queued = (await a!.enqueue([job()], T0))[0]!.job;
    await waitFor(() => calls >= 1, "a notification of the enqueue");
    expect(await b!.changeToken()).not.toBe(before);

    const [claimed] = await a!.claim({
      workerId: "w",
      fns: ["work"],
      limit: 1,
      now: T0,
      leaseMs: LEASE_MS,
    });
    expect(claimed!.id).toBe(queued.id);
    const afterEnqueue = calls;
    await a!.cancel(claimed!.id, T0 + 1);
    await waitFor(() => calls > afterEnqueue, "a notification of the cancel");

    const afterCancel = calls;
    await a!.finalize(
      [{ jobId: claimed!.id, leaseToken: claimed!.leaseToken, outcome: { kind: "released" } }],
      T0 + 2,
    );
    await waitFor(() => calls > afterCancel, "a notification of the release");
    // A second listener of the same process stays subscribed: once it has heard the next
    // enqueue, that notification has been dispatched, and the removed listener must not have
    // heard it.
    let witnessCalls = 0;
    b!.onChange!(() => {
      witnessCalls += 1;
    });
    off();
    const afterOff = calls;
    await a!.enqueue([job()], T0);
    await waitFor(() => witnessCalls >= 1, "the still-subscribed listener heard the enqueue");
    expect(calls).toBe(afterOff);
  });

  it("reconnects a dropped listener and counts the reconnect as a change", async () => {
    const [a, b] = await processes(2);
    let calls = 0;
    b!.onChange!(() => {
      calls += 1;
    });
    await b!.changeToken(); // resolves once the LISTEN connection is up
    await a!.enqueue([job()], T0);
    await waitFor(() => calls >= 1, "the first notification");
    const killer = await admin();
    const { rows } = await killer.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE application_name = $1`,
      [`kairos-listen:${schema}`],
    );
    expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
    const beforeReconnect = calls;
    // The reconnect itself is reported as a change (notifications may have been missed).
    await waitFor(() => calls > beforeReconnect, "the reconnect", 10_000);
    const afterReconnect = calls;
    await a!.enqueue([job()], T0);
    await waitFor(() => calls > afterReconnect, "a notification after the reconnect");
  });
});
