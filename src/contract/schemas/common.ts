/**
 * @module contract/schemas/common
 * Shared pieces of the wire contract: instants, list pages, path parameters, the error body.
 * Instants go out as ISO-8601 UTC strings (what `JSON.stringify(Date)` gives) and come in as
 * ISO strings or epoch milliseconds.
 */
import { z } from "@hono/zod-openapi";

/** An instant as the server sends it: ISO-8601 UTC text. */
export const Instant = z
  .string()
  .openapi({ format: "date-time", example: "2026-12-03T16:00:00.000Z" });

/** A nullable instant. */
export const NullableInstant = Instant.nullable();

/** An instant as a request may give it: ISO-8601 text or ms since epoch. */
export const InstantInput = z
  .union([z.string().min(1), z.number().int()])
  .openapi({ description: "ISO-8601 text or epoch milliseconds" });

/** Any JSON value (payloads, results, params). */
export const AnyJson = z.unknown().openapi({ description: "any JSON value" });

/** A `{ items, nextCursor }` page of `item`. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** A `{ items }` list of `item`. */
export function list<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}

/** Path parameter `{id}`. */
export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: "id", in: "path" } }),
});

/** Path parameter `{name}`. */
export const NameParam = z.object({
  name: z
    .string()
    .min(1)
    .openapi({ param: { name: "name", in: "path" } }),
});

/** A `limit` query parameter (1..1000) as text. */
export const LimitQuery = z.coerce.number().int().min(1).max(1000).optional();

/** A boolean query parameter (`true`/`false`). */
export const BoolQuery = z.enum(["true", "false"]).optional();

/** `{ note? }` bodies of pause/resume/cancel. */
export const NoteBody = z
  .object({ note: z.string().max(10_000).optional() })
  .strict()
  .openapi("NoteBody");

/** The body of every error response. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi("Error");

/** A stop or start request of a job or run, its target under `targetKey` (after `kind`). */
export function controlRequest<K extends "jobId" | "runId">(targetKey: K) {
  return z.object({
    id: z.string(),
    kind: z.enum(["stop", "start"]),
    ...({ [targetKey]: z.string() } as Record<K, z.ZodString>),
    generation: z.number(),
    status: z.enum(["pending", "completed", "failed"]),
    requestedBy: z.string(),
    createdAt: Instant,
    resolvedAt: NullableInstant,
    error: z.string().nullable(),
  });
}
