/**
 * @module core/workflows/task-errors
 * What a task's handler throws to end its task without a retry, and the job origin of a task
 * try. The job engine records a thrown error's `code` on the job; the run's advance decision
 * (advance.ts) reads it: `TASK_SKIPPED` ends the task `skipped`, `TASK_FAILED` ends it `failed`
 * whatever retries remain (Airflow's AirflowSkipException and AirflowFailException).
 */
import type { JobOrigin } from "../jobs/origin.js";

/** The error code of `SkipTask`, as recorded on the job. */
export const TASK_SKIPPED_CODE = "TASK_SKIPPED";

/** The error code of `FailTask`, as recorded on the job. */
export const TASK_FAILED_CODE = "TASK_FAILED";

/** Thrown by a task's handler: the task ends `skipped`, never retried (Airflow's AirflowSkipException). */
export class SkipTask extends Error {
  readonly code = TASK_SKIPPED_CODE;
  constructor(message = "the task skipped itself") {
    super(message);
    this.name = "SkipTask";
  }
}

/** Thrown by a task's handler: the task ends `failed`, no retry (Airflow's AirflowFailException). */
export class FailTask extends Error {
  readonly code = TASK_FAILED_CODE;
  constructor(message = "the task failed itself (no retry)") {
    super(message);
    this.name = "FailTask";
  }
}

/** The origin of the job of try `tryNumber` of task `taskId` in run `runId`: key `<task>#<try>`. */
export function taskTryOrigin(runId: string, taskId: string, tryNumber: number): JobOrigin {
  return { kind: "workflow", id: runId, key: `${taskId}#${tryNumber}` };
}

/** The task id and try number of a `<task>#<try>` origin key, or null when it is not one. */
export function parseTaskTryKey(key: string): { taskId: string; tryNumber: number } | null {
  const match = /^([A-Za-z0-9_.:-]{1,200})#([1-9]\d{0,8})$/.exec(key);
  if (match === null) return null;
  return { taskId: match[1] ?? "", tryNumber: Number(match[2]) };
}
