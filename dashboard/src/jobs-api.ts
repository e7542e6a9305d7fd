/**
 * @module dashboard/jobs-api
 * The job calls the pages make, typed by the OpenAPI document.
 */
import type {
  Api,
  Job,
  JobAttempt,
  JobControlRequest,
  JobLogLine,
  JobPage,
  JobWhy,
} from "./api/client.js";
import { TERMINAL_STATES as CORE_TERMINAL_STATES } from "../../src/core/jobs/states.js";

/** Every job state, for the filter: the server's own list (src/core is pure, no I/O). */
export { JOB_STATES } from "../../src/core/jobs/states.js";

/** States a job never leaves (the server's list). */
export const TERMINAL_STATES: readonly string[] = CORE_TERMINAL_STATES;

/** A page size that keeps the table one screen tall. */
export const PAGE_SIZE = 50;

/** One page of jobs, filtered server-side. */
export const listJobs = (
  api: Api,
  q: { state?: string; fn?: string; q?: string; cursor?: string; limit?: number },
) => api.call<JobPage>("GET", "/jobs", { query: { limit: PAGE_SIZE, ...q } });

const at = (id: string) => `/jobs/${encodeURIComponent(id)}`;

/** One job. */
export const getJob = (api: Api, id: string) => api.call<Job>("GET", at(id));
/** A job's attempts. */
export const jobAttempts = (api: Api, id: string) =>
  api.call<{ items: JobAttempt[] }>("GET", `${at(id)}/attempts`);
/** A job's log lines. */
export const jobLogs = (api: Api, id: string) =>
  api.call<{ items: JobLogLine[] }>("GET", `${at(id)}/logs`, { query: { limit: 1000 } });
/** The job's log lines after `after` (all, oldest first, without), and the next cursor. */
export const jobLogsAfter = (api: Api, id: string, after: number | undefined) =>
  api.call<{ items: JobLogLine[]; cursor: number }>("GET", `${at(id)}/logs`, {
    query: after === undefined ? { limit: 1000 } : { limit: 1000, after },
  });
/** Why the job is (not) running. */
export const jobWhy = (api: Api, id: string) => api.call<JobWhy>("GET", `${at(id)}/why`);

/** The mutating actions of a job page. */
export type JobAction = "cancel" | "stop" | "start";

/** Ask for an action (cancel answers at once; stop and start answer the request). */
export function jobAction(api: Api, id: string, action: JobAction): Promise<unknown> {
  if (action === "cancel") return api.call<unknown>("POST", `${at(id)}/cancel`);
  return api.call<JobControlRequest>("POST", `${at(id)}/${action}`, {
    body: { requestedBy: "dashboard" },
  });
}

/** The actions a job's state allows. */
export function actionsFor(job: Pick<Job, "state">): JobAction[] {
  if (TERMINAL_STATES.includes(job.state)) return [];
  if (job.state === "stopped") return ["start", "cancel"];
  return ["stop", "cancel"];
}
