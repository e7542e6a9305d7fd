/**
 * @module api/middleware/body
 * Request bodies: at most `maxBytes` (hono's bodyLimit, which also counts chunked bodies
 * without Content-Length), JSON only (415 otherwise), and invalid JSON answered 400 with the
 * offset where it stops being valid.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { jsonErrorOffset } from "../../core/json-position.js";
import { requestError } from "./errors.js";

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** 413 PAYLOAD_TOO_LARGE over `maxBytes`. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      requestError(
        c,
        413,
        "PAYLOAD_TOO_LARGE",
        `request body is over the limit of ${maxBytes} bytes`,
        {
          maxBytes,
        },
      ),
  });
}

/** 415 for a body that is not declared JSON; 400 with `position` for invalid JSON. */
export function jsonOnly(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.raw.body === null) return next();
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim();
    const text = await c.req.text();
    if (type === "" && text.length === 0) return next();
    if (!JSON_TYPE.test(type)) {
      return requestError(
        c,
        415,
        "VALIDATION",
        `request body must be JSON: send Content-Type: application/json (got ${type === "" ? "none" : JSON.stringify(type)})`,
      );
    }
    if (text.trim().length === 0) return next();
    try {
      JSON.parse(text);
    } catch {
      const position = jsonErrorOffset(text) ?? 0;
      return requestError(
        c,
        400,
        "VALIDATION",
        `request body is not valid JSON at position ${position}`,
        {
          position,
        },
      );
    }
    return next();
  };
}
