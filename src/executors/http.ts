/**
 * @module executors/http
 * The `http` executor: a job is one request that sends its payload as JSON to a URL. The
 * request is aborted when the job's signal aborts (timeout, cancel, shutdown) and on the
 * executor's own `timeoutMs`; response bodies are read up to a cap, so a huge or endless
 * response can neither exhaust memory nor bloat the stored result.
 */
import { UnrecoverableError, ValidationError } from "../core/errors.js";
import type { ExecutorHandler, JobContext } from "../ports/executor.js";
import { abortReason } from "./abort.js";
import { HttpExecutorError, HttpRequestError } from "./errors.js";
import { MESSAGE_SNIPPET_BYTES, OUTPUT_LIMIT_BYTES, isValidTimeoutMs } from "./limits.js";

/** Where and how an `http` function sends its payload. */
export interface HttpExecutorSpec {
  /**
   * An absolute http: or https: URL. Credentials in it (`https://user:pass@host/`) are sent as
   * Basic authorization (an `authorization` header in `headers` wins) and redacted in messages.
   */
  url: string;
  /** Default "POST". */
  method?: "POST" | "PUT";
  /**
   * Extra request headers. They override the defaults: `content-type: application/json`,
   * `x-kairos-job-id`, `x-kairos-attempt` and `x-kairos-function`.
   */
  headers?: Record<string, string>;
  /**
   * Abort the request (body download included) after this many ms. The job's own timeout
   * applies as well; whichever comes first ends the attempt. null or absent: no own timeout.
   */
  timeoutMs?: number | null;
}

/** The result of a successful request. */
export interface HttpExecutorResult {
  status: number;
  /**
   * The response body: parsed when the response is JSON (`application/json` or `+json`;
   * `null` when empty), else text. A body over 64 KiB is cut there and returned as text
   * ending in a "…[truncated …]" marker, even when it is JSON.
   */
  body: unknown;
}

/**
 * A handler that sends the job's payload as JSON to `spec.url` and resolves with
 * `{ status, body }` on a 2xx response. Redirects are not followed (a 3xx fails).
 *
 * Failures:
 * - a non-2xx status throws HttpExecutorError (code "HTTP_STATUS"; `status`, `bodySnippet`),
 *   retried per the function's retry policy — except that a 4xx other than 408 (Request
 *   Timeout) and 429 (Too Many Requests) is not worth retrying: it throws an
 *   UnrecoverableError whose `cause` is the HttpExecutorError, so the job fails at once;
 * - no response (connection refused, DNS failure, reset, the executor's own `timeoutMs`)
 *   throws HttpRequestError (code "HTTP_REQUEST"; `failure` is "timeout" or "network");
 * - when the job's signal aborts, the request is aborted and the signal's reason is thrown.
 *
 * The spec is checked here, once: a bad URL, method, header or timeout throws ValidationError.
 */
export function createHttpHandler(spec: HttpExecutorSpec): ExecutorHandler<HttpExecutorResult> {
  const { url, shownUrl, basicAuth, method, timeoutMs } = checkSpec(spec);

  return async (payload: unknown, ctx: JobContext): Promise<HttpExecutorResult> => {
    const headers = new Headers({
      "content-type": "application/json",
      "x-kairos-job-id": ctx.jobId,
      "x-kairos-attempt": String(ctx.attempt),
      "x-kairos-function": ctx.fn,
    });
    if (basicAuth !== null) headers.set("authorization", basicAuth);
    for (const [name, value] of Object.entries(spec.headers ?? {})) headers.set(name, value);
    const body = JSON.stringify(payload ?? null);
    const timeoutSignal = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : null;
    const signal = timeoutSignal ? AbortSignal.any([ctx.signal, timeoutSignal]) : ctx.signal;

    let response: Response;
    let text: CappedText;
    try {
      response = await fetch(url, { method, headers, body, signal, redirect: "manual" });
      text = await readCapped(response, response.ok ? OUTPUT_LIMIT_BYTES : MESSAGE_SNIPPET_BYTES);
    } catch (error) {
      if (ctx.signal.aborted) throw abortReason(ctx.signal);
      throw noResponseError(
        error,
        { method, shownUrl, timeoutMs },
        timeoutSignal?.aborted === true,
      );
    }

    if (response.ok) {
      return { status: response.status, body: resultBody(response, text) };
    }
    throw statusError(response, text, { method, shownUrl });
  };
}

/** The spec once checked: a bad URL, method, header or timeout throws ValidationError. */
interface CheckedSpec {
  url: URL;
  shownUrl: string;
  basicAuth: string | null;
  method: "POST" | "PUT";
  timeoutMs: number | undefined;
}

function checkSpec(spec: HttpExecutorSpec): CheckedSpec {
  const { url, shownUrl, basicAuth } = checkUrl(spec.url);
  const method = spec.method ?? "POST";
  if (method !== "POST" && method !== "PUT") {
    throw new ValidationError(
      `http executor: method must be "POST" or "PUT", got ${JSON.stringify(method)}`,
    );
  }
  const timeoutMs = spec.timeoutMs ?? undefined;
  if (timeoutMs !== undefined && !isValidTimeoutMs(timeoutMs)) {
    throw new ValidationError(
      `http executor for ${shownUrl}: timeoutMs must be a number of ms in 1..2147483647, got ${String(timeoutMs)}`,
    );
  }
  try {
    new Headers(spec.headers ?? {});
  } catch (error) {
    throw new ValidationError(
      `http executor for ${shownUrl}: invalid headers: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return { url, shownUrl, basicAuth, method, timeoutMs };
}

/** How a request is named in its errors. */
interface RequestLabel {
  method: "POST" | "PUT";
  shownUrl: string;
}

/** No complete response: the executor's own timeout elapsed, or the network failed. */
function noResponseError(
  error: unknown,
  { method, shownUrl, timeoutMs }: RequestLabel & { timeoutMs: number | undefined },
  timedOut: boolean,
): HttpRequestError {
  if (timedOut) {
    return new HttpRequestError(
      {
        method,
        url: shownUrl,
        failure: "timeout",
        errno: null,
        detail: `timed out after ${timeoutMs} ms (the executor's timeoutMs) without a complete response`,
      },
      { cause: error },
    );
  }
  const errno = findErrno(error);
  return new HttpRequestError(
    {
      method,
      url: shownUrl,
      failure: "network",
      errno,
      detail: describeNetworkError(error, errno),
    },
    { cause: error },
  );
}

/**
 * A non-2xx response: HttpExecutorError (retried), or for a 4xx that will fail the same way
 * again an UnrecoverableError caused by it.
 */
function statusError(
  response: Response,
  text: CappedText,
  { method, shownUrl }: RequestLabel,
): HttpExecutorError | UnrecoverableError {
  const location = response.headers.get("location");
  const failure = new HttpExecutorError({
    method,
    url: shownUrl,
    status: response.status,
    bodySnippet: text.truncated ? `${text.text}…[truncated]` : text.text,
    ...(response.status >= 300 && response.status < 400
      ? {
          hint: `redirects are not followed${location ? ` (Location: ${location})` : ""}; point the url at the final location`,
        }
      : {}),
  });
  if (isUnrecoverableStatus(response.status)) {
    return new UnrecoverableError(
      `${failure.message} — a ${response.status} client error is not retried; fix the request or the endpoint`,
      { cause: failure },
    );
  }
  return failure;
}

/** A 4xx other than 408 and 429: the same request will fail the same way. */
function isUnrecoverableStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * The URL to fetch, how to show it in messages (any password redacted), and the Basic
 * authorization its credentials stand for: fetch refuses a URL with credentials in it.
 */
function checkUrl(raw: unknown): { url: URL; shownUrl: string; basicAuth: string | null } {
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch (error) {
    throw new ValidationError(
      `http executor: url must be an absolute http(s) URL, got ${JSON.stringify(raw)}`,
      { cause: error },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ValidationError(
      `http executor: url must use http: or https:, got ${JSON.stringify(url.protocol)} in ${JSON.stringify(raw)}`,
    );
  }
  const shown = new URL(url.href);
  if (shown.password) shown.password = "***";
  let basicAuth: string | null = null;
  if (url.username !== "" || url.password !== "") {
    const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    basicAuth = `Basic ${Buffer.from(user, "utf8").toString("base64")}`;
    url.username = "";
    url.password = "";
  }
  return { url, shownUrl: shown.href, basicAuth };
}

interface CappedText {
  text: string;
  /** True when the body went on past the cap (the rest was not downloaded). */
  truncated: boolean;
}

/** Read at most `capBytes` of the body as UTF-8, then cancel the rest of the download. */
async function readCapped(response: Response, capBytes: number): Promise<CappedText> {
  if (response.body === null) return { text: "", truncated: false };
  // @types/node types fetch bodies loosely; undici always yields Uint8Array chunks.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), truncated: false };
    const room = capBytes - bytes;
    if (value.byteLength > room) {
      // `stream: true` holds back a character cut in half at the cap instead of mangling it.
      text += decoder.decode(value.subarray(0, room), { stream: true });
      await reader.cancel().catch(() => undefined);
      return { text, truncated: true };
    }
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
}

function resultBody(response: Response, { text, truncated }: CappedText): unknown {
  if (truncated) {
    const length = response.headers.get("content-length");
    const total = length !== null ? ` of ${length}` : "";
    return `${text}…[truncated: kept the first ${OUTPUT_LIMIT_BYTES}${total} bytes]`;
  }
  const type = response.headers.get("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type.trim())) return text;
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // Declared JSON but is not: keep what the server said.
  }
}

/** The first `code` string down the cause chain of a fetch failure (undici nests them). */
function findErrno(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested) && nested[0] instanceof Error) {
      const first = (nested[0] as { code?: unknown }).code;
      if (typeof first === "string") return first;
    }
    current = current.cause;
  }
  return null;
}

/** The innermost message of a cause chain: undici's outer "fetch failed" says nothing. */
function innermostMessage(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message;
}

function describeNetworkError(error: unknown, errno: string | null): string {
  const detail = innermostMessage(error);
  const label = ((): string => {
    switch (errno) {
      case "ECONNREFUSED":
        return "connection refused: nothing accepts connections at that host and port";
      case "ENOTFOUND":
      case "EAI_AGAIN":
        return "host not found: check the host name and DNS";
      case "ECONNRESET":
      case "EPIPE":
      case "UND_ERR_SOCKET":
        return "the server closed the connection before a complete response";
      case "ETIMEDOUT":
      case "UND_ERR_CONNECT_TIMEOUT":
        return "could not connect in time";
      case "UND_ERR_HEADERS_TIMEOUT":
      case "UND_ERR_BODY_TIMEOUT":
        return "the server stopped responding";
      case "EHOSTUNREACH":
      case "ENETUNREACH":
        return "the host is unreachable";
      case null:
        return "network error";
      default:
        return errno.includes("CERT") || errno.includes("SELF_SIGNED")
          ? "the server's TLS certificate was rejected"
          : "network error";
    }
  })();
  return errno ? `${label} (${errno}: ${detail})` : `${label} (${detail})`;
}
