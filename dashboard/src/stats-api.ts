/**
 * @module dashboard/stats-api
 * GET /stats: throughput per bucket and the live counts, typed by the OpenAPI document.
 */
import type { Api } from "./api/client.js";
import type { components } from "./api/schema.js";

/** What GET /stats answers. */
export type Stats = components["schemas"]["Stats"];
/** One bucket of the throughput series. */
export type StatsBucket = Stats["buckets"][number];

/** The last hour in one-minute buckets (the server's defaults). */
export const readStats = (api: Api) => api.call<Stats>("GET", "/stats");
