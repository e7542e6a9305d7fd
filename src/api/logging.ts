/**
 * @module api/logging
 * The server's logs: `createLogger` (pino: JSON lines through an asynchronous destination, or
 * pino-pretty as a synchronous stream for `kairos dev`), and `requestLog`, a Hono middleware
 * writing one line per request `{ reqId, method, route, status, ms }` (route: the matched
 * pattern, never the raw path, so ids and query strings never reach the log) and counting the
 * request in the metrics. No header is logged, so no `Authorization` either.
 */
import { randomUUID } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes, routePath } from "hono/route";
import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";
import pinoPretty from "pino-pretty";
import type { LogLevel } from "./log-levels.js";
import type { Metrics } from "./metrics.js";

/** Options of `createLogger`. */
export interface LoggerOptions {
  readonly level: LogLevel;
  /** Human-readable lines (kairos dev); default JSON lines. */
  readonly pretty?: boolean;
  /** Where lines go (tests); default stdout. */
  readonly destination?: DestinationStream;
}

/**
 * A pino logger. JSON lines go through `pino.destination({ sync: false })` (buffered, flushed
 * by pino at exit) so logging a request costs little at thousands of requests per second;
 * pretty lines are written synchronously so they interleave with the dev printer's output.
 */
export function createLogger(options: LoggerOptions): PinoLogger {
  const base = { level: options.level, base: { pid: process.pid } };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    return pino(
      base,
      pinoPretty({ sync: true, colorize: process.stdout.isTTY, ignore: "pid,hostname" }),
    );
  }
  return pino(base, pino.destination({ sync: false }));
}

/** The engine's logger (`createKairos({ logger })`): the server's, with `component: "engine"`. */
export function engineLogger(root: PinoLogger): PinoLogger {
  return root.child({ component: "engine" });
}

/** The route label of a request that matched no endpoint. */
export const UNMATCHED_ROUTE = "unmatched";

/** Options of `requestLog`. */
export interface RequestLogOptions {
  /** Counts each request (kairos_http_requests_total, kairos_http_request_duration_seconds). */
  readonly metrics?: Pick<Metrics, "observeHttp">;
  /** Level of a request's line below 500 (default info; kairos dev uses debug). 5xx: error. */
  readonly level?: "info" | "debug";
  /** Extra fields for the line, read after the response (e.g. `{ tokenId, scope }` set by auth). */
  readonly fields?: (c: Context) => Record<string, unknown>;
}

/** The logger surface `requestLog` writes to. */
export type RequestLogger = Pick<PinoLogger, "info" | "debug" | "error">;

/**
 * One log line and one metrics observation per request; sets `X-Request-Id` on the response
 * (the client's, when it sent a usable one, else a new one). Mount it first, before auth and
 * body checks, so refused requests are logged and counted too.
 */
export function requestLog(
  logger: RequestLogger,
  options: RequestLogOptions = {},
): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    const given = c.req.header("x-request-id");
    const reqId = given !== undefined && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    await next();
    const seconds = (performance.now() - started) / 1000;
    if (!c.res.headers.has("x-request-id")) c.header("X-Request-Id", reqId);
    const status = c.res.status;
    const route = matchedPattern(c, status);
    options.metrics?.observeHttp(c.req.method, route, status, seconds);
    const line = {
      reqId: c.res.headers.get("x-request-id") ?? reqId,
      method: c.req.method,
      route,
      status,
      ms: Math.round(seconds * 100_000) / 100,
      ...options.fields?.(c),
    };
    if (status >= 500) logger.error(line, "request failed");
    else if (options.level === "debug") logger.debug(line, "request");
    else logger.info(line, "request");
  };
}

/**
 * The pattern of the endpoint the request matched (`/api/v1/jobs/:id`), also when middleware
 * (auth, body limit) answered before it; `unmatched` for a 404 no endpoint matched.
 */
function matchedPattern(c: Context, status: number): string {
  const endpoint = matchedRoutes(c).findLast((r) => r.method !== "ALL");
  if (endpoint) return endpoint.path;
  return status === 404 ? UNMATCHED_ROUTE : routePath(c);
}
