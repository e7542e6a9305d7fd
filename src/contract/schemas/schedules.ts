/**
 * @module contract/schemas/schedules
 * Schedules on the wire: create and patch bodies, the schedule view, history and next fires.
 */
import { z } from "@hono/zod-openapi";
import {
  AnyJson,
  Instant,
  InstantInput,
  LimitQuery,
  NullableInstant,
  list,
  page,
} from "./common.js";

/** A schedule (runtime/schedules-api `Schedule`). */
export const Schedule = z
  .object({
    id: z.string(),
    name: z.string(),
    fn: z.string(),
    timing: z.record(z.string(), z.unknown()),
    payload: AnyJson,
    enabled: z.boolean(),
    pauseNote: z.string().nullable(),
    overlap: z.string(),
    bufferLimit: z.number(),
    catchup: z.string(),
    catchupWindowMs: z.number(),
    jitterMs: z.number(),
    source: z.enum(["config", "api"]),
    nextFireAt: NullableInstant,
    lastFiredAt: NullableInstant,
    lastStatus: z.string().nullable(),
    lastJobId: z.string().nullable(),
    runCount: z.number(),
    lastError: z.string().nullable(),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi("Schedule");

const duration = z.union([z.string().min(1), z.number().int().min(0)]);
const fields = {
  fn: z.string().min(1),
  cron: z.string().min(1).optional(),
  timezone: z.string().min(1).optional(),
  every: duration.optional(),
  at: InstantInput.optional(),
  payload: AnyJson.optional(),
  enabled: z.boolean().optional(),
  overlap: z
    .enum(["skip", "buffer_one", "buffer_all", "cancel_other", "terminate_other", "allow_all"])
    .optional(),
  bufferLimit: z.number().int().min(1).optional(),
  catchup: z.enum(["skip", "latest", "all"]).optional(),
  catchupWindow: duration.optional(),
  jitter: duration.optional(),
  allowUnknown: z.boolean().optional(),
};

/** POST /schedules (exactly one of cron, every, at: the engine checks and answers 422). */
export const ScheduleBody = z
  .object({ name: z.string().min(1), ...fields })
  .strict()
  .openapi("ScheduleBody");

/** PATCH /schedules/{name}: the fields to change (omitted: unchanged). */
export const SchedulePatchBody = z
  .object({ ...fields, fn: fields.fn.optional() })
  .strict()
  .openapi("SchedulePatchBody");

/** GET /schedules query. */
export const ScheduleListQuery = z.object({
  source: z.enum(["config", "api"]).optional(),
  fn: z.string().optional(),
});

/** A page of schedules (never more than one page today). */
export const SchedulePage = page(Schedule).openapi("SchedulePage");

/** POST /schedules/{name}/trigger. */
export const TriggerBody = z
  .object({ allowUnknown: z.boolean().optional() })
  .strict()
  .openapi("TriggerBody");

/** The id of a job created by a trigger. */
export const CreatedId = z.object({ id: z.string() }).openapi("CreatedId");

/** POST /schedules/{name}/fire: exactly one of jobName, slotAt. */
export const FireBody = z
  .object({
    jobName: z.string().min(1).optional().openapi({
      description: "The name of the Job a CronJob created: <cronjob>-<scheduled minutes>",
    }),
    slotAt: z.iso
      .datetime({
        offset: true,
        error: "slotAt must be an ISO-8601 date-time, e.g. 2026-12-04T10:00:00Z",
      })
      .optional(),
  })
  .strict()
  .refine((b) => (b.jobName === undefined) !== (b.slotAt === undefined), {
    message: "give exactly one of jobName (the Job's name) or slotAt (an ISO-8601 date-time)",
  })
  .openapi("FireBody");

/** What a fire did (runtime/scheduler/fire-slot `FireResult`). */
export const FireResult = z
  .object({
    slotAt: Instant,
    outcome: z.enum(["fired", "existing", "skipped", "buffered", "missed"]),
    jobId: z.string().nullable(),
  })
  .openapi("FireResult");

/** GET /schedules/{name}/next query. */
export const NextQuery = z.object({
  count: z.coerce.number().int().min(0).max(1000).optional(),
  from: z.string().optional().openapi({ description: "ISO instant or epoch ms" }),
});

/** Next fire instants. */
export const InstantList = list(Instant).openapi("InstantList");

/** One schedule history entry (instants in ms, as the store records them). */
export const ScheduleHistoryEntry = z
  .object({
    scheduleId: z.string(),
    slotAt: z.number().nullable(),
    at: z.number(),
    kind: z.string(),
    reason: z.string().nullable(),
    jobId: z.string().nullable(),
    message: z.string().nullable(),
  })
  .openapi("ScheduleHistoryEntry");

/** A list of history entries. */
export const ScheduleHistory = list(ScheduleHistoryEntry).openapi("ScheduleHistory");

/** `?limit=` of history. */
export const HistoryQuery = z.object({ limit: LimitQuery });
