/**
 * @module runtime/job-why
 * `kairos.jobs.why(id)`: reads what core/jobs/why needs for one job (only what `whyNeeds` asks
 * for: the function's status, the running jobs holding its concurrency key, the queued jobs
 * ahead of it) and hands it to the pure `explainJob` with the clock's now.
 */
import { UnknownFunctionError } from "../core/errors.js";
import { explainJob, whyNeeds, type JobWhy } from "../core/jobs/why.js";
import type { Clock } from "../ports/clock.js";
import type { JobStore } from "../ports/job-store.js";

/** The most key holders named, and the most queued jobs counted ahead of a job. */
const MAX_HOLDERS = 100;
const MAX_AHEAD = 1_000;

/** Whether the deployment knows `fn`, and why no live worker can run it (null: one can). */
export interface FunctionStatus {
  readonly known: boolean;
  readonly workerReason: string | null;
}

/** What `explainStoredJob` is handed. */
export interface JobWhyDeps {
  readonly store: JobStore;
  readonly clock: Clock;
  functionStatus(fn: string): Promise<FunctionStatus>;
}

/** The function status from the catalog's checks (runtime/function-catalog). */
export async function functionStatus(
  catalog: {
    assertKnown(fn: string): Promise<void>;
    waitingReason(fn: string): Promise<string | null>;
  },
  fn: string,
): Promise<FunctionStatus> {
  try {
    await catalog.assertKnown(fn);
  } catch (error) {
    if (error instanceof UnknownFunctionError) return { known: false, workerReason: null };
    throw error;
  }
  return { known: true, workerReason: await catalog.waitingReason(fn) };
}

/** Why job `id` is not running (or what it does, or how it ended); null for an unknown id. */
export async function explainStoredJob(deps: JobWhyDeps, id: string): Promise<JobWhy | null> {
  const job = await deps.store.get(String(id));
  if (job === null) return null;
  const now = deps.clock.now();
  const needs = whyNeeds(job, now);
  const [status, holders, ahead] = await Promise.all([
    needs.function ? deps.functionStatus(job.fn) : { known: true, workerReason: null },
    needs.keyHolders && job.concurrencyKey !== null
      ? deps.store.listRunningWithKey(job.concurrencyKey, MAX_HOLDERS)
      : [],
    needs.dueAhead
      ? deps.store.countQueuedAhead(
          { jobId: job.id, priority: job.priority, runAt: job.runAt },
          MAX_AHEAD,
        )
      : null,
  ]);
  return explainJob(job, {
    now,
    functionKnown: status.known,
    workerReason: status.workerReason,
    keyHolders: holders.map((h) => ({ id: h.id, leaseOwner: h.leaseOwner })),
    dueAhead: ahead === null ? null : { count: ahead, capped: ahead >= MAX_AHEAD },
  });
}
