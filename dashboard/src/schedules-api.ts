/**
 * @module dashboard/schedules-api
 * The schedule calls the pages make, typed by the OpenAPI document.
 */
import type { Api } from "./api/client.js";
import type { components } from "./api/schema.js";

/** A schedule as the API answers it. */
export type Schedule = components["schemas"]["Schedule"];
/** One entry of a schedule's history. */
export type ScheduleHistoryEntry = components["schemas"]["ScheduleHistoryEntry"];

const at = (name: string) => `/schedules/${encodeURIComponent(name)}`;

/** Every schedule (the API answers them in one page). */
export const listSchedules = (api: Api) =>
  api.call<components["schemas"]["SchedulePage"]>("GET", "/schedules");
/** One schedule. */
export const getSchedule = (api: Api, name: string) => api.call<Schedule>("GET", at(name));
/** Its next `count` fire instants (ISO). */
export const scheduleNext = (api: Api, name: string, count = 5) =>
  api.call<{ items: string[] }>("GET", `${at(name)}/next`, { query: { count } });
/** Its history, newest first as the API gives it. */
export const scheduleHistory = (api: Api, name: string, limit = 100) =>
  api.call<{ items: ScheduleHistoryEntry[] }>("GET", `${at(name)}/history`, { query: { limit } });

/** The mutating actions of a schedule page. */
export type ScheduleAction = "pause" | "resume" | "trigger";

/** Pause or resume with a note (answers the schedule). */
export const schedulePause = (api: Api, name: string, action: "pause" | "resume", note = "") =>
  api.call<Schedule>("POST", `${at(name)}/${action}`, {
    body: note.trim() ? { note: note.trim() } : {},
  });

/** Fire it now (answers the enqueued job's id; a manual fire is not in the history). */
export const scheduleTrigger = (api: Api, name: string) =>
  api.call<components["schemas"]["CreatedId"]>("POST", `${at(name)}/trigger`, { body: {} });
