/**
 * @module api/handlers/stats
 * GET /stats: job throughput per bucket over a window, with the live counts
 * (`client.stats`); the query is in seconds, the client API in ms.
 */
import { systemRoutes as R } from "../../contract/routes.js";
import { StatsQuery } from "../../contract/schemas/stats.js";
import type { KairosClient } from "../../runtime/client.js";
import type { ApiApp } from "../types.js";
import { defined, on, queryOf, send } from "./kit.js";

/** Register GET /stats. */
export function registerStats(app: ApiApp, client: KairosClient): void {
  on(app, R.stats, async (c, input) => {
    const q = queryOf(input, StatsQuery);
    const ms = (s: number | undefined) => (s === undefined ? undefined : s * 1000);
    return send(c, await client.stats(defined({ windowMs: ms(q.window), bucketMs: ms(q.bucket) })));
  });
}
