/**
 * @module contract/routes
 * The schemas of every route of the HTTP API, by its name in the route table
 * (contract/route-table.ts), which alone gives the method, path and scope: the server
 * registers each with `app.openapi`; the HTTP client builds its URLs from the table without
 * loading this module (no hand-written URLs on either side); `scope` is what the auth
 * middleware enforces (GET read, else write, except POST /plan: read). A name the table lacks,
 * or a route of the table declared nowhere here, does not compile.
 */
import { z } from "@hono/zod-openapi";
import { body, defineRoutes, json, type ContractRoute } from "./route-kit.js";
import type { RouteName } from "./route-table.js";
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
export const jobRoutes = defineRoutes({
  enqueue: {
    request: body(J.EnqueueBody),
    responses: {
      201: json(J.Job, "Created"),
      200: json(J.Job, "An existing job had the idempotency key"),
    },
  },
  enqueueBatch: {
    request: body(J.EnqueueBatchBody),
    responses: { 201: json(J.JobList, "Created (one transaction)") },
  },
  listJobs: {
    request: { query: J.JobListQuery },
    responses: { 200: json(J.JobPage) },
  },
  getJob: {
    request: { params: IdParam },
    responses: { 200: json(J.Job) },
  },
  cancelJob: {
    request: { params: IdParam },
    responses: { 200: json(J.CancelResult) },
  },
  jobLogs: {
    request: { params: IdParam, query: J.LogsQuery },
    responses: { 200: json(J.JobLogPage) },
  },
  jobAttempts: {
    request: { params: IdParam },
    responses: { 200: json(list(J.JobAttempt)) },
  },
  jobProgress: {
    request: { params: IdParam },
    responses: { 200: json(J.JobProgressView) },
  },
  jobWhy: {
    request: { params: IdParam },
    responses: { 200: json(J.JobWhy) },
  },
  stopJob: {
    request: { params: IdParam, ...body(J.ControlBody, false) },
    responses: { 202: json(J.JobControlRequest, "The stop request (carried out asynchronously)") },
  },
  startJob: {
    request: { params: IdParam, ...body(J.ControlBody, false) },
    responses: {
      202: json(J.JobControlRequest, "The start request (pending until a worker begins the job)"),
    },
  },
  jobRequests: {
    request: { params: IdParam },
    responses: { 200: json(list(J.JobControlRequest)) },
  },
});

/** Functions. */
export const functionRoutes = defineRoutes({
  listFunctions: { responses: { 200: json(FunctionList) } },
  functionWorkers: {
    request: { params: NameParam },
    responses: { 200: json(FunctionWorkerList) },
  },
  functionWaiting: {
    request: { params: NameParam },
    responses: { 200: json(WaitingReason) },
  },
});

const scheduleOp = <R extends object>(req: R, ok: z.ZodType) => ({
  request: { params: NameParam, ...req },
  responses: { 200: json(ok) },
});

/** Schedules. */
export const scheduleRoutes = defineRoutes({
  listSchedules: {
    request: { query: S.ScheduleListQuery },
    responses: { 200: json(S.SchedulePage) },
  },
  createSchedule: {
    request: body(S.ScheduleBody),
    responses: { 201: json(S.Schedule, "Created (source api)") },
  },
  getSchedule: {
    request: { params: NameParam },
    responses: { 200: json(S.Schedule) },
  },
  updateSchedule: {
    request: { params: NameParam, ...body(S.SchedulePatchBody) },
    responses: { 200: json(S.Schedule) },
  },
  deleteSchedule: {
    request: { params: NameParam },
    responses: { 204: noContent },
  },
  pauseSchedule: scheduleOp(body(NoteBody, false), S.Schedule),
  resumeSchedule: scheduleOp(body(NoteBody, false), S.Schedule),
  triggerSchedule: {
    request: { params: NameParam, ...body(S.TriggerBody, false) },
    responses: { 201: json(S.CreatedId, "Job created") },
  },
  fireSchedule: {
    request: { params: NameParam, ...body(S.FireBody) },
    responses: {
      201: json(S.FireResult, "The slot's job was created"),
      200: json(S.FireResult, "The slot was handled already, or handled without a job"),
    },
  },
  scheduleNext: {
    request: { params: NameParam, query: S.NextQuery },
    responses: { 200: json(S.InstantList) },
  },
  scheduleHistory: {
    request: { params: NameParam, query: S.HistoryQuery },
    responses: { 200: json(S.ScheduleHistory) },
  },
});

/** Workflows. */
export const workflowRoutes = defineRoutes({
  listWorkflows: {
    request: { query: W.WorkflowListQuery },
    responses: { 200: json(W.WorkflowPage) },
  },
  getWorkflow: {
    request: { params: NameParam },
    responses: { 200: json(W.Workflow) },
  },
  pauseWorkflow: {
    request: { params: NameParam, ...body(NoteBody, false) },
    responses: { 200: json(W.Workflow) },
  },
  resumeWorkflow: {
    request: { params: NameParam, ...body(NoteBody, false) },
    responses: { 200: json(W.Workflow) },
  },
  workflowHistory: {
    request: { params: NameParam, query: S.HistoryQuery },
    responses: { 200: json(W.WorkflowHistory) },
  },
  triggerRun: {
    request: { params: NameParam, ...body(W.TriggerRunBody, false) },
    responses: { 201: json(W.WorkflowRun, "Run created") },
  },
  backfill: {
    request: { params: NameParam, ...body(W.BackfillBody) },
    responses: { 200: json(W.BackfillProgress) },
  },
});

const runOp = <R extends object>(req: R) => ({
  request: req,
  responses: { 200: json(W.WorkflowRunDetail) },
});

/** Runs. */
export const runRoutes = defineRoutes({
  listRuns: {
    request: { query: W.RunListQuery },
    responses: { 200: json(W.RunPage) },
  },
  getRun: {
    request: { params: IdParam },
    responses: { 200: json(W.WorkflowRunDetail) },
  },
  cancelRun: runOp({ params: IdParam, ...body(NoteBody, false) }),
  clearRun: runOp({ params: IdParam, ...body(W.ClearBody) }),
  markTask: runOp({ params: W.RunTaskParams, ...body(W.MarkBody) }),
  noteRun: {
    request: { params: IdParam, ...body(W.RunNoteBody) },
    responses: { 200: json(W.WorkflowRunDetail) },
  },
  taskWhy: {
    request: { params: W.RunTaskParams },
    responses: { 200: json(W.TaskWhy) },
  },
  taskTries: {
    request: { params: W.RunTaskParams },
    responses: { 200: json(W.TaskTryList, "Every try of the task, oldest first") },
  },
  stopRun: {
    request: { params: IdParam, ...body(J.ControlBody, false) },
    responses: { 202: json(W.RunControlRequest, "The stop request (carried out asynchronously)") },
  },
  startRun: {
    request: { params: IdParam, ...body(J.ControlBody, false) },
    responses: {
      202: json(W.RunControlRequest, "The start request (pending until its tasks resume)"),
    },
  },
  runRequests: {
    request: { params: IdParam },
    responses: { 200: json(list(W.RunControlRequest)) },
  },
});

/** Config, tokens, events, identity, the document. */
export const systemRoutes = defineRoutes({
  plan: {
    request: body(ApplyBody),
    responses: { 200: json(ApplyResult) },
  },
  apply: {
    request: body(ApplyBody),
    responses: { 200: json(ApplyResult) },
  },
  listTokens: {
    responses: { 200: json(TokenList) },
  },
  createToken: {
    request: body(CreateTokenBody),
    responses: { 201: json(CreatedToken, "Created; the token text is shown once") },
  },
  revokeToken: {
    request: { params: IdParam },
    responses: { 200: json(TokenInfo) },
  },
  events: {
    request: { query: EventQuery },
    responses: {
      200: {
        description: "Server-sent events",
        content: { "text/event-stream": { schema: z.string() } },
      },
    },
  },
  recentEvents: {
    request: { query: RecentEventQuery },
    responses: { 200: json(FeedPage) },
  },
  whoami: { responses: { 200: json(WhoAmI) } },
  stats: {
    request: { query: StatsQuery },
    responses: { 200: json(Stats) },
  },
  listInstances: { responses: { 200: json(InstanceList) } },
  schedulerStatus: {
    responses: { 200: json(SchedulerStatus) },
  },
});

/** Every route by name (the compiler checks it holds every route of the table). */
export const ROUTES: { readonly [N in RouteName]: ContractRoute } = {
  ...jobRoutes,
  ...functionRoutes,
  ...scheduleRoutes,
  ...workflowRoutes,
  ...runRoutes,
  ...systemRoutes,
};

export { OPENAPI_PATH, type RouteName } from "./route-table.js";
