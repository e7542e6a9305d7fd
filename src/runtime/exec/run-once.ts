/**
 * @module runtime/exec/run-once
 * `kairos exec`'s engine side: enqueue one job of a function (or find the one its idempotency
 * key names) and run it in this process only, through the worker pool of an engine whose job
 * store is wrapped by an ExclusiveClaim (see exclusive-claim.ts), then report how it ended.
 *
 * Outcomes:
 *   ran              this call ran attempts of the job; `state` is where they left it
 *                    (terminal, or `retrying` after the one attempt `oneAttempt` allows)
 *   finished_before  the idempotency key named a job that had already finished: nothing ran
 *   held_elsewhere   the key named a job that another process runs (or a stop request holds):
 *                    nothing ran here; lease recovery or a start request moves it on
 */
import { isTerminal, type JobState } from "../../core/jobs/states.js";
import type { JobErrorInfo, JobLogLine } from "../../ports/job-store.js";
import type { KairosEventName } from "../../ports/events.js";
import type { Job } from "../job-view.js";
import type { Kairos } from "../kairos.js";
import type { ExclusiveClaim } from "./exclusive-claim.js";

/** What `runOnce` is asked to do. */
export interface RunOnceRequest {
  readonly fn: string;
  readonly payload: unknown;
  /** At most one job per key (e.g. derived from a Kubernetes Job's name). */
  readonly idempotencyKey?: string;
  /**
   * One attempt at most in this process, the retries being someone else's (a Kubernetes Job's
   * pods); default: every attempt the job's retry policy allows, with its backoff.
   */
  readonly oneAttempt?: boolean;
  /** The lease of the job while it runs here (ms). */
  readonly leaseMs: number;
  /** Each log line of the job as it is written to the store. */
  readonly onLog?: (line: JobLogLine) => void;
  /** The job exists (created now, or found by its key), before anything runs. */
  readonly onJob?: (job: Job, created: boolean) => void;
}

/** How `runOnce` ended; see the module header. */
export interface RunOnceOutcome {
  readonly kind: "ran" | "finished_before" | "held_elsewhere";
  readonly jobId: string;
  readonly state: JobState;
  readonly result: unknown;
  readonly error: JobErrorInfo | null;
  /** Attempts the job has started so far. */
  readonly attempts: number;
  /** The job as last read. */
  readonly job: Job;
}

/** Events after which this process has nothing more to run for the job. */
const DONE_EVENTS = [
  "job:succeeded",
  "job:failed",
  "job:cancelled",
  "job:stopped",
  "job:released",
  "job:result_dropped",
] as const satisfies readonly KairosEventName[];

/**
 * Enqueue (or find) the job and run it here only. `kairos` must be created on a store wrapped
 * by `exclusive` and not started (this starts its workers, never its scheduler or leader
 * duties); the caller stops it. The job is enqueued due a hold from now, so no other worker
 * takes it first; `now` is the engine's clock.
 */
export async function runOnce(
  kairos: Kairos,
  exclusive: ExclusiveClaim,
  request: RunOnceRequest,
  now: () => number,
): Promise<RunOnceOutcome> {
  const enqueued = await kairos.enqueueDetailed(request.fn, [request.payload], {
    runAt: exclusive.heldUntil(now()),
    ...(request.idempotencyKey !== undefined ? { idempotencyKey: request.idempotencyKey } : {}),
  });
  const job = enqueued.jobs[0];
  if (!job) throw new Error("unreachable: enqueue returned no job for one payload");
  request.onJob?.(job, enqueued.created[0] ?? true);
  if (isTerminal(job.state)) return outcome("finished_before", job);
  if (job.state === "running" || job.state === "stopped") return outcome("held_elsewhere", job);

  const unsubscribe: (() => void)[] = [];
  const done = new Promise<void>((resolve) => {
    for (const name of DONE_EVENTS) {
      unsubscribe.push(kairos.on(name, (e) => e.jobId === job.id && resolve()));
    }
    if (request.oneAttempt === true) {
      unsubscribe.push(kairos.on("job:retrying", (e) => e.jobId === job.id && resolve()));
    }
    exclusive.onUnclaimable = (id) => id === job.id && resolve();
  });
  const follow = request.onLog ? new LogFollower(kairos, job.id, job.attempt, request.onLog) : null;
  if (follow) {
    unsubscribe.push(
      kairos.on("job:log", (e) => {
        if (e.jobId === job.id) void follow.poke();
      }),
    );
  }
  try {
    exclusive.target(job.id, now());
    await kairos.start({ scheduler: false, concurrency: 1, leaseMs: request.leaseMs });
    await done;
  } finally {
    unsubscribe.forEach((off) => off());
  }
  // Every line was written before the finalization: read what is left.
  await follow?.poke();
  const last = await kairos.jobs.get(job.id);
  return outcome("ran", last ?? job);
}

function outcome(kind: RunOnceOutcome["kind"], job: Job): RunOnceOutcome {
  return {
    kind,
    jobId: job.id,
    state: job.state,
    result: job.result ?? null,
    error: job.error,
    attempts: job.attempt,
    job,
  };
}

/** Reads a job's new log lines after each `job:log` announcement, one read at a time, in order. */
class LogFollower {
  private after: number | undefined = undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly kairos: Kairos,
    private readonly jobId: string,
    /** Lines of attempts up to this one were printed before (by another process). */
    private readonly attemptsBefore: number,
    private readonly onLine: (line: JobLogLine) => void,
  ) {}

  /** Read the lines appended since the last read; resolves when they were handed on. */
  poke(): Promise<void> {
    this.chain = this.chain.then(() => this.read()).catch(() => undefined);
    return this.chain;
  }

  private async read(): Promise<void> {
    for (;;) {
      const lines = await this.kairos.jobs.logs(this.jobId, LOG_PAGE, this.after);
      for (const line of lines) {
        if (line.attempt > this.attemptsBefore) this.onLine(line);
        if (line.seq !== undefined) this.after = line.seq;
      }
      if (lines.length < LOG_PAGE) return;
    }
  }
}

/** Log lines read per page. */
const LOG_PAGE = 500;
