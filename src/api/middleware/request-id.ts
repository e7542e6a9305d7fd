/**
 * @module api/middleware/request-id
 * Every response carries `X-Request-Id`: the one the request gave (if sane), else a new one.
 */
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { ApiEnv } from "../types.js";

const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Set `requestId` on the context and the response header. */
export function requestId(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    const id = given !== undefined && SANE.test(given) ? given : randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
    c.res.headers.set("X-Request-Id", id);
  };
}
