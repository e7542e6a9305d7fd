/**
 * @module api/middleware/auth
 * Bearer-token auth with scopes. 401 (with `WWW-Authenticate`) for a missing, malformed,
 * unknown or revoked token, one message for all; 403 with `details.required` for a read token
 * on a write route. In `loopback-open` mode, while no token is active, a request is let in
 * (write scope) only when its peer is a loopback address AND its Host is 127.0.0.1, localhost
 * or [::1] (a browser page on another name cannot reach it through DNS rebinding).
 */
import type { Context, MiddlewareHandler } from "hono";
import { ForbiddenError, UnauthorizedError } from "../../core/errors.js";
import { scopeAllows } from "../../core/tokens.js";
import type { RouteScope } from "../../contract/route-table.js";
import type { EngineTokensApi } from "../../runtime/client.js";
import type { ApiEnv, AuthOptions, RequestAuth } from "../types.js";

/** Whether an IP address is loopback (127.0.0.0/8, ::1, IPv4-mapped 127.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.replace(/^::ffff:/i, "");
  return a === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** Whether a Host header names the loopback (127.0.0.1, localhost, [::1], any port). */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0]!;
  return ["127.0.0.1", "localhost", "[::1]"].includes(name.toLowerCase());
}

function bearer(c: Context): string | null | undefined {
  const header = c.req.header("authorization");
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

/** Decide who the request is, or throw UnauthorizedError. */
async function authenticate(
  c: Context,
  tokens: EngineTokensApi | null,
  options: AuthOptions,
): Promise<RequestAuth> {
  const text = bearer(c);
  if (text === null) throw new UnauthorizedError();
  if (text !== undefined) {
    const info = tokens === null ? null : await tokens.verify(text);
    if (info === null) throw new UnauthorizedError();
    return { scope: info.scope, via: "token", tokenId: info.id };
  }
  if (options.mode === "loopback-open" && (tokens === null || (await tokens.activeCount()) === 0)) {
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    if (isLoopbackAddress(options.peerAddress(c)) && isLoopbackHost(host)) {
      return { scope: "write", via: "loopback-open", tokenId: null };
    }
  }
  throw new UnauthorizedError();
}

/**
 * Require `scope` (as given, or as `scopeOf(c)` decides per request). Sets `auth` on the
 * context for handlers (whoami) and the request log.
 */
export function requireScope(
  tokens: EngineTokensApi | null,
  options: AuthOptions,
  scope: RouteScope | ((c: Context) => RouteScope),
): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const need = typeof scope === "function" ? scope(c) : scope;
    if (need === "public") return next();
    const auth = await authenticate(c, tokens, options);
    if (!scopeAllows(auth.scope, need)) throw new ForbiddenError(need);
    c.set("auth", auth);
    return next();
  };
}
