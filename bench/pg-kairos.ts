/**
 * @module bench/pg-kairos
 * Kairos in the PostgreSQL bench, through its public API only (see bench/pg-systems.ts).
 */
import type pg from "pg";
import { createKairos } from "../src/index.js";
import { count, FN, KAIROS_SCHEMA, type BenchSystem, type Producer } from "./pg-systems.js";
import type { BenchWorker, WorkerHooks } from "./pg-systems.js";

type Kairos = Awaited<ReturnType<typeof createKairos>>;

const LEASE_MS = 30_000;

/** `<databaseUrl>?schema=kairos`: the URL form `createKairos` takes. */
export function kairosStoreUrl(databaseUrl: string): string {
  return `${databaseUrl}${databaseUrl.includes("?") ? "&" : "?"}schema=${KAIROS_SCHEMA}`;
}

async function kairosProducer(databaseUrl: string, client: pg.Client): Promise<Producer> {
  const kairos = await createKairos({ store: kairosStoreUrl(databaseUrl) });
  // Defined so that enqueue knows the function; this instance is never started.
  kairos.define(FN, async () => null, { maxAttempts: 1 });
  const jobs = `"${KAIROS_SCHEMA}".jobs`;
  return {
    async enqueueBatch(payloads, runAt) {
      await kairos.enqueueMany(FN, payloads, runAt === undefined ? {} : { runAt });
    },
    async enqueueOne(payload, runAt) {
      await kairos.enqueue(FN, payload, runAt === undefined ? {} : { runAt });
    },
    remaining: () =>
      count(
        client,
        `SELECT count(*)::int AS n FROM ${jobs}
          WHERE state IN ('scheduled', 'queued', 'running', 'retrying')`,
      ),
    async finalStates() {
      const { rows } = await client.query<{ state: string; n: number }>(
        `SELECT state, count(*)::int AS n FROM ${jobs} GROUP BY state ORDER BY state`,
      );
      return `final states: ${rows.map((r) => `${r.state}=${r.n}`).join(", ") || "none"}`;
    },
    async close() {
      await kairos.stop({ drainMs: 10_000 });
      await client.end();
    },
  };
}

async function kairosWorker(
  databaseUrl: string,
  concurrency: number,
  hooks: WorkerHooks,
): Promise<BenchWorker> {
  const kairos: Kairos = await createKairos({ store: kairosStoreUrl(databaseUrl) });
  kairos.define(
    FN,
    async (payload: unknown) => {
      hooks.handle(payload);
      return null;
    },
    { maxAttempts: 1 },
  );
  if (hooks.started !== undefined) {
    kairos.on("job:started", (e) => hooks.started?.(e.at, e.runAt));
  }
  kairos.on("job:failed", (e) =>
    hooks.failed(`job ${e.jobId} failed: ${e.error.name}: ${e.error.message}`),
  );
  return {
    start: () => kairos.start({ concurrency, leaseMs: LEASE_MS }),
    stop: async () => {
      await kairos.stop({ drainMs: 10_000 });
    },
  };
}

export const kairosSystem: BenchSystem = { producer: kairosProducer, worker: kairosWorker };
