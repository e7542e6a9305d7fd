/**
 * @module bench/http-app
 * The app the HTTP bench serves.
 *
 * TEMPORARY: a minimal stand-in for the real API app (src/api/app.ts, built in parallel),
 * serving only POST /api/v1/jobs and POST /api/v1/jobs/batch with a plain zod check, the
 * request log (at warn, so no line is written for a 2xx) and the metrics. It has no auth, no
 * body limit and no error mapping. The integrator replaces `buildBenchApp` with the real
 * `createApp({ ... })` (with one write token, auth on: the realistic cost) once it exists.
 */
import { Hono } from "hono";
import { z } from "zod";
import { mountOps, createHealth } from "../src/api/health.js";
import { createLogger, requestLog } from "../src/api/logging.js";
import { createMetrics } from "../src/api/metrics.js";
import type { Kairos } from "../src/index.js";

const Single = z.object({ fn: z.string().min(1), payload: z.unknown() });
const Batch = z.object({ fn: z.string().min(1), payloads: z.array(z.unknown()).min(1).max(1000) });

/** The stand-in app over `kairos`; see the module header. */
export function buildBenchApp(kairos: Kairos): Hono {
  const logger = createLogger({ level: "warn" });
  const metrics = createMetrics({
    kairos,
    snapshot: async () => ({ jobs: [], queues: [], runs: [] }),
    version: "bench",
    store: "sqlite",
  });
  const app = new Hono();
  app.use(requestLog(logger, { metrics }));
  app.post("/api/v1/jobs", async (c) => {
    const body = Single.parse(await c.req.json());
    return c.json(await kairos.enqueue(body.fn, body.payload), 201);
  });
  app.post("/api/v1/jobs/batch", async (c) => {
    const body = Batch.parse(await c.req.json());
    return c.json({ items: await kairos.enqueueMany(body.fn, body.payloads) }, 201);
  });
  mountOps(app, {
    metrics,
    health: createHealth({
      kairos,
      ping: async () => {},
      clock: { now: () => Date.now() },
      isStopping: () => false,
      schedulerIntervalMs: 1_000,
    }),
  });
  return app;
}
