/**
 * @module client/http-jobs
 * `client.jobs` and `client.functions` over HTTP (see client/http).
 */
import type { FunctionWorker } from "../core/functions/types.js";
import type { JobLogLine } from "../core/jobs/types.js";
import type { FunctionInfo, FunctionsApi } from "../index.js";
import type { ClientJobsApi, JobControlRequest } from "../runtime/client.js";
import type { JobAttempt } from "../runtime/kairos.js";
import type { Caller } from "./http.js";

/** `client.jobs` over HTTP: null (or []) for an unknown id, as the facade answers. */
export function httpJobs(c: Caller): ClientJobsApi {
  const id = (value: string) => ({ params: { id: String(value) } });
  return {
    get: (jobId) => c.orNull("getJob", id(jobId), "job"),
    list: (o = {}) =>
      c.all(
        "listJobs",
        { query: { state: o.state, fn: o.fn, q: o.search, cursor: o.beforeId } },
        "jobs",
        o.limit ?? 100,
      ),
    cancel: (jobId) => c.orNull("cancelJob", id(jobId), "cancel"),
    logs: async (jobId, limit, after) =>
      (
        await c.orNull<{ items: JobLogLine[] }>(
          "jobLogs",
          { ...id(jobId), query: { limit, after } },
          "none",
        )
      )?.items ?? [],
    attempts: async (jobId) =>
      (await c.orNull<{ items: JobAttempt[] }>("jobAttempts", id(jobId), "attempts"))?.items ?? [],
    why: (jobId) => c.orNull("jobWhy", id(jobId), "none"),
    stop: (jobId, o) => c("stopJob", { ...id(jobId), body: { ...o } }, "controlRequest"),
    start: (jobId, o) => c("startJob", { ...id(jobId), body: { ...o } }, "controlRequest"),
    requests: async (jobId) =>
      (await c<{ items: JobControlRequest[] }>("jobRequests", id(jobId), "controlRequests")).items,
  };
}

/** `client.functions` over HTTP. */
export function httpFunctions(c: Caller): FunctionsApi {
  const name = (fn: string) => ({ params: { name: fn } });
  return {
    list: async () => (await c<{ items: FunctionInfo[] }>("listFunctions", {}, "none")).items,
    liveWorkers: async (fn) =>
      (await c<{ items: FunctionWorker[] }>("functionWorkers", name(fn), "none")).items,
    waitingReason: async (fn) =>
      (await c<{ reason: string | null }>("functionWaiting", name(fn), "none")).reason,
  };
}
