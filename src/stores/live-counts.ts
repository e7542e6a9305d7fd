/**
 * @module stores/live-counts
 * Driver-neutral shaping of the live-count reads both adapters run for metrics
 * (`JobStore.liveCounts`, `WorkflowStore.liveRunCounts`): numbers from either driver, and one
 * order (code-point, not the database's collation) so both adapters answer alike.
 */
import type { JobState } from "../core/jobs/states.js";
import type { RunState } from "../core/workflows/states.js";
import type { LiveJobCounts } from "../ports/job-store.js";

/** Compare by code points (not locale): the order both adapters return. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The port's LiveJobCounts for the rows of the two grouped reads. */
export function toLiveJobCounts(
  jobs: readonly { fn: string; state: string; count: number | string }[],
  queues: readonly { fn: string; depth: number | string; oldest: number | string | null }[],
): LiveJobCounts {
  return {
    jobs: jobs
      .map((row) => ({ fn: row.fn, state: row.state as JobState, count: Number(row.count) }))
      .sort((a, b) => byCodePoint(a.fn, b.fn) || byCodePoint(a.state, b.state)),
    queues: queues
      .map((row) => ({
        fn: row.fn,
        depth: Number(row.depth),
        oldestRunAt: row.oldest === null ? null : Number(row.oldest),
      }))
      .sort((a, b) => byCodePoint(a.fn, b.fn)),
  };
}

/** The port's live run counts for the rows of the grouped read. */
export function toLiveRunCounts(
  rows: readonly { workflow: string; state: string; count: number | string }[],
): { workflow: string; state: RunState; count: number }[] {
  return rows
    .map((row) => ({
      workflow: row.workflow,
      state: row.state as RunState,
      count: Number(row.count),
    }))
    .sort((a, b) => byCodePoint(a.workflow, b.workflow) || byCodePoint(a.state, b.state));
}
