/**
 * @module dashboard/api/errors
 * The API's error body (`{ error: { code, message, details } }`) as an Error the pages can
 * show, for any failed answer: a body that is not the API's (a proxy's HTML page, an empty
 * 502) still gives a code (`HTTP_<status>`) and a message that says what happened.
 */

/** A failed API call: the server's code and message, and the HTTP status (0: no answer). */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The ApiError of a failed response (reads its body). */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let text = "";
  try {
    text = await res.text();
  } catch {
    // the body could not be read: fall back to the status below
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error) && typeof error.code === "string" && typeof error.message === "string") {
    const details = isRecord(error.details) ? error.details : {};
    return new ApiError(res.status, error.code, error.message, details);
  }
  const reason = res.statusText ? ` ${res.statusText}` : "";
  return new ApiError(
    res.status,
    `HTTP_${res.status}`,
    `the server answered ${res.status}${reason}`,
  );
}

/** The ApiError of a request that got no answer (network down, server stopped). */
export function networkError(cause: unknown): ApiError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new ApiError(0, "NETWORK", `the server could not be reached (${why})`);
}
