/**
 * @module contract/routes
 * Every route of the HTTP API, by the name the server and the HTTP client both use. The server
 * registers each with `app.openapi`; the client builds URLs from `path` (no hand-written URLs);
 * `scope` is what the auth middleware enforces (GET read, else write, except POST /plan: read).
 */
import { z } from "@hono/zod-openapi";
import { body, json, route } from "./route-kit.js";
import { IdParam, NameParam, NoteBody } from "./schemas/common.js";
import { ApplyBody, ApplyResult } from "./schemas/config.js";
import { EventQuery, FeedPage, RecentEventQuery, WhoAmI } from "./schemas/events.js";
import { Stats, StatsQuery } from "./schemas/stats.js";
import { FunctionList, FunctionWorkerList, WaitingReason } from "./schemas/functions.js";
import { InstanceList } from "./schemas/instances.js";
import { SchedulerStatus } from "./schemas/scheduler.js";
import * as J from "./schemas/jobs.js";
import * as S from "./schemas/schedules.js";
import { CreateTokenBody, CreatedToken, TokenInfo, TokenList } from "./schemas/tokens.js";
import * as W from "./schemas/workflows.js";

const noContent = { description: "Done" };
const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** Jobs. */
export const jobRoutes = {
  enqueue: route("/jobs", {
    method: "post",
    request: body(J.EnqueueBody),
    responses: {
      201: json(J.Job, "Created"),
      200: json(J.Job, "An existing job had the idempotency key"),
    },
  }),
  enqueueBatch: route("/jobs/batch", {
    method: "post",
    request: body(J.EnqueueBatchBody),
    responses: { 201: json(J.JobList, "Created (one transaction)") },
  }),
  listJobs: route("/jobs", {
    method: "get",
    request: { query: J.JobListQuery },
    responses: { 200: json(J.JobPage) },
  }),
  getJob: route("/jobs/{id}", {
    method: "get",
    request: { params: IdParam },
    responses: { 200: json(J.Job) },
  }),
  cancelJob: route("/jobs/{id}/cancel", {
    method: "post",
    request: { params: IdParam },
    responses: { 200: json(J.CancelResult) },
  }),
  jobLogs: route("/jobs/{id}/logs", {
    method: "get",
    request: { params: IdParam, query: J.LogsQuery },
    responses: { 200: json(J.JobLogPage) },
  }),
  jobAttempts: route("/jobs/{id}/attempts", {
    method: "get",
    request: { params: IdParam },
    responses: { 200: json(list(J.JobAttempt)) },
  }),
  jobProgress: route("/jobs/{id}/progress", {
    method: "get",
    request: { params: IdParam },
    responses: { 200: json(J.JobProgressView) },
  }),
  jobWhy: route("/jobs/{id}/why", {
    method: "get",
    request: { params: IdParam },
    responses: { 200: json(J.JobWhy) },
  }),
  stopJob: route("/jobs/{id}/stop", {
    method: "post",
    request: { params: IdParam, ...body(J.ControlBody, false) },
    responses: { 202: json(J.JobControlRequest, "The stop request (carried out asynchronously)") },
  }),
  startJob: route("/jobs/{id}/start", {
    method: "post",
    request: { params: IdParam, ...body(J.ControlBody, false) },
    responses: {
      202: json(J.JobControlRequest, "The start request (pending until a worker begins the job)"),
    },
  }),
  jobRequests: route("/jobs/{id}/requests", {
    method: "get",
    request: { params: IdParam },
    responses: { 200: json(list(J.JobControlRequest)) },
  }),
};

/** Functions. */
export const functionRoutes = {
  listFunctions: route("/functions", { method: "get", responses: { 200: json(FunctionList) } }),
  functionWorkers: route("/functions/{name}/workers", {
    method: "get",
    request: { params: NameParam },
    responses: { 200: json(FunctionWorkerList) },
  }),
  functionWaiting: route("/functions/{name}/waiting", {
    method: "get",
    request: { params: NameParam },
    responses: { 200: json(WaitingReason) },
  }),
};

const scheduleOp = (suffix: string, req: object, ok: z.ZodType) =>
  route(`/schedules/{name}${suffix}`, {
    method: "post",
    request: { params: NameParam, ...req },
    responses: { 200: json(ok) },
  });

/** Schedules. */
export const scheduleRoutes = {
  listSchedules: route("/schedules", {
    method: "get",
    request: { query: S.ScheduleListQuery },
    responses: { 200: json(S.SchedulePage) },
  }),
  createSchedule: route("/schedules", {
    method: "post",
    request: body(S.ScheduleBody),
    responses: { 201: json(S.Schedule, "Created (source api)") },
  }),
  getSchedule: route("/schedules/{name}", {
    method: "get",
    request: { params: NameParam },
    responses: { 200: json(S.Schedule) },
  }),
  updateSchedule: route("/schedules/{name}", {
    method: "patch",
    request: { params: NameParam, ...body(S.SchedulePatchBody) },
    responses: { 200: json(S.Schedule) },
  }),
  deleteSchedule: route("/schedules/{name}", {
    method: "delete",
    request: { params: NameParam },
    responses: { 204: noContent },
  }),
  pauseSchedule: scheduleOp("/pause", body(NoteBody, false), S.Schedule),
  resumeSchedule: scheduleOp("/resume", body(NoteBody, false), S.Schedule),
  triggerSchedule: route("/schedules/{name}/trigger", {
    method: "post",
    request: { params: NameParam, ...body(S.TriggerBody, false) },
    responses: { 201: json(S.CreatedId, "Job created") },
  }),
  fireSchedule: route("/schedules/{name}/fire", {
    method: "post",
    request: { params: NameParam, ...body(S.FireBody) },
    responses: {
      201: json(S.FireResult, "The slot's job was created"),
      200: json(S.FireResult, "The slot was handled already, or handled without a job"),
    },
  }),
  scheduleNext: route("/schedules/{name}/next", {
    method: "get",
    request: { params: NameParam, query: S.NextQuery },
    responses: { 200: json(S.InstantList) },
  }),
  scheduleHistory: route("/schedules/{name}/history", {
    method: "get",
    request: { params: NameParam, query: S.HistoryQuery },
    responses: { 200: json(S.ScheduleHistory) },
  }),
};

/** Workflows. */
export const workflowRoutes = {
  listWorkflows: route("/workflows", {
    method: "get",
    request: { query: W.WorkflowListQuery },
    responses: { 200: json(W.WorkflowPage) },
  }),
  getWorkflow: route("/workflows/{name}", {
    method: "get",
    request: { params: NameParam },
    responses: { 200: json(W.Workflow) },
  }),
  pauseWorkflow: route("/workflows/{name}/pause", {
    method: "post",
    request: { params: NameParam, ...body(NoteBody, false) },
    responses: { 200: json(W.Workflow) },
  }),
  resumeWorkflow: route("/workflows/{name}/resume", {
    method: "post",
    request: { params: NameParam, ...body(NoteBody, false) },
    responses: { 200: json(W.Workflow) },
  }),
  workflowHistory: route("/workflows/{name}/history", {
    method: "get",
    request: { params: NameParam, query: S.HistoryQuery },
    responses: { 200: json(W.WorkflowHistory) },
  }),
  triggerRun: route("/workflows/{name}/runs", {
    method: "post",
    request: { params: NameParam, ...body(W.TriggerRunBody, false) },
    responses: { 201: json(W.WorkflowRun, "Run created") },
  }),
  backfill: route("/workflows/{name}/backfill", {
    method: "post",
    request: { params: NameParam, ...body(W.BackfillBody) },
    responses: { 200: json(W.BackfillProgress) },
  }),
};

const runOp = (path: string, req: object) =>
  route(path, { method: "post", request: req, responses: { 200: json(W.WorkflowRunDetail) } });

/** Runs. */
export const runRoutes = {
  listRuns: route("/runs", {
    method: "get",
    request: { query: W.RunListQuery },
    responses: { 200: json(W.RunPage) },
  }),
  getRun: route("/runs/{id}", {
    method: "get",
    request: { params: IdParam },
    responses: { 200: json(W.WorkflowRunDetail) },
  }),
  cancelRun: runOp("/runs/{id}/cancel", { params: IdParam, ...body(NoteBody, false) }),
  clearRun: runOp("/runs/{id}/clear", { params: IdParam, ...body(W.ClearBody) }),
  markTask: runOp("/runs/{id}/tasks/{task}/mark", { params: W.RunTaskParams, ...body(W.MarkBody) }),
  noteRun: route("/runs/{id}/note", {
    method: "put",
    request: { params: IdParam, ...body(W.RunNoteBody) },
    responses: { 200: json(W.WorkflowRunDetail) },
  }),
  taskWhy: route("/runs/{id}/tasks/{task}/why", {
    method: "get",
    request: { params: W.RunTaskParams },
    responses: { 200: json(W.TaskWhy) },
  }),
  taskTries: route("/runs/{id}/tasks/{task}/tries", {
    method: "get",
    request: { params: W.RunTaskParams },
    responses: { 200: json(W.TaskTryList, "Every try of the task, oldest first") },
  }),
  stopRun: route("/runs/{id}/stop", {
    method: "post",
    request: { params: IdParam, ...body(J.ControlBody, false) },
    responses: { 202: json(W.RunControlRequest, "The stop request (carried out asynchronously)") },
  }),
  startRun: route("/runs/{id}/start", {
    method: "post",
    request: { params: IdParam, ...body(J.ControlBody, false) },
    responses: {
      202: json(W.RunControlRequest, "The start request (pending until its tasks resume)"),
    },
  }),
  runRequests: route("/runs/{id}/requests", {
    method: "get",
    request: { params: IdParam },
    responses: { 200: json(list(W.RunControlRequest)) },
  }),
};

/** Config, tokens, events, identity, the document. */
export const systemRoutes = {
  plan: route("/plan", {
    method: "post",
    scope: "read",
    request: body(ApplyBody),
    responses: { 200: json(ApplyResult) },
  }),
  apply: route("/apply", {
    method: "post",
    request: body(ApplyBody),
    responses: { 200: json(ApplyResult) },
  }),
  listTokens: route("/tokens", {
    method: "get",
    scope: "write",
    responses: { 200: json(TokenList) },
  }),
  createToken: route("/tokens", {
    method: "post",
    request: body(CreateTokenBody),
    responses: { 201: json(CreatedToken, "Created; the token text is shown once") },
  }),
  revokeToken: route("/tokens/{id}", {
    method: "delete",
    request: { params: IdParam },
    responses: { 200: json(TokenInfo) },
  }),
  events: route("/events", {
    method: "get",
    request: { query: EventQuery },
    responses: {
      200: {
        description: "Server-sent events",
        content: { "text/event-stream": { schema: z.string() } },
      },
    },
  }),
  recentEvents: route("/events/recent", {
    method: "get",
    request: { query: RecentEventQuery },
    responses: { 200: json(FeedPage) },
  }),
  whoami: route("/whoami", { method: "get", responses: { 200: json(WhoAmI) } }),
  stats: route("/stats", {
    method: "get",
    request: { query: StatsQuery },
    responses: { 200: json(Stats) },
  }),
  listInstances: route("/instances", { method: "get", responses: { 200: json(InstanceList) } }),
  schedulerStatus: route("/scheduler", {
    method: "get",
    responses: { 200: json(SchedulerStatus) },
  }),
};

/** Every route by name. */
export const ROUTES = {
  ...jobRoutes,
  ...functionRoutes,
  ...scheduleRoutes,
  ...workflowRoutes,
  ...runRoutes,
  ...systemRoutes,
};

/** A route's name. */
export type RouteName = keyof typeof ROUTES;

/** The path of the OpenAPI document (public). */
export const OPENAPI_PATH = "/api/v1/openapi.json";
