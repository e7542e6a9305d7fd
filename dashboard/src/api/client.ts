/**
 * @module dashboard/api/client
 * A typed fetch wrapper over the Kairos API: the bearer token on every call, JSON in and out,
 * and every failure thrown as an ApiError (errors.ts). Types come from schema.d.ts, generated
 * from the server's OpenAPI document.
 */
import { ApiError, errorFromResponse, networkError } from "./errors.js";
import type { components } from "./schema.js";

type S = components["schemas"];
/** A job as the API answers it. */
export type Job = S["Job"];
/** One page of jobs. */
export type JobPage = S["JobPage"];
/** A job's log line. */
export type JobLogLine = S["JobLogLine"];
/** One attempt of a job. */
export type JobAttempt = S["JobAttempt"];
/** Why a job is (not) running. */
export type JobWhy = S["JobWhy"];
/** An event of the feed. */
export type FeedEvent = S["FeedEvent"];
/** A stop or start request. */
export type JobControlRequest = S["JobControlRequest"];
/** What `GET /whoami` answers. */
export type Whoami = { scope: "read" | "write"; auth: string; tokenId: string | null };

/** How the client reaches the server. */
export interface ApiOptions {
  /** The token sent as `Authorization: Bearer` (null: none). */
  readonly token: () => string | null;
  /** The server's origin ("" in the browser: same origin). */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
}

/** Query parameters: undefined and "" are left out. */
export type Query = Record<string, string | number | undefined>;

/** Build a URL of the API from a path under /api/v1 and a query. */
export function apiUrl(baseUrl: string, path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return `${baseUrl}/api/v1${path}${s ? `?${s}` : ""}`;
}

/** The low-level client: one call, typed by the caller. */
export interface Api {
  /** Call the API; throws ApiError for a failed answer or none. */
  call<T>(method: string, path: string, options?: { query?: Query; body?: unknown }): Promise<T>;
  /** Open a raw request (the event stream), with the token. */
  open(
    path: string,
    init: { query?: Query; headers?: Record<string, string>; signal: AbortSignal },
  ): Promise<Response>;
}

/** Build the client. */
export function createApi(options: ApiOptions): Api {
  const doFetch = options.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const base = options.baseUrl ?? "";
  const headers = (extra: Record<string, string> = {}) => {
    const token = options.token();
    return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
  };
  return {
    async call<T>(method: string, path: string, o: { query?: Query; body?: unknown } = {}) {
      const init: RequestInit = { method, headers: headers({ accept: "application/json" }) };
      if (o.body !== undefined) {
        init.headers = headers({ accept: "application/json", "content-type": "application/json" });
        init.body = JSON.stringify(o.body);
      }
      let res: Response;
      try {
        res = await doFetch(apiUrl(base, path, o.query), init);
      } catch (e) {
        throw networkError(e);
      }
      if (!res.ok) throw await errorFromResponse(res);
      if (res.status === 204) return undefined as T;
      try {
        return (await res.json()) as T;
      } catch {
        throw new ApiError(res.status, "BAD_BODY", "the server's answer was not JSON");
      }
    },
    open(path, init) {
      return doFetch(apiUrl(base, path, init.query), {
        headers: headers(init.headers),
        signal: init.signal,
      });
    },
  };
}
