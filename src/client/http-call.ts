/**
 * @module client/http-call
 * One request of the contract: the URL from the route table (path parameters encoded, query
 * from the given values, Dates as ISO text, lists as csv), the bearer token, a timeout, and
 * the answer: the revived JSON body, or the same KairosError the server raised.
 */
import { KairosError, StoreUnavailableError } from "../core/errors.js";
import { errorFromWire, type WireError } from "../contract/errors.js";
import { reviveAs, type ShapeName } from "../contract/revive.js";
import { apiPath, routeEntry, type RouteName } from "../contract/route-table.js";

/** Default request timeout (as the CLI's store queries). */
export const HTTP_TIMEOUT_MS = 30_000;

/** How to reach the server. */
export interface HttpTransportOptions {
  /** Base URL, e.g. `http://127.0.0.1:7070` (a trailing slash or path prefix is kept). */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
  readonly timeoutMs?: number | undefined;
  /** A fetch to use instead of the global one (tests: `app.request`). */
  readonly fetch?: typeof fetch | undefined;
}

/** The parts of a request. */
export interface CallParts {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, unknown>>;
  readonly body?: unknown;
}

/** An answer: its status and revived body. */
export interface CallAnswer<T> {
  readonly status: number;
  readonly value: T;
}

function queryValue(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => queryValue(x)).join(",");
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** The URL of a route with its parameters and query. */
export function routeUrl(base: string, name: RouteName, parts: CallParts): string {
  const path = apiPath(routeEntry(name)).replace(/\{([^}]+)\}/g, (_m, key: string) => {
    const value = parts.params?.[key];
    if (value === undefined)
      throw new KairosError("VALIDATION", `missing path parameter ${key} of ${name}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(parts.query ?? {})) {
    const text = queryValue(v);
    if (text !== undefined) search.set(k, text);
  }
  const qs = search.toString();
  return `${base.replace(/\/+$/, "")}${path}${qs === "" ? "" : `?${qs}`}`;
}

/** Headers every request carries. */
export function baseHeaders(options: HttpTransportOptions): Record<string, string> {
  return options.token ? { authorization: `Bearer ${options.token}` } : {};
}

/** The KairosError an error answer stands for. */
export async function errorOf(res: Response): Promise<KairosError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: WireError };
    if (body.error && typeof body.error.code === "string") return errorFromWire(body.error);
  } catch {
    // not our error body: a proxy's page, ...
  }
  return new KairosError(
    "STORE",
    `the server answered ${res.status} ${res.statusText}: ${text.slice(0, 200)}`,
  );
}

/** Make one call; `nullOn404` answers null instead of throwing NotFoundError. */
export async function call<T>(
  options: HttpTransportOptions,
  name: RouteName,
  parts: CallParts,
  shape: ShapeName,
): Promise<CallAnswer<T>> {
  const route = routeEntry(name);
  const url = routeUrl(options.url, name, parts);
  const headers = baseHeaders(options);
  const hasBody = route.body === true;
  if (hasBody) headers["content-type"] = "application/json";
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      method: route.method.toUpperCase(),
      headers,
      ...(hasBody ? { body: JSON.stringify(parts.body ?? {}) } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? HTTP_TIMEOUT_MS),
    });
  } catch (err) {
    const why =
      (err as Error).name === "TimeoutError" ? "did not answer in time" : "cannot be reached";
    throw new StoreUnavailableError(
      `the server at ${options.url} ${why} (${(err as Error).message})`,
      { cause: err },
    );
  }
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return { status: 204, value: undefined as T };
  return { status: res.status, value: reviveAs<T>(await res.json(), shape) };
}
