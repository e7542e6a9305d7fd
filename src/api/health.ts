/**
 * @module api/health
 * Liveness and readiness probes, and `mountOps`, which adds them and GET /metrics to any Hono
 * app (the API app's `extraRoutes` hook calls it).
 * - `/healthz`: 200 `{status:"ok"}` whenever the process can answer, draining included (a
 *   liveness probe must not kill a process that is finishing its jobs).
 * - `/readyz`: 200 `{status:"ready",checks}` when the process is not stopping, the store
 *   answered a ping within 1 s (the answer is reused for 1 s), and, on the leader, the scheduler
 *   loop ticked within max(30 s, 10 x its interval); else 503 `{status:"not_ready",checks}`.
 */
import type { Env, Hono, MiddlewareHandler } from "hono";
import type { Kairos } from "../runtime/kairos.js";
import type { Metrics } from "./metrics.js";

/** How long a ping may take, and how long its answer is reused (ms). */
export const PING_TIMEOUT_MS = 1_000;
/** The floor of the scheduler staleness limit (ms). */
export const MIN_SCHEDULER_STALE_MS = 30_000;

/** What `createHealth` needs. */
export interface HealthOptions {
  readonly kairos: Pick<Kairos, "leadership" | "schedulerLastTick">;
  /** Resolves when the store answers within `timeoutMs`; rejects otherwise. */
  readonly ping: (timeoutMs: number) => Promise<void>;
  readonly clock: { now(): number };
  /** True once the server began shutting down. */
  readonly isStopping: () => boolean;
  /** The scheduler loop's poll interval (ms). */
  readonly schedulerIntervalMs: number;
}

/** One readiness check's result. */
export interface HealthCheck {
  readonly ok: boolean;
  /** Why it failed, or what was seen. */
  readonly detail?: string;
}

/** The probe handlers. */
export interface Health {
  healthz(): Response;
  readyz(): Promise<Response>;
}

/** Build the probes; see the module header. */
export function createHealth(options: HealthOptions): Health {
  const ping = cachedPing(options);
  const scheduler = schedulerCheck(options);
  return {
    healthz: () => Response.json({ status: "ok" }, { status: 200 }),
    readyz: async () => {
      const checks: Record<string, HealthCheck> = {};
      if (options.isStopping()) {
        checks["stopping"] = { ok: false, detail: "the server is shutting down" };
      } else {
        checks["stopping"] = { ok: true };
        checks["store"] = await ping();
        checks["scheduler"] = scheduler();
      }
      const ready = Object.values(checks).every((c) => c.ok);
      return Response.json(
        { status: ready ? "ready" : "not_ready", checks },
        { status: ready ? 200 : 503 },
      );
    },
  };
}

/** The store ping, answered from cache for PING_TIMEOUT_MS; concurrent probes share one ping. */
function cachedPing(options: HealthOptions): () => Promise<HealthCheck> {
  let cached: { at: number; result: Promise<HealthCheck> } | null = null;
  return () => {
    const at = options.clock.now();
    if (cached && at - cached.at < PING_TIMEOUT_MS) return cached.result;
    const result = withTimeout(options.ping(PING_TIMEOUT_MS), PING_TIMEOUT_MS).then(
      (): HealthCheck => ({ ok: true }),
      (error: unknown): HealthCheck => ({
        ok: false,
        detail: `store ping failed: ${error instanceof Error ? error.message : String(error)}`,
      }),
    );
    cached = { at, result };
    return result;
  };
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
    void promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/**
 * On the leader: the scheduler ticked recently. A leader that has not ticked yet counts from
 * when this check first saw it leading without a tick.
 */
function schedulerCheck(options: HealthOptions): () => HealthCheck {
  const limitMs = Math.max(MIN_SCHEDULER_STALE_MS, 10 * options.schedulerIntervalMs);
  let leadingSince: number | null = null;
  return () => {
    const now = options.clock.now();
    if (!options.kairos.leadership().isLeader) {
      leadingSince = null;
      return { ok: true, detail: "not the leader" };
    }
    leadingSince ??= now;
    const tick = options.kairos.schedulerLastTick()?.getTime() ?? null;
    const ageMs = now - (tick ?? leadingSince);
    if (ageMs <= limitMs)
      return { ok: true, detail: tick === null ? "no tick yet" : `last tick ${ageMs} ms ago` };
    return {
      ok: false,
      detail:
        tick === null
          ? `leader for ${ageMs} ms and the scheduler has not ticked (limit ${limitMs} ms)`
          : `the scheduler last ticked ${ageMs} ms ago (limit ${limitMs} ms)`,
    };
  };
}

/** What `mountOps` mounts. */
export interface OpsRoutes<E extends Env> {
  readonly metrics: Pick<Metrics, "handler">;
  readonly health: Health;
  /** Guards GET /metrics (e.g. the API's read-token check); the probes stay public. */
  readonly metricsAuth?: MiddlewareHandler<E>;
}

/** Add GET /metrics, /healthz and /readyz to `app` (outside /api/v1). */
export function mountOps<E extends Env>(app: Hono<E>, routes: OpsRoutes<E>): void {
  app.get("/healthz", () => routes.health.healthz());
  app.get("/readyz", () => routes.health.readyz());
  if (routes.metricsAuth) app.get("/metrics", routes.metricsAuth, () => routes.metrics.handler());
  else app.get("/metrics", () => routes.metrics.handler());
}
