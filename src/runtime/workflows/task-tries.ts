/**
 * @module runtime/workflows/task-tries
 * `kairos.runs.tries(runId, taskId)`: every try of one task of a run, oldest first — each try
 * is its own job (origin `{ kind: "workflow", id: runId, key: "<task>#<try>" }`), so the row
 * names the job and its state, attempt, times and error. One index read of that task's jobs
 * (WorkflowStore.taskTries); the run's other tasks are read only to word a NotFoundError.
 */
import { NotFoundError } from "../../core/errors.js";
import type { JobState } from "../../core/jobs/states.js";
import { noSuchRun } from "../../core/workflows/not-found.js";
import type { TaskTryJob, WorkflowStore } from "../../ports/workflow-store.js";

/** One try of a workflow task. */
export interface TaskTry {
  readonly tryNumber: number;
  readonly jobId: string;
  readonly state: JobState;
  /** The job's attempt count (a try is one attempt unless a lost lease re-ran it). */
  readonly attempt: number;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  /** finishedAt - startedAt, once both are known. */
  readonly durationMs: number | null;
  /** The try's error message (its job's last error), or null. */
  readonly error: string | null;
}

/** The view of one stored try. */
export function toTaskTry({ tryNumber, job }: TaskTryJob): TaskTry {
  return {
    tryNumber,
    jobId: job.id,
    state: job.state,
    attempt: job.attempt,
    createdAt: new Date(job.createdAt),
    startedAt: job.startedAt === null ? null : new Date(job.startedAt),
    finishedAt: job.finishedAt === null ? null : new Date(job.finishedAt),
    durationMs:
      job.startedAt !== null && job.finishedAt !== null ? job.finishedAt - job.startedAt : null,
    error: job.error?.message ?? null,
  };
}

/** Every try of `taskId` in run `runId`, oldest first; NotFoundError for an unknown run or task. */
export async function readTaskTries(
  deps: { readonly store: () => WorkflowStore; readonly assertOpen: () => void },
  runId: string,
  taskId: string,
): Promise<TaskTry[]> {
  deps.assertOpen();
  const store = deps.store();
  const tries = await store.taskTries(runId, taskId);
  if (tries !== null) return tries.map(toTaskTry);
  const run = await store.getRun(runId);
  if (run === null) throw noSuchRun(runId);
  throw new NotFoundError(
    `run ${runId} (workflow ${run.workflow}) has no task "${taskId}"; its tasks are ` +
      run.tasks.map((t) => t.taskId).join(", "),
  );
}
