/**
 * @module api/handlers/functions
 * /functions: the catalog, a function's live workers, why its jobs wait.
 */
import { functionRoutes as R } from "../../contract/routes.js";
import type { KairosClient } from "../../runtime/client.js";
import type { ApiApp } from "../types.js";
import { on, send } from "./kit.js";

/** Register the function routes. */
export function registerFunctions(app: ApiApp, client: KairosClient): void {
  on(app, R.listFunctions, async (c) => send(c, { items: await client.functions.list() }));
  on(app, R.functionWorkers, async (c, { params }) =>
    send(c, { items: await client.functions.liveWorkers(params.name!) }),
  );
  on(app, R.functionWaiting, async (c, { params }) =>
    send(c, { reason: await client.functions.waitingReason(params.name!) }),
  );
}
