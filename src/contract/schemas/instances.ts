/**
 * @module contract/schemas/instances
 * The deployment's processes on the wire (`GET /instances`): times in ms since epoch.
 */
import { z } from "@hono/zod-openapi";
import { list } from "./common.js";

/** One leader duty of a process: its last run here and that run's error. */
export const InstanceDuty = z
  .object({ name: z.string(), lastRunAt: z.number().nullable(), lastError: z.string().nullable() })
  .openapi("InstanceDuty");

/** A process as `kairos instances` shows it; `live`: its heartbeat is within the TTL. */
export const InstanceInfo = z
  .object({
    instance: z.string(),
    host: z.string(),
    pid: z.number(),
    version: z.string(),
    startedAt: z.number(),
    heartbeatAt: z.number(),
    leader: z.boolean(),
    duties: z.array(InstanceDuty),
    slots: z.number().nullable(),
    running: z.number().nullable(),
    functions: z.array(z.string()),
    live: z.boolean(),
  })
  .openapi("InstanceInfo");

/** The list, live leader first. */
export const InstanceList = list(InstanceInfo).openapi("InstanceList");
