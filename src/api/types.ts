/**
 * @module api/types
 * What the API app is built from and what its requests carry.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { TokenScope } from "../core/tokens.js";
import type { EngineTokensApi, EventFeedApi, KairosClient } from "../runtime/client.js";

/** Who a request is, once the auth middleware let it through. */
export interface RequestAuth {
  readonly scope: TokenScope;
  readonly via: "token" | "loopback-open";
  readonly tokenId: string | null;
}

/** The Hono environment of the app. */
export interface ApiEnv {
  Variables: { requestId: string; auth: RequestAuth | undefined };
}

/** The app type. */
export type ApiApp = OpenAPIHono<ApiEnv>;

/** A request context of the app. */
export type ApiContext = Context<ApiEnv>;

/** The smallest logger the app needs (pino fits). */
export interface ApiLogger {
  error(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
}

/**
 * How auth works: `tokens`: every request needs a valid token; `loopback-open`: while no token
 * is active, requests from a loopback peer with a loopback Host are let in with write scope.
 */
export interface AuthOptions {
  readonly mode: "tokens" | "loopback-open";
  /** The peer's IP address (node: getConnInfo(c).remote.address), or undefined when unknown. */
  readonly peerAddress: (c: Context) => string | undefined;
}

/** Everything `createApp` needs. */
export interface AppOptions {
  /** What the handlers call (the server's LocalClient). */
  readonly client: KairosClient;
  /** Token verification for auth (null: no token can be verified). */
  readonly tokens: EngineTokensApi | null;
  /** The event feed for /events (null: the events routes answer 503). */
  readonly feed: EventFeedApi | null;
  readonly auth: AuthOptions;
  readonly limits: { readonly maxBodyBytes: number };
  readonly logger?: ApiLogger;
  /** Mount more routes (metrics, health) on the app before the error handlers. */
  readonly extraRoutes?: (app: ApiApp) => void;
  readonly info: { readonly version: string; readonly store: string };
  /** SSE keepalive period (default 15 s); tests shorten it. */
  readonly keepaliveMs?: number;
  /** At most this many open event streams (default 200; more answer 503). */
  readonly maxStreams?: number;
  /** Told the number of open event streams when it changes (the metrics gauge). */
  readonly onStreams?: (open: number) => void;
  /** Runs first on every request, before request ids, limits and auth (the request log). */
  readonly requestLog?: MiddlewareHandler;
}
