/**
 * @module cli/serve-api
 * Serve the API, metrics, probes and the dashboard (at /) of an engine on a socket: what
 * `kairos server` and `kairos dev` share. The handlers call a LocalClient over the engine, so the server answers
 * exactly what the CLI would locally. Auth: on a loopback address, open to loopback callers
 * until the first token exists; on any other address, a token is always required.
 */
import path from "node:path";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Logger as PinoLogger } from "pino";
import { createApp, requireScope } from "../api/app.js";
import { mountDashboard } from "../api/dashboard-static.js";
import { createHealth, mountOps } from "../api/health.js";
import { isLoopbackHost, listen, type Listening } from "../api/listen.js";
import { requestLog } from "../api/logging.js";
import { createMetrics } from "../api/metrics.js";
import type { ApiApp, AuthOptions } from "../api/types.js";
import { LocalClient } from "../client/local.js";
import type { Kairos } from "../runtime/kairos.js";
import type { ClientTarget } from "../runtime/client.js";
import type { StoreChoice } from "./context.js";

/** How to serve. */
export interface ServeApiOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  /** Serve /metrics without a token even when auth is on. */
  readonly publicMetrics: boolean;
  /** Where a posted kairos.yaml is placed, so its module paths resolve. */
  readonly configDir: string;
  readonly version: string;
  /** This process's worker slots (its concurrency), when it runs workers. */
  readonly workerSlots?: number;
  /** The scheduler's poll interval (ms), for the readiness check of the leader. */
  readonly schedulerIntervalMs?: number;
  /** Request and error lines; `requestLevel` debug keeps `kairos dev` quiet. */
  readonly logger: PinoLogger;
  readonly requestLevel: "info" | "debug";
}

/** A serving API. */
export interface ServingApi {
  readonly url: string;
  readonly port: number;
  /** The auth line printed at start: "auth on (N tokens)", "loopback only, no tokens yet", ... */
  authLine(): Promise<string>;
  /**
   * Shutting down: /readyz answers 503 from now on, event streams end, the socket stops
   * accepting and open requests get `graceMs` to finish. The engine is the caller's to stop.
   */
  close(graceMs?: number): Promise<void>;
}

/** The store's kind as `kairos_info` and whoami report it. */
export function storeKindOf(url: string): "postgres" | "sqlite" {
  return url.startsWith("postgres") ? "postgres" : "sqlite";
}

/**
 * Serve the engine's API on `store` (the one it was opened on, reported by whoami and
 * `kairos_info`); rejects (nothing left open) when the address is refused or taken.
 */
export async function serveApi(
  kairos: Kairos,
  store: StoreChoice,
  options: ServeApiOptions,
): Promise<ServingApi> {
  let stopping = false;
  const shutdown = new AbortController();
  const loopback = isLoopbackHost(options.host);
  const auth: AuthOptions = {
    mode: loopback ? "loopback-open" : "tokens",
    peerAddress: (c) => getConnInfo(c).remote.address,
  };
  const metrics = createMetrics({
    kairos,
    snapshot: () => kairos.metricsSnapshot(),
    version: options.version,
    store: storeKindOf(store.url),
    logger: options.logger,
    ...(options.workerSlots !== undefined ? { workerSlots: options.workerSlots } : {}),
  });
  const health = createHealth({
    kairos,
    ping: (ms) => kairos.ping(ms),
    clock: { now: () => Date.now() },
    isStopping: () => stopping,
    schedulerIntervalMs: options.schedulerIntervalMs ?? 1_000,
  });
  const app = buildApp(kairos, store, options, {
    auth,
    signal: shutdown.signal,
    metrics,
    extraRoutes: (a) => {
      mountOps(a, {
        metrics,
        health,
        ...(options.publicMetrics
          ? {}
          : { metricsAuth: requireScope(kairos.tokens, auth, "read") }),
      });
      // Last: every other GET outside /api/ is the dashboard's (SPA fallback).
      mountDashboard(a);
    },
  });
  // Auth is on once a token exists: only then may the server listen beyond the loopback.
  const authOn = (await kairos.tokens.activeCount()) > 0;
  let served: Listening;
  try {
    served = await listen(app, { host: options.host, port: options.port, authOn });
  } catch (error) {
    metrics.close();
    throw error;
  }
  return {
    url: served.url,
    port: served.port,
    authLine: () => authLine(kairos, loopback),
    close: async (graceMs) => {
      stopping = true;
      shutdown.abort();
      await served.close(graceMs);
      metrics.close();
    },
  };
}

/** The app of `serveApi`: a LocalClient over the engine behind the full middleware stack. */
function buildApp(
  kairos: Kairos,
  store: StoreChoice,
  options: ServeApiOptions,
  parts: {
    readonly auth: AuthOptions;
    readonly signal: AbortSignal;
    readonly metrics: ReturnType<typeof createMetrics>;
    readonly extraRoutes: (app: ApiApp) => void;
  },
): ApiApp {
  const target: ClientTarget = { kind: "local", store: store.url, origin: store.origin };
  return createApp({
    client: new LocalClient({ kairos, target, configDir: path.resolve(options.configDir) }),
    tokens: kairos.tokens,
    feed: kairos.feed,
    auth: parts.auth,
    limits: { maxBodyBytes: options.maxBodyBytes },
    logger: options.logger,
    info: { version: options.version, store: storeKindOf(store.url) },
    signal: parts.signal,
    onStreams: (open) => parts.metrics.setSseClients(open),
    requestLog: requestLog(options.logger, {
      metrics: parts.metrics,
      level: options.requestLevel,
      fields: (c) => {
        const who = (c.get as (key: string) => { tokenId: string | null } | undefined)("auth");
        return who?.tokenId ? { tokenId: who.tokenId } : {};
      },
    }),
    extraRoutes: parts.extraRoutes,
  });
}

/** The auth line printed at start. */
async function authLine(kairos: Kairos, loopback: boolean): Promise<string> {
  const active = await kairos.tokens.activeCount();
  if (active > 0) return `auth on (${active} active token${active === 1 ? "" : "s"})`;
  return loopback
    ? "no tokens yet: loopback only; kairos tokens create --scope write turns auth on"
    : "auth on (no active token now: every request is refused until one is created)";
}
