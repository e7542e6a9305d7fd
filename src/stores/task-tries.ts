/**
 * @module stores/task-tries
 * Shared by both adapters' `WorkflowStore.taskTries`: from the jobs a read by origin found
 * (kind `workflow`, id = the run, key starting `<task>#`), keep those whose key is exactly
 * `<task>#<try>` and put them in try order.
 */
import { parseTaskTryKey } from "../core/workflows/task-errors.js";
import type { StoredJob } from "../ports/job-store.js";
import type { TaskTryJob } from "../ports/workflow-store.js";

/** The first key after every key starting `<taskId>#` (`$` follows `#`): the range's end. */
export function tryKeyRange(taskId: string): { from: string; to: string } {
  return { from: `${taskId}#`, to: `${taskId}$` };
}

/** The tries of `taskId` among `jobs`, by try number (a key that is not `<task>#<n>` is left out). */
export function triesInOrder(taskId: string, jobs: readonly StoredJob[]): TaskTryJob[] {
  const tries: TaskTryJob[] = [];
  for (const job of jobs) {
    const parsed = job.origin.key === null ? null : parseTaskTryKey(job.origin.key);
    if (parsed !== null && parsed.taskId === taskId) {
      tries.push({ tryNumber: parsed.tryNumber, job });
    }
  }
  return tries.sort((a, b) => a.tryNumber - b.tryNumber);
}
