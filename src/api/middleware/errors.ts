/**
 * @module api/middleware/errors
 * Every failure becomes `{ error: { code, message, details? } }`: request schema failures (400
 * with `issues`), HTTP exceptions of hono (malformed JSON 400, 415, 413), KairosErrors by the
 * contract's table, anything else 500 INTERNAL with the request id (and logged).
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { KairosError } from "../../core/errors.js";
import { answerFor, internalAnswer, type ErrorAnswer } from "../../contract/errors.js";
import type { ApiEnv, ApiLogger } from "../types.js";

/** Send an answer. */
export function sendAnswer(c: Context, answer: ErrorAnswer): Response {
  for (const [k, v] of Object.entries(answer.headers)) c.header(k, v);
  return c.json(answer.body, answer.status as ContentfulStatusCode);
}

/** A request-level error (before any engine call): status, code, message, details. */
export function requestError(
  c: Context,
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
): Response {
  return sendAnswer(c, {
    status,
    headers: {},
    body: { error: { code, message, ...(details ? { details } : {}) } },
  });
}

/** zod's words for a key that is absent ("expected nonoptional, received undefined"). */
const MISSING = /^Invalid input: expected \w+, received undefined$/;

/**
 * zod issues as `{ path, message }` (path joined with dots); a missing field reads "required
 * (missing)" instead of zod's type jargon.
 */
export function issuesOf(error: unknown): { path: string; message: string }[] {
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? [];
  return issues.map((i) => ({
    path: i.path.map(String).join("."),
    message: MISSING.test(i.message) ? "required (missing)" : i.message,
  }));
}

/** The `defaultHook` of the app: a failed request schema is 400 VALIDATION with its issues. */
export function validationHook(
  result: { success: boolean; error?: unknown; target?: string },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const issues = issuesOf(result.error);
  const where = result.target === "json" ? "body" : (result.target ?? "request");
  const first = issues[0];
  const message = first
    ? `invalid request ${where}: ${first.path === "" ? "" : `${first.path}: `}${first.message}`
    : `invalid request ${where}`;
  return requestError(c, 400, "VALIDATION", message, { issues });
}

/** The app's onError. */
export function onError(logger: ApiLogger | undefined) {
  return (err: Error, c: Context<ApiEnv>): Response => {
    const requestId = c.get("requestId") ?? "-";
    if (err instanceof KairosError) {
      const answer = answerFor(err, requestId);
      if (answer.status === 500) logger?.error({ err, requestId }, "request failed");
      return sendAnswer(c, answer);
    }
    if (err instanceof HTTPException) return fromHttpException(c, err);
    logger?.error({ err, requestId }, "request failed");
    return sendAnswer(c, internalAnswer(requestId));
  };
}

function fromHttpException(c: Context, err: HTTPException): Response {
  switch (err.status) {
    case 413:
      return requestError(c, 413, "PAYLOAD_TOO_LARGE", "request body is too large");
    case 415:
      return requestError(
        c,
        415,
        "VALIDATION",
        "request body must be JSON: send Content-Type: application/json",
      );
    case 400:
      return requestError(c, 400, "VALIDATION", `request body is not valid JSON (${err.message})`);
    default:
      return requestError(
        c,
        err.status,
        err.status === 404 ? "NOT_FOUND" : "VALIDATION",
        err.message,
      );
  }
}

/** The app's notFound: 404 NOT_FOUND naming the method and path. */
export function notFound(c: Context): Response {
  return requestError(
    c,
    404,
    "NOT_FOUND",
    `no route ${c.req.method} ${new URL(c.req.url).pathname}; see /api/v1/openapi.json`,
  );
}
