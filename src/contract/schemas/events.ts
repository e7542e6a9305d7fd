/**
 * @module contract/schemas/events
 * The event feed on the wire: filters (csv query), recorded events, whoami.
 */
import { z } from "@hono/zod-openapi";
import { Instant } from "./common.js";

/** Filter and start of GET /events and /events/recent. */
export const EventQuery = z.object({
  kind: z
    .string()
    .optional()
    .openapi({ description: "csv of job, schedule, run, leader, control" }),
  fn: z.string().optional().openapi({ description: "csv of function names" }),
  workflow: z.string().optional().openapi({ description: "csv of workflow names" }),
  after: z.coerce.number().int().min(0).optional(),
});

/** GET /events/recent query. */
export const RecentEventQuery = EventQuery.extend({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** One recorded event. */
export const FeedEvent = z
  .object({
    id: z.number(),
    at: Instant,
    name: z.string(),
    kind: z.enum(["job", "schedule", "run", "leader", "control"]),
    fn: z.string().nullable(),
    workflow: z.string().nullable(),
    subject: z.string().nullable(),
    instance: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("FeedEvent");

/** A page of the feed: resume after `nextAfter`. */
export const FeedPage = z
  .object({ items: z.array(FeedEvent), nextAfter: z.number(), nextCursor: z.string() })
  .openapi("FeedPage");

/** GET /whoami. */
export const WhoAmI = z
  .object({
    scope: z.enum(["read", "write"]),
    auth: z.enum(["token", "loopback-open"]),
    tokenId: z.string().nullable(),
    version: z.string(),
    store: z.string(),
  })
  .openapi("WhoAmI");
