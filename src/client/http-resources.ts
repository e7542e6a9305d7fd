/**
 * @module client/http-resources
 * `client.schedules`, `client.workflows` and `client.runs` over HTTP (see client/http).
 */
import type {
  ClientRunsApi,
  ClientSchedulesApi,
  ClientWorkflowsApi,
  RunControlRequest,
  TaskTry,
} from "../runtime/client.js";
import type { Schedule } from "../runtime/schedules-api.js";
import type {
  BackfillProgress,
  ScheduleHistoryEntry,
  Workflow,
  WorkflowHistoryItem,
  WorkflowRun,
} from "../index.js";
import type { Caller } from "./http.js";

const named = (name: string) => ({ params: { name } });

/** `client.schedules` over HTTP. */
export function httpSchedules(c: Caller): ClientSchedulesApi {
  return {
    list: (filter = {}) => c.all<Schedule>("listSchedules", { query: filter }, "schedules"),
    get: (name) => c.orNull("getSchedule", named(name), "schedule"),
    create: (input) => c("createSchedule", { body: input }, "schedule"),
    update: (name, patch) => c("updateSchedule", { ...named(name), body: patch }, "schedule"),
    delete: async (name) => {
      await c("deleteSchedule", named(name), "none");
    },
    pause: (name, note) => c("pauseSchedule", { ...named(name), body: { note } }, "schedule"),
    resume: (name, note) => c("resumeSchedule", { ...named(name), body: { note } }, "schedule"),
    trigger: (name, options = {}) =>
      c("triggerSchedule", { ...named(name), body: options }, "none"),
    fire: (name, input) =>
      c(
        "fireSchedule",
        {
          ...named(name),
          body: "jobName" in input ? { jobName: input.jobName } : { slotAt: input.slotAt },
        },
        "fireResult",
      ),
    history: async (name, limit) =>
      (
        await c<{ items: ScheduleHistoryEntry[] }>(
          "scheduleHistory",
          { ...named(name), query: { limit } },
          "none",
        )
      ).items,
    nextFires: async (name, count, from) =>
      (
        await c<{ items: Date[] }>(
          "scheduleNext",
          { ...named(name), query: { count, from } },
          "instants",
        )
      ).items,
  };
}

/** `client.workflows` over HTTP. */
export function httpWorkflows(c: Caller): ClientWorkflowsApi {
  return {
    list: (filter = {}) => c.all<Workflow>("listWorkflows", { query: filter }, "workflows"),
    get: (name) => c.orNull("getWorkflow", named(name), "workflow"),
    pause: (name, o = {}) => c("pauseWorkflow", { ...named(name), body: o }, "workflow"),
    resume: (name, o = {}) => c("resumeWorkflow", { ...named(name), body: o }, "workflow"),
    history: async (name, o = {}) =>
      (
        await c<{ items: WorkflowHistoryItem[] }>(
          "workflowHistory",
          { ...named(name), query: o },
          "workflowHistory",
        )
      ).items,
  };
}

/** `client.runs` over HTTP; a backfill's onProgress gets the final progress only. */
export function httpRuns(c: Caller): ClientRunsApi {
  const id = (runId: string) => ({ params: { id: runId } });
  return {
    trigger: (workflow, o = {}) =>
      c(
        "triggerRun",
        { ...named(workflow), body: { ...o, logicalDate: instant(o.logicalDate) } },
        "run",
      ),
    get: (runId) => c.orNull("getRun", id(runId), "runDetail"),
    list: (f = {}) =>
      c.all<WorkflowRun>(
        "listRuns",
        { query: { workflow: f.workflow, state: f.state, cursor: instant(f.before) } },
        "runs",
        f.limit ?? 50,
      ),
    cancel: (runId, o = {}) => c("cancelRun", { ...id(runId), body: o }, "runDetail"),
    clear: (runId, o) => c("clearRun", { ...id(runId), body: o }, "runDetail"),
    mark: (runId, task, state, o = {}) =>
      c("markTask", { params: { id: runId, task }, body: { state, ...o } }, "runDetail"),
    note: (runId, note, o = {}) =>
      c("noteRun", { ...id(runId), body: { note, ...o } }, "runDetail"),
    why: (runId, task) => c("taskWhy", { params: { id: runId, task } }, "none"),
    tries: async (runId, task) =>
      (await c<{ items: TaskTry[] }>("taskTries", { params: { id: runId, task } }, "taskTries"))
        .items,
    stop: (runId, o) => c("stopRun", { ...id(runId), body: { ...o } }, "controlRequest"),
    start: (runId, o) => c("startRun", { ...id(runId), body: { ...o } }, "controlRequest"),
    requests: async (runId) =>
      (await c<{ items: RunControlRequest[] }>("runRequests", id(runId), "controlRequests")).items,
    backfill: async (workflow, o) => {
      const body = { from: instant(o.from), to: instant(o.to), params: o.params };
      const progress = await c<BackfillProgress>("backfill", { ...named(workflow), body }, "none");
      o.onProgress?.(progress);
      return progress;
    },
  };
}

function instant(v: Date | number | undefined): string | undefined {
  if (v === undefined) return undefined;
  return (typeof v === "number" ? new Date(v) : v).toISOString();
}
