/**
 * @module contract/schemas/scheduler
 * Where schedules' timing lives on the wire (`GET /scheduler`): times in ms since epoch.
 */
import { z } from "@hono/zod-openapi";

/** One schedule as its backend holds it (a Kubernetes CronJob). */
export const BackendEntry = z
  .object({
    name: z.string().openapi({ description: "The Kairos schedule" }),
    resource: z.string().openapi({ description: "The backend's object: the CronJob's name" }),
    fn: z.string(),
    source: z.enum(["config", "api"]),
    schedule: z.string().openapi({ description: "The timing as the backend fires it" }),
    timeZone: z.string().nullable(),
    suspended: z.boolean(),
    lastScheduleTime: z.number().nullable().openapi({
      description: "The last slot the backend fired (CronJob status.lastScheduleTime)",
    }),
  })
  .openapi("BackendEntry");

/** The scheduler's backend and its entries. */
export const SchedulerStatus = z
  .object({
    backend: z.enum(["embedded", "kubernetes"]),
    location: z.string().nullable(),
    allowDynamic: z.boolean().nullable(),
    entries: z.array(BackendEntry),
  })
  .openapi("SchedulerStatus");
