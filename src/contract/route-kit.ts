/**
 * @module contract/route-kit
 * How the routes of the contract are declared: each by its name in the route table
 * (contract/route-table.ts), which gives its method, path and scope; the declaration adds only
 * the request and response schemas. The scope is carried both on the object (for the server's
 * auth) and in the OpenAPI operation as `x-kairos-scope`, with bearer security and the shared
 * error answers.
 */
import { createRoute, z, type RouteConfig } from "@hono/zod-openapi";
import { ErrorBody } from "./schemas/common.js";
import {
  apiPath,
  routeEntry,
  scopeOf,
  type ROUTE_TABLE,
  type RouteName,
  type RouteScope,
} from "./route-table.js";

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

/** What a declaration gives beside the table's entry: the schemas of the request and answers. */
export type RouteSpec = Omit<RouteConfig, "path" | "method">;

/**
 * The spec a route of the table accepts: a request body exactly when the table says the
 * client sends one (checked by the compiler, so the two cannot drift apart).
 */
export type SpecOf<N extends RouteName> = (typeof ROUTE_TABLE)[N] extends { readonly body: true }
  ? RouteSpec & { readonly request: { readonly body: object } }
  : RouteSpec & { readonly request?: { readonly body?: never } };

/** A contract route: the createRoute object (full path, method) plus its scope. */
export type ContractRoute = RouteConfig & { readonly scope: RouteScope };

/** Declare the route `name` of the table with its schemas. */
function route<N extends RouteName>(name: N, spec: SpecOf<N>): ContractRoute {
  const entry = routeEntry(name);
  const scope = scopeOf(entry);
  const made = createRoute({
    method: entry.method,
    ...spec,
    path: apiPath(entry),
    security: scope === "public" ? [] : [{ bearer: [] }],
    "x-kairos-scope": scope,
    responses: scope === "public" ? spec.responses : { ...ERROR_RESPONSES, ...spec.responses },
  });
  return Object.assign(made, { scope });
}

/**
 * Declare a group of routes, each keyed by its name in the table (a key the table lacks does
 * not compile): the group's routes by name.
 */
export function defineRoutes<
  G extends { readonly [K in keyof G]: K extends RouteName ? SpecOf<K> : never },
>(specs: G): { readonly [K in keyof G]: ContractRoute } {
  const out: Record<string, ContractRoute> = {};
  for (const [name, spec] of Object.entries(specs)) {
    out[name] = route(name as RouteName, spec as SpecOf<RouteName>);
  }
  return out as { readonly [K in keyof G]: ContractRoute };
}
