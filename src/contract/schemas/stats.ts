/**
 * @module contract/schemas/stats
 * GET /stats on the wire: the window asked for (seconds) and the throughput buckets with the
 * live counts (see runtime/stats).
 */
import { z } from "@hono/zod-openapi";
import { Instant, NullableInstant } from "./common.js";

/** GET /stats query: window and bucket width in whole seconds (out-of-range values clamp). */
export const StatsQuery = z.object({
  window: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .openapi({ description: "window in seconds (default 3600, at most 86400)" }),
  bucket: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .openapi({ description: "bucket width in seconds (default 60, at least 60)" }),
});

/** One bucket: jobs created and jobs finished by outcome (timed out counts as failed). */
export const StatsBucket = z.object({
  at: Instant,
  enqueued: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
});

/** GET /stats answer. */
export const Stats = z
  .object({
    at: Instant,
    windowMs: z.number().int(),
    bucketMs: z.number().int(),
    buckets: z.array(StatsBucket),
    live: z.object({
      jobs: z.array(z.object({ fn: z.string(), state: z.string(), count: z.number().int() })),
      queues: z.array(
        z.object({ fn: z.string(), depth: z.number().int(), oldestRunAt: NullableInstant }),
      ),
      runs: z.array(z.object({ workflow: z.string(), state: z.string(), count: z.number().int() })),
    }),
  })
  .openapi("Stats");
