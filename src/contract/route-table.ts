/**
 * @module contract/route-table
 * The one table of the HTTP API's routes: name -> method, path, whether a JSON body is sent,
 * and the scope when it is not the method's rule. Plain data with no imports, so the HTTP
 * client (every remote CLI command) builds its requests without loading zod or the OpenAPI
 * tooling; contract/routes.ts declares each route's schemas by these names and takes the
 * method, path and scope from here, so the server and the client cannot disagree on a path.
 */

/** What a route needs: `write` implies `read`; `public` needs no token. */
export type RouteScope = "read" | "write" | "public";

/** An HTTP method of the API, in the lower case OpenAPI uses. */
export type RouteMethod = "get" | "post" | "put" | "patch" | "delete";

/** One route of the table. */
export interface RouteEntry {
  readonly method: RouteMethod;
  /** Relative to API_BASE, path parameters in OpenAPI form: `/jobs/{id}`. */
  readonly path: string;
  /** The request has a JSON body (required or optional): the client sends one. */
  readonly body?: true;
  /** When not the method's rule (GET read, anything else write). */
  readonly scope?: RouteScope;
}

/** The base path of every API route. */
export const API_BASE = "/api/v1";

/** The path of the OpenAPI document (public). */
export const OPENAPI_PATH = `${API_BASE}/openapi.json`;

const get = (path: string) => ({ method: "get", path }) as const;
const post = (path: string) => ({ method: "post", path }) as const;
const postBody = (path: string) => ({ method: "post", path, body: true }) as const;

/** Every route of the API by name, grouped as contract/routes.ts groups them. */
export const ROUTE_TABLE = {
  // jobs
  enqueue: postBody("/jobs"),
  enqueueBatch: postBody("/jobs/batch"),
  listJobs: get("/jobs"),
  getJob: get("/jobs/{id}"),
  cancelJob: post("/jobs/{id}/cancel"),
  jobLogs: get("/jobs/{id}/logs"),
  jobAttempts: get("/jobs/{id}/attempts"),
  jobProgress: get("/jobs/{id}/progress"),
  jobWhy: get("/jobs/{id}/why"),
  stopJob: postBody("/jobs/{id}/stop"),
  startJob: postBody("/jobs/{id}/start"),
  jobRequests: get("/jobs/{id}/requests"),
  // functions
  listFunctions: get("/functions"),
  functionWorkers: get("/functions/{name}/workers"),
  functionWaiting: get("/functions/{name}/waiting"),
  // schedules
  listSchedules: get("/schedules"),
  createSchedule: postBody("/schedules"),
  getSchedule: get("/schedules/{name}"),
  updateSchedule: { method: "patch", path: "/schedules/{name}", body: true },
  deleteSchedule: { method: "delete", path: "/schedules/{name}" },
  pauseSchedule: postBody("/schedules/{name}/pause"),
  resumeSchedule: postBody("/schedules/{name}/resume"),
  triggerSchedule: postBody("/schedules/{name}/trigger"),
  fireSchedule: postBody("/schedules/{name}/fire"),
  scheduleNext: get("/schedules/{name}/next"),
  scheduleHistory: get("/schedules/{name}/history"),
  // workflows
  listWorkflows: get("/workflows"),
  getWorkflow: get("/workflows/{name}"),
  pauseWorkflow: postBody("/workflows/{name}/pause"),
  resumeWorkflow: postBody("/workflows/{name}/resume"),
  workflowHistory: get("/workflows/{name}/history"),
  triggerRun: postBody("/workflows/{name}/runs"),
  backfill: postBody("/workflows/{name}/backfill"),
  // runs
  listRuns: get("/runs"),
  getRun: get("/runs/{id}"),
  cancelRun: postBody("/runs/{id}/cancel"),
  clearRun: postBody("/runs/{id}/clear"),
  markTask: postBody("/runs/{id}/tasks/{task}/mark"),
  noteRun: { method: "put", path: "/runs/{id}/note", body: true },
  taskWhy: get("/runs/{id}/tasks/{task}/why"),
  taskTries: get("/runs/{id}/tasks/{task}/tries"),
  stopRun: postBody("/runs/{id}/stop"),
  startRun: postBody("/runs/{id}/start"),
  runRequests: get("/runs/{id}/requests"),
  // config, tokens, events, identity, stats, instances, scheduler
  plan: { method: "post", path: "/plan", body: true, scope: "read" },
  apply: postBody("/apply"),
  listTokens: { method: "get", path: "/tokens", scope: "write" },
  createToken: postBody("/tokens"),
  revokeToken: { method: "delete", path: "/tokens/{id}" },
  events: get("/events"),
  recentEvents: get("/events/recent"),
  whoami: get("/whoami"),
  stats: get("/stats"),
  listInstances: get("/instances"),
  schedulerStatus: get("/scheduler"),
} as const satisfies Readonly<Record<string, RouteEntry>>;

/** A route's name. */
export type RouteName = keyof typeof ROUTE_TABLE;

/** The table's entry of `name`, typed as an entry (every optional field readable). */
export function routeEntry(name: RouteName): RouteEntry {
  return ROUTE_TABLE[name];
}

/** The scope `entry` needs: its own, else GET read and anything else write. */
export function scopeOf(entry: RouteEntry): RouteScope {
  return entry.scope ?? (entry.method === "get" ? "read" : "write");
}

/** The full path of a route (`/api/v1/jobs/{id}`), parameters still in OpenAPI form. */
export function apiPath(entry: RouteEntry): string {
  return `${API_BASE}${entry.path}`;
}

/** The names of a route's path parameters, in order (`/runs/{id}/tasks/{task}`: id, task). */
export function pathParams(entry: RouteEntry): string[] {
  return [...entry.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
}
