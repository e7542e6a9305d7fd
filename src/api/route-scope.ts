/**
 * @module api/route-scope
 * The scope a request needs, looked up from the contract's routes by method and path (a
 * request that matches no route needs `read` for GET and `write` otherwise, then gets 404).
 */
import type { Context } from "hono";
import type { RouteScope } from "../contract/route-table.js";
import { OPENAPI_PATH, ROUTES } from "../contract/routes.js";

interface Matcher {
  readonly method: string;
  readonly pattern: RegExp;
  readonly scope: RouteScope;
}

const escape = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, "\\$&");

const MATCHERS: readonly Matcher[] = Object.values(ROUTES).map((r) => ({
  method: r.method.toUpperCase(),
  pattern: new RegExp(
    `^${r.path
      .split(/(\{[^}]+\})/)
      .map((part) => (part.startsWith("{") ? "[^/]+" : escape(part)))
      .join("")}/?$`,
  ),
  scope: r.scope,
}));

/** The scope `method path` needs. */
export function scopeFor(method: string, path: string): RouteScope {
  if (method === "GET" && path === OPENAPI_PATH) return "public";
  const literal = MATCHERS.find(
    (m) => m.method === method && m.pattern.test(path) && !m.pattern.source.includes("[^/]+"),
  );
  const found = literal ?? MATCHERS.find((m) => m.method === method && m.pattern.test(path));
  if (found) return found.scope;
  return method === "GET" || method === "HEAD" ? "read" : "write";
}

/** The scope the request in `c` needs. */
export function scopeOfRequest(c: Context): RouteScope {
  return scopeFor(c.req.method, new URL(c.req.url).pathname);
}
