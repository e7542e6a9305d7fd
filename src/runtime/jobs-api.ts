/**
 * @module runtime/jobs-api
 * The jobs half of the engine's client interface: enqueue (one or many, in one transaction),
 * read, list, cancel, logs, why. Beside `schedules-api.ts`; the facade (`kairos.ts`) exposes both.
 * Every new job is built by the JobFactory, so its policy is resolved once and stamped on it.
 */
import { ValidationError } from "../core/errors.js";
import type { JobOrigin } from "../core/jobs/origin.js";
import { isJobState, type JobState } from "../core/jobs/states.js";
import type { Clock } from "../ports/clock.js";
import type { JobLogLine, JobStore } from "../ports/job-store.js";
import type { EventBus } from "./event-bus.js";
import type { JobFactory, NewJobOptions } from "./job-factory.js";
import { toJob, toJobAttempt, type Job, type JobAttempt } from "./job-view.js";
import type { JobWhy } from "../core/jobs/why.js";
import { explainStoredJob, type FunctionStatus } from "./job-why.js";
import type { JobControlApi } from "./job-control-api.js";
import { announceCancelled } from "./job-cancelled.js";

export type { JobWhy, JobWhyCode, JobWhyReason } from "../core/jobs/why.js";

/** Options of one enqueue. */
export interface EnqueueOptions extends NewJobOptions {
  /** Not before this instant (Date or ms since epoch). Default: now. */
  readonly runAt?: Date | number;
  /** Higher runs first (default: the function's, else 0). */
  readonly priority?: number;
  /**
   * At most one job per key: enqueuing the key again with the same function and payload
   * returns the existing job; with a different one it throws ConflictError.
   */
  readonly idempotencyKey?: string;
  /** Concurrency key, overriding the function's `concurrency.key`. */
  readonly key?: string;
  /** Attempts in all (default: the function's, else 3). */
  readonly maxAttempts?: number;
  /**
   * Accept a function this deployment does not know yet: neither declared by `kairos apply` nor
   * defined by any worker (its worker will start later). Without it, enqueue throws
   * UnknownFunctionError (code UNKNOWN_FUNCTION) with the closest known name.
   */
  readonly allowUnknown?: boolean;
}

/** The longest `search` text of `jobs.list`. */
export const MAX_SEARCH = 200;

/** Filter for `jobs.list`. */
export interface JobListOptions {
  readonly state?: JobState | readonly JobState[];
  readonly fn?: string;
  /** Default 100, at most 10,000. */
  readonly limit?: number;
  /** Page: jobs older than this id. */
  readonly beforeId?: string;
  /**
   * Text, at most 200 characters: a job id (exact), or a case-insensitive substring of the
   * idempotency key, the fn or the last error's message. Empty: no filter.
   */
  readonly search?: string;
}

/** Result of `jobs.cancel`. */
export interface CancelResult {
  /** `cancelled`: done; `cancel_requested`: running, its signal fired; `already_finished`: nothing to do. */
  readonly outcome: "cancelled" | "cancel_requested" | "already_finished";
  readonly job: Job;
}

/** Reading, listing and cancelling jobs. */
export interface JobsApi extends JobControlApi {
  /** The job with this id, or null. */
  get<P = unknown, R = unknown>(id: string): Promise<Job<P, R> | null>;
  /** Jobs matching the filter, newest first. */
  list(options?: JobListOptions): Promise<Job[]>;
  /**
   * Cancel a job: a pending job is cancelled at once; a running one has its AbortSignal fired
   * (here, or in the process running it, at its next heartbeat) and is finalized `cancelled`
   * after the grace period even if its handler ignores the signal. Returns null for an unknown id.
   */
  cancel(id: string): Promise<CancelResult | null>;
  /**
   * The job's log lines, oldest first, each with its `seq`. With `after` (a seq already read):
   * only the lines appended since, in append order, for following a job's log.
   */
  logs(id: string, limit?: number, after?: number): Promise<JobLogLine[]>;
  /**
   * The job's attempts, oldest first: every attempt that ended (worker, start, end, outcome,
   * error, duration), then the one running now, if any (outcome `running`). [] for an unknown id.
   */
  attempts(id: string): Promise<JobAttempt[]>;
  /**
   * Why the job is not running, in words: `{ jobId, state, summary, reasons: [{ code, message
   * }] }` with stable codes (scheduled_later, retry_backoff, concurrency_key, no_live_worker,
   * unknown_function, waiting_for_slot, cancel_requested, running, stopped, and the terminal
   * states; see core/jobs/why). Null for an unknown id.
   */
  why(id: string): Promise<JobWhy | null>;
}

/** What the jobs API is handed. */
export interface JobsApiCapabilities {
  /** Stop and start (runtime/job-control-api), part of the jobs API. */
  readonly control: JobControlApi;
  readonly store: JobStore;
  readonly factory: JobFactory;
  readonly events: EventBus;
  readonly clock: Clock;
  assertOpen(): void;
  /** Throws UnknownFunctionError when the deployment does not know `fn` (runtime/function-catalog). */
  assertKnown(fn: string): Promise<void>;
  /** Whether `fn` is known and why no live worker can run it (runtime/job-why). */
  functionStatus(fn: string): Promise<FunctionStatus>;
  /** Jobs became due at `runAt` (wake this process's workers). */
  due(runAt: number): void;
  /** A job running in this process should see its cancel now. */
  cancelLocal(jobId: string): void;
  /** The generation of the jobs started again (absent: 1); absent when the store keeps none. */
  generations?(jobIds: readonly string[]): Promise<Map<string, number>>;
}

/** The jobs API and the enqueue path over the given capabilities. */
export function createJobsApi(caps: JobsApiCapabilities): {
  readonly api: JobsApi;
  /**
   * `origin`: who creates the jobs (default an api job; a schedule's manual trigger, ...).
   * `created[i]` is false when an idempotency key matched a job that already existed.
   */
  enqueueMany<P>(
    fn: string,
    payloads: readonly P[],
    options: EnqueueOptions,
    origin?: JobOrigin,
  ): Promise<{ jobs: Job<P>[]; created: boolean[] }>;
} {
  return {
    api: readApi(caps),
    enqueueMany: (fn, payloads, options, origin) => enqueue(caps, fn, payloads, options, origin),
  };
}

/** Read, list, cancel, logs. */
function readApi(caps: JobsApiCapabilities): JobsApi {
  const { store, clock, events } = caps;
  return {
    ...caps.control,
    get: async <P = unknown, R = unknown>(id: string) => {
      caps.assertOpen();
      const job = await store.get(String(id));
      if (!job) return null;
      const generations = (await caps.generations?.([job.id])) ?? new Map<string, number>();
      return toJob<P, R>(job, generations.get(job.id));
    },
    list: async (options = {}) => {
      caps.assertOpen();
      const states = options.state === undefined ? [] : ([] as JobState[]).concat(options.state);
      for (const s of states) {
        if (!isJobState(s)) throw new ValidationError(`unknown job state ${JSON.stringify(s)}`);
      }
      const limit = options.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
        throw new ValidationError(`limit must be an integer in 1..10000, got ${String(limit)}`);
      }
      const search = options.search ?? "";
      if (search.length > MAX_SEARCH) {
        throw new ValidationError(
          `search is at most ${MAX_SEARCH} characters, got ${search.length}`,
        );
      }
      const rows = await store.list({
        ...(search !== "" ? { search } : {}),
        ...(states.length > 0 ? { state: states } : {}),
        ...(options.fn !== undefined ? { fn: options.fn } : {}),
        ...(options.beforeId !== undefined ? { beforeId: options.beforeId } : {}),
        limit,
      });
      const generations =
        (await caps.generations?.(rows.map((row) => row.id))) ?? new Map<string, number>();
      return rows.map((row) => toJob(row, generations.get(row.id)));
    },
    cancel: async (id) => {
      caps.assertOpen();
      const outcome = await store.cancel(String(id), clock.now());
      if (outcome.kind === "not_found") return null;
      if (outcome.kind === "cancelled")
        announceCancelled(events, [{ ...outcome.job, jobId: outcome.job.id }], clock.now());
      if (outcome.kind === "cancel_requested") caps.cancelLocal(outcome.job.id);
      return { outcome: outcome.kind, job: toJob(outcome.job) };
    },
    logs: async (id, limit = 1_000, after) => {
      caps.assertOpen();
      return store.getLogs(String(id), limit, after);
    },
    attempts: async (id) => {
      caps.assertOpen();
      return (await store.getAttempts(String(id))).map(toJobAttempt);
    },
    why: async (id) => {
      caps.assertOpen();
      return explainStoredJob(caps, id);
    },
  };
}

/** Enqueue several jobs of one function in one transaction; see `Kairos.enqueueMany`. */
async function enqueue<P>(
  caps: JobsApiCapabilities,
  fn: string,
  payloads: readonly P[],
  options: EnqueueOptions,
  origin?: JobOrigin,
): Promise<{ jobs: Job<P>[]; created: boolean[] }> {
  const { store, clock, events } = caps;
  caps.assertOpen();
  if (typeof fn !== "string" || fn.length === 0) {
    throw new ValidationError(`fn must be a non-empty string, got ${JSON.stringify(fn)}`);
  }
  if (!Array.isArray(payloads)) throw new ValidationError("payloads must be an array");
  if (options.idempotencyKey !== undefined && payloads.length > 1) {
    throw new ValidationError(
      "idempotencyKey applies to one job: enqueue keyed jobs one at a time with enqueue()",
    );
  }
  if (options.allowUnknown !== true) await caps.assertKnown(fn);
  const now = clock.now();
  const rows = await caps.factory.build(fn, payloads, options, now, origin);
  const outcomes = await store.enqueue(rows, now);
  let earliest = Number.POSITIVE_INFINITY;
  for (const { job, created } of outcomes) {
    if (!created) continue;
    earliest = Math.min(earliest, job.runAt);
    if (events.has("job:queued")) {
      events.emit("job:queued", {
        jobId: job.id,
        fn: job.fn,
        attempt: job.attempt,
        at: now,
        runAt: job.runAt,
      });
    }
  }
  if (earliest !== Number.POSITIVE_INFINITY) caps.due(earliest);
  return {
    jobs: outcomes.map(({ job }) => toJob<P>(job)),
    created: outcomes.map(({ created }) => created),
  };
}
