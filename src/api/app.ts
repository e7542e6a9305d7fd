/**
 * @module api/app
 * The Kairos HTTP API as a Hono app (no sockets: serve it with @hono/node-server, or test it
 * with `app.request`). Every /api/v1 route is a name of contract/route-table.ts (method, path,
 * scope: what the HTTP client uses too) with its schemas in contract/routes.ts, registered with
 * `app.openapi`, so the served document (/api/v1/openapi.json, public) lists them all.
 * Order per request: request id, body limit, JSON only, auth by the route's scope, the route's
 * schema, the handler (a KairosClient call); errors answered by the contract's table.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { OPENAPI_PATH } from "../contract/routes.js";
import { systemRoutes } from "../contract/routes.js";
import { registerEvents } from "./events-sse.js";
import { registerConfig } from "./handlers/config.js";
import { registerFunctions } from "./handlers/functions.js";
import { registerInstances } from "./handlers/instances.js";
import { registerJobs } from "./handlers/jobs.js";
import { on, send } from "./handlers/kit.js";
import { registerRuns } from "./handlers/runs.js";
import { registerSchedules } from "./handlers/schedules.js";
import { registerStats } from "./handlers/stats.js";
import { registerTokens } from "./handlers/tokens.js";
import { registerWorkflows } from "./handlers/workflows.js";
import { requireScope } from "./middleware/auth.js";
import { jsonOnly, limitBody } from "./middleware/body.js";
import { notFound, onError, validationHook } from "./middleware/errors.js";
import { requestId } from "./middleware/request-id.js";
import { scopeOfRequest } from "./route-scope.js";
import type { ApiApp, ApiEnv, AppOptions } from "./types.js";

export type { ApiApp, AppOptions } from "./types.js";
export { requireScope } from "./middleware/auth.js";

/** Build the app; see the module header. */
export function createApp(options: AppOptions & { readonly signal?: AbortSignal }): ApiApp {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook as never });
  if (options.requestLog) app.use("*", options.requestLog);
  app.use("*", requestId());
  app.use("/api/v1/*", limitBody(options.limits.maxBodyBytes));
  app.use("/api/v1/*", jsonOnly());
  app.use("/api/v1/*", requireScope(options.tokens, options.auth, scopeOfRequest));
  const { client } = options;
  registerJobs(app, client);
  registerFunctions(app, client);
  registerSchedules(app, client);
  registerWorkflows(app, client);
  registerRuns(app, client);
  registerConfig(app, client);
  registerTokens(app, client);
  registerInstances(app, client);
  registerEvents(app, options.feed, {
    keepaliveMs: options.keepaliveMs,
    signal: options.signal,
    maxStreams: options.maxStreams,
    onStreams: options.onStreams,
  });
  on(app, systemRoutes.whoami, async (c) => {
    const auth = c.get("auth");
    return send(c, {
      scope: auth?.scope ?? "read",
      auth: auth?.via ?? "token",
      tokenId: auth?.tokenId ?? null,
      version: options.info.version,
      store: options.info.store,
    });
  });
  registerStats(app, client);
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
  });
  app.doc31(OPENAPI_PATH, {
    openapi: "3.1.0",
    info: { title: "Kairos API", version: options.info.version },
  });
  options.extraRoutes?.(app);
  app.notFound(notFound);
  app.onError(onError(options.logger));
  return app;
}
