/**
 * @module bench/pg-graphile
 * Graphile Worker 0.17.3 in the PostgreSQL bench, through its public API only (see
 * bench/pg-systems.ts).
 */
import { EventEmitter } from "node:events";
import type pg from "pg";
import {
  Logger,
  makeWorkerUtils,
  run,
  type Runner,
  type WorkerEvents,
  type WorkerUtils,
} from "graphile-worker";
import { count, FN, GRAPHILE_SCHEMA, type BenchSystem, type Producer } from "./pg-systems.js";
import type { BenchWorker, WorkerHooks } from "./pg-systems.js";
import { GRAPHILE_PRESET } from "./pg-types.js";

const silentGraphileLogger = new Logger(() => () => {});

async function graphileProducer(databaseUrl: string, client: pg.Client): Promise<Producer> {
  const utils: WorkerUtils = await makeWorkerUtils({
    connectionString: databaseUrl,
    logger: silentGraphileLogger,
  });
  try {
    await utils.migrate();
  } catch (error) {
    await utils.release();
    throw error;
  }
  const jobs = `"${GRAPHILE_SCHEMA}"._private_jobs`;
  const spec = (payload: unknown, runAt: number | undefined) => ({
    identifier: FN,
    payload,
    maxAttempts: 1,
    ...(runAt === undefined ? {} : { runAt: new Date(runAt) }),
  });
  return {
    async enqueueBatch(payloads, runAt) {
      await utils.addJobs(payloads.map((p) => spec(p, runAt)));
    },
    async enqueueOne(payload, runAt) {
      await utils.addJob(FN, payload, {
        maxAttempts: 1,
        ...(runAt === undefined ? {} : { runAt: new Date(runAt) }),
      });
    },
    remaining: () =>
      count(
        client,
        `SELECT count(*)::int AS n FROM ${jobs}
          WHERE locked_at IS NOT NULL OR attempts < max_attempts`,
      ),
    async finalStates() {
      const { rows } = await client.query<{ total: number; failed: number }>(
        `SELECT count(*)::int AS total,
                count(*) FILTER (WHERE locked_at IS NULL AND attempts >= max_attempts)::int AS failed
           FROM ${jobs}`,
      );
      const r = rows[0];
      return `final: ${r?.total ?? "?"} job row(s) left (completed jobs are deleted), ${r?.failed ?? "?"} failed`;
    },
    async close() {
      await utils.release();
      await client.end();
    },
  };
}

async function graphileWorker(
  databaseUrl: string,
  concurrency: number,
  hooks: WorkerHooks,
): Promise<BenchWorker> {
  const events = new EventEmitter() as WorkerEvents;
  events.on("job:failed", ({ job, error }) =>
    hooks.failed(`job ${job.id} failed: ${String(error)}`),
  );
  let runner: Runner | undefined;
  return {
    async start() {
      runner = await run({
        connectionString: databaseUrl,
        concurrency,
        noHandleSignals: true,
        logger: silentGraphileLogger,
        events,
        taskList: {
          [FN]: async (payload: unknown) => {
            hooks.handle(payload);
          },
        },
        preset: GRAPHILE_PRESET,
      });
    },
    async stop() {
      await runner?.stop();
    },
  };
}

export const graphileSystem: BenchSystem = { producer: graphileProducer, worker: graphileWorker };
