/**
 * @module contract/schemas/functions
 * Functions on the wire: the catalog, live workers, the waiting reason.
 */
import { z } from "@hono/zod-openapi";
import { list } from "./common.js";

/** A function as `kairos functions list` shows it. */
export const FunctionInfo = z
  .object({
    name: z.string(),
    kind: z.string(),
    source: z.string(),
    liveWorkers: z.number(),
    unavailable: z.array(z.string()),
  })
  .openapi("FunctionInfo");

/** A live worker process of a function (lastSeenAt in ms). */
export const FunctionWorker = z
  .object({
    fn: z.string(),
    instance: z.string(),
    unavailable: z.string().nullable(),
    lastSeenAt: z.number(),
  })
  .openapi("FunctionWorker");

/** Lists. */
export const FunctionList = list(FunctionInfo).openapi("FunctionList");
export const FunctionWorkerList = list(FunctionWorker).openapi("FunctionWorkerList");

/** Why queued jobs of a function wait (null: a live worker can run them). */
export const WaitingReason = z.object({ reason: z.string().nullable() }).openapi("WaitingReason");
