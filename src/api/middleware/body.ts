/**
 * @module api/middleware/body
 * Request bodies: at most `maxBytes`, JSON only (415 otherwise), and invalid JSON answered 400
 * with the offset where it stops being valid.
 *
 * A body with a Content-Length is judged by the header alone (Node's HTTP parser never
 * delivers more than it declares) and then read by @hono/node-server straight from the socket;
 * only a body without one (chunked) goes through hono's bodyLimit, which counts the bytes as
 * they stream. Neither middleware touches `c.req.raw.body` when a header answers the question:
 * that getter builds a web `Request` and stream around the socket, which cost more than the
 * rest of an enqueue.
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { jsonErrorOffset } from "../../core/json-position.js";
import { requestError } from "./errors.js";

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** The declared Content-Length of a request without Transfer-Encoding, when valid. */
function declaredLength(c: Context): number | undefined {
  if (c.req.header("transfer-encoding") !== undefined) return undefined;
  const header = c.req.header("content-length");
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header);
}

/** True when the request carries a body (by its headers when they say, else by the stream). */
function hasBody(c: Context): boolean {
  const length = declaredLength(c);
  if (length !== undefined) return length > 0;
  if (c.req.header("transfer-encoding") !== undefined) return true;
  return c.req.raw.body !== null;
}

/** 413 PAYLOAD_TOO_LARGE over `maxBytes`. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = (c: Context) =>
    requestError(
      c,
      413,
      "PAYLOAD_TOO_LARGE",
      `request body is over the limit of ${maxBytes} bytes`,
      { maxBytes },
    );
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const length = declaredLength(c);
    if (length === undefined) return streamed(c, next);
    if (length > maxBytes) return tooLarge(c);
    await next();
  };
}

/** 415 for a body that is not declared JSON; 400 with `position` for invalid JSON. */
export function jsonOnly(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || !hasBody(c)) return next();
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
