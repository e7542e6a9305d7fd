/**
 * @module api/handlers/instances
 * /instances: the deployment's processes, who leads and each duty's last run.
 */
import { systemRoutes as R } from "../../contract/routes.js";
import type { KairosClient } from "../../runtime/client.js";
import type { ApiApp } from "../types.js";
import { on, send } from "./kit.js";

/** Register the instance routes. */
export function registerInstances(app: ApiApp, client: KairosClient): void {
  on(app, R.listInstances, async (c) => send(c, { items: await client.instances() }));
}
