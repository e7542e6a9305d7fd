/**
 * @module contract/route-kit
 * How a route of the contract is declared: `createRoute` plus its scope (`read`, `write` or
 * `public`), carried both on the object (for the server's auth and the client) and in the
 * OpenAPI operation as `x-kairos-scope`, with bearer security and the shared error answers.
 */
import { createRoute, z, type RouteConfig } from "@hono/zod-openapi";
import { ErrorBody } from "./schemas/common.js";

/** What a route needs: `write` implies `read`; `public` needs no token. */
export type RouteScope = "read" | "write" | "public";

/** The base path of every API route. */
export const API_BASE = "/api/v1";

const errorAnswer = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorBody } },
});

/** The error answers every authenticated operation may give. */
const ERROR_RESPONSES = {
  400: errorAnswer("The request is malformed (schema, JSON)"),
  401: errorAnswer("No valid token"),
  403: errorAnswer("The token's scope does not allow this request"),
  404: errorAnswer("Not found"),
  409: errorAnswer("Conflict"),
  413: errorAnswer("Body or payload too large"),
  415: errorAnswer("Not application/json"),
  422: errorAnswer("The engine refused the input"),
  429: errorAnswer("Queue full; retry after Retry-After seconds"),
  500: errorAnswer("Internal error"),
  503: errorAnswer("Shutting down or store unavailable"),
} as const;

/** A JSON body answer. */
export function json<T extends z.ZodType>(schema: T, description = "OK") {
  return { description, content: { "application/json": { schema } } };
}

/** A required JSON request body. */
export function body<T extends z.ZodType>(schema: T, required = true) {
  return { body: { required, content: { "application/json": { schema } } } };
}

/** A contract route: the createRoute object plus its scope. */
export type ContractRoute<R extends RouteConfig = RouteConfig> = ReturnType<
  typeof createRoute<string, R>
> & {
  readonly scope: RouteScope;
};

/**
 * Declare a route: `path` is relative to /api/v1 in OpenAPI form (`/jobs/{id}`). The scope
 * defaults to the method's rule (GET read, anything else write).
 */
export function route<R extends Omit<RouteConfig, "path">>(
  path: string,
  config: R & { readonly scope?: RouteScope },
): ContractRoute<R & { path: string }> {
  const scope: RouteScope = config.scope ?? (config.method === "get" ? "read" : "write");
  const { scope: _s, ...rest } = config;
  const made = createRoute({
    ...rest,
    path: `${API_BASE}${path}`,
    security: scope === "public" ? [] : [{ bearer: [] }],
    "x-kairos-scope": scope,
    responses: scope === "public" ? rest.responses : { ...ERROR_RESPONSES, ...rest.responses },
  } as unknown as R & { path: string });
  return Object.assign(made, { scope });
}
