/**
 * @module core/jobs/states
 * The job state machine as a pure transition table.
 *
 *   scheduled  waiting for its `runAt`           -> queued, cancelled, stopped (stop request)
 *   queued     ready to be claimed               -> running, cancelled, stopped
 *   running    claimed by a worker under a lease -> succeeded, failed, cancelled, timed_out,
 *                                                   retrying (attempts remain), queued (handed
 *                                                   back at shutdown), stopped (stop request)
 *   retrying   waiting for its backoff to pass   -> queued, cancelled, stopped
 *   timed_out  terminal unless attempts remain   -> retrying, queued
 *   stopped    paused by a stop request          -> queued (start request), cancelled
 *   succeeded, failed, cancelled                 terminal: never change
 *
 * `timed_out` is terminal for a job with no attempts left; the runtime moves a timed-out job
 * with attempts left straight to `retrying` in the same write.
 */

/** Every state a job can be in. */
export const JOB_STATES = [
  "scheduled",
  "queued",
  "running",
  "retrying",
  "succeeded",
  "failed",
  "cancelled",
  "timed_out",
  "stopped",
] as const;

/** A job's state. */
export type JobState = (typeof JOB_STATES)[number];

/** States in which a job waits to run (counted against `maxPending`). */
export const PENDING_STATES: readonly JobState[] = ["scheduled", "queued", "retrying"];

/** States a finished job ends in. A job in one of these never runs again. */
export const TERMINAL_STATES: readonly JobState[] = [
  "succeeded",
  "failed",
  "cancelled",
  "timed_out",
];

const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  scheduled: ["queued", "cancelled", "stopped"],
  queued: ["running", "cancelled", "stopped"],
  running: ["succeeded", "failed", "cancelled", "timed_out", "retrying", "queued", "stopped"],
  retrying: ["queued", "cancelled", "stopped"],
  timed_out: ["retrying", "queued"],
  stopped: ["queued", "cancelled"],
  succeeded: [],
  failed: [],
  cancelled: [],
};

/** True when the state machine allows moving a job from `from` to `to`. */
export function canTransition(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The states reachable from `from` in one step. */
export function nextStates(from: JobState): readonly JobState[] {
  return TRANSITIONS[from];
}

/**
 * True when a stored job has finished for good. A stored `timed_out` job is terminal: a
 * timed-out job with attempts left is written as `retrying` in the same write, so the
 * `timed_out -> retrying` edge of the table is never taken by a stored job.
 */
export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** True when the job is waiting to run. */
export function isPending(state: JobState): boolean {
  return state === "scheduled" || state === "queued" || state === "retrying";
}

/** Narrow an unknown string to a JobState. */
export function isJobState(value: string): value is JobState {
  return (JOB_STATES as readonly string[]).includes(value);
}
