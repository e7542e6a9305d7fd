/**
 * @module dashboard/jobs-live
 * Which feed events tell the jobs list about a job it does not show yet: a job event about a
 * job newer than the newest row (job ids grow), of the filtered function, in the filtered
 * state (the state the event moves the job to). The list counts them in a "new jobs" notice
 * instead of inserting rows under the reader's eyes.
 */
import type { FeedEvent } from "./api/client.js";

/** The state a job event moves its job to (undefined: the event changes no state). */
const STATE_OF: Record<string, string> = {
  "job:queued": "queued",
  "job:started": "running",
  "job:succeeded": "succeeded",
  "job:failed": "failed",
  "job:retrying": "retrying",
  "job:timed_out": "timed_out",
  "job:cancelled": "cancelled",
  "job:stopped": "stopped",
};

/** True when job id `a` is newer than `b` (ids are decimal and grow). */
export function newerId(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** The id of the new job `event` is about, or null when the list need not know. */
export function newJobOf(
  event: Pick<FeedEvent, "kind" | "name" | "fn" | "subject">,
  list: { readonly state: string; readonly fn: string; readonly newestId: string | undefined },
): string | null {
  if (event.kind !== "job" || !event.subject) return null;
  if (list.fn && event.fn !== list.fn) return null;
  if (list.state && STATE_OF[event.name] !== list.state) return null;
  if (list.newestId !== undefined && !newerId(event.subject, list.newestId)) return null;
  return event.subject;
}
