/**
 * @module api/handlers/instances
 * /instances: the deployment's processes, who leads and each duty's last run; /scheduler:
 * where schedules' timing lives (embedded, or a backend with its entries).
 */
import { systemRoutes as R } from "../../contract/routes.js";
import type { KairosClient } from "../../runtime/client.js";
import type { ApiApp } from "../types.js";
import { on, send } from "./kit.js";

/** Register the instance routes. */
export function registerInstances(app: ApiApp, client: KairosClient): void {
  on(app, R.listInstances, async (c) => send(c, { items: await client.instances() }));
  on(app, R.schedulerStatus, async (c) => send(c, await client.scheduler()));
}
