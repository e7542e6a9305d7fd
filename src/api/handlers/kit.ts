/**
 * @module api/handlers/kit
 * What every handler file uses: register a contract route with its handler, read the
 * validated input, parse instants, answer 404.
 */
import type { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { NotFoundError, ValidationError } from "../../core/errors.js";
import type { ContractRoute } from "../../contract/route-kit.js";
import type { ApiApp, ApiContext } from "../types.js";

/** The validated parts of a request. */
export interface Input {
  readonly params: Record<string, string>;
  readonly query: Record<string, unknown>;
  readonly body: Record<string, unknown>;
}

/** Register `route` on `app`; the handler gets the validated input. */
export function on(
  app: ApiApp,
  route: ContractRoute,
  handler: (c: ApiContext, input: Input) => Promise<Response>,
): void {
  const h = async (c: ApiContext) => {
    const valid = c.req.valid.bind(c.req) as (target: string) => unknown;
    return handler(c, {
      params: (valid("param") ?? {}) as Record<string, string>,
      query: (valid("query") ?? {}) as Record<string, unknown>,
      body: (valid("json") ?? {}) as Record<string, unknown>,
    });
  };
  app.openapi(route, h as never);
}

/** The validated body typed by its schema. */
export function bodyOf<S extends z.ZodType>(input: Input, _schema: S): z.output<S> {
  return input.body as z.output<S>;
}

/** The validated query typed by its schema. */
export function queryOf<S extends z.ZodType>(input: Input, _schema: S): z.output<S> {
  return input.query as z.output<S>;
}

/** Answer JSON with a status. */
export function send(c: ApiContext, value: unknown, status: number = 200): Response {
  return c.json(value as object, status as ContentfulStatusCode);
}

/** An instant from the wire (ISO text or epoch ms) as a Date; ValidationError when malformed. */
export function instant(value: string | number, field: string): Date {
  const d = typeof value === "number" ? new Date(value) : parseText(value);
  if (Number.isNaN(d.getTime())) {
    throw new ValidationError(
      `${field} must be an ISO-8601 instant or epoch milliseconds, got ${JSON.stringify(value)}`,
    );
  }
  return d;
}

function parseText(text: string): Date {
  return /^\d+$/.test(text) ? new Date(Number(text)) : new Date(text);
}

/** `value`, or NotFoundError with `message` when it is null. */
export function found<T>(value: T | null, message: string): T {
  if (value === null) throw new NotFoundError(message);
  return value;
}

/** A csv query value as a list (absent or empty: undefined). */
export function csv(value: unknown): string[] | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Keep only the keys whose value is not undefined (exactOptionalPropertyTypes). */
export function defined<T extends object>(obj: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as never;
}
