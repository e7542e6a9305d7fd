/**
 * @module core/jobs/why
 * "Why isn't it running?" for a plain job: `explainJob(job, context)` says in words what holds
 * a job back (or what it is doing, or how it ended), as a summary and a list of reasons with
 * stable codes. Pure: the runtime reads what the answer needs (`whyNeeds` says what) and hands
 * it over with `now`.
 *
 * Reason codes (stable; scripts may match them):
 *   scheduled_later   scheduled, its runAt is in the future
 *   retry_backoff     retrying, waiting for its backoff delay
 *   unknown_function  no process defines its function and no `kairos apply` declared it
 *   no_live_worker    no live worker can run its function (none defines it, or it is unavailable)
 *   concurrency_key   due, but running jobs hold every slot of its concurrency key
 *   waiting_for_slot  due and claimable: waiting for a free worker slot
 *   cancel_requested  running, a cancel was requested
 *   running           running on a worker
 *   stopped           paused by a stop request
 *   succeeded, failed, timed_out, cancelled   finished
 *
 * A pending job that is not due yet also gets the function reasons (unknown_function,
 * no_live_worker): they will hold it once it is due. Concurrency and slots are only judged for
 * a due job.
 */
import { formatDuration } from "../reconcile/format.js";
import type { JobState } from "./states.js";
import type { StoredJob } from "./types.js";

/** Every reason code `explainJob` returns. */
export const JOB_WHY_CODES = [
  "scheduled_later",
  "retry_backoff",
  "unknown_function",
  "no_live_worker",
  "concurrency_key",
  "waiting_for_slot",
  "cancel_requested",
  "running",
  "stopped",
  "succeeded",
  "failed",
  "timed_out",
  "cancelled",
] as const;

/** A stable reason code (see the module header). */
export type JobWhyCode = (typeof JOB_WHY_CODES)[number];

/** One reason: a stable code and a sentence for people. */
export interface JobWhyReason {
  readonly code: JobWhyCode;
  readonly message: string;
}

/** The answer: the job's state, a one-line summary, and the reasons, most important first. */
export interface JobWhy {
  readonly jobId: string;
  readonly state: JobState;
  readonly summary: string;
  readonly reasons: readonly JobWhyReason[];
}

/** A running job that holds a slot of a concurrency key. */
export interface KeyHolder {
  readonly id: string;
  readonly leaseOwner: string | null;
}

/** What the runtime read for the answer; fields `whyNeeds` did not ask for may be left empty. */
export interface JobWhyContext {
  readonly now: number;
  /** False: the deployment does not know the job's function (unknown_function). */
  readonly functionKnown: boolean;
  /**
   * Why no live worker can run the function (runtime/function-catalog `waitingReason`), or null
   * when one can.
   */
  readonly workerReason: string | null;
  /** Running jobs with the job's concurrency key (the job itself is ignored if listed). */
  readonly keyHolders: readonly KeyHolder[];
  /** Due jobs ahead of it in claim order; `capped`: at least `count`. Null: not counted. */
  readonly dueAhead: { readonly count: number; readonly capped: boolean } | null;
}

/** Which reads an answer for `job` at `now` needs. */
export interface JobWhyNeeds {
  /** The function's known-ness and live workers. */
  readonly function: boolean;
  /** The running jobs holding its concurrency key. */
  readonly keyHolders: boolean;
  /** The count of due jobs ahead of it. */
  readonly dueAhead: boolean;
}

/** True for a pending job whose runAt has come (it could be claimed now). */
function isDue(job: StoredJob, now: number): boolean {
  return (
    job.state === "queued" ||
    ((job.state === "scheduled" || job.state === "retrying") && job.runAt <= now)
  );
}

/** Says which reads `explainJob` needs for `job` at `now`; nothing for a non-pending job. */
export function whyNeeds(job: StoredJob, now: number): JobWhyNeeds {
  const pending = job.state === "scheduled" || job.state === "queued" || job.state === "retrying";
  const due = isDue(job, now);
  return { function: pending, keyHolders: due && job.concurrencyKey !== null, dueAhead: due };
}

/** A duration for people: whole seconds from 1 s up, e.g. `1m30s`, `250ms`. */
export function humanDuration(ms: number): string {
  const n = Math.max(0, Math.round(ms));
  return formatDuration(n >= 1_000 ? Math.round(n / 1_000) * 1_000 : n);
}

function at(ms: number): string {
  return new Date(ms).toISOString();
}

function errorText(job: StoredJob): string {
  return job.error === null ? "" : `${job.error.name}: ${job.error.message.split("\n", 1)[0]}`;
}

const reason = (code: JobWhyCode, message: string): JobWhyReason => ({ code, message });

/** The reasons of a pending job (scheduled, queued, retrying). */
function pendingReasons(job: StoredJob, ctx: JobWhyContext): JobWhyReason[] {
  const { now } = ctx;
  const reasons: JobWhyReason[] = [];
  const due = isDue(job, now);
  if (!due && job.state === "retrying") {
    const failed = errorText(job);
    reasons.push(
      reason(
        "retry_backoff",
        `attempt ${job.attempt} of ${job.maxAttempts} failed${failed ? ` (${failed})` : ""}; ` +
          `attempt ${job.attempt + 1} of ${job.maxAttempts} is due in ` +
          `${humanDuration(job.runAt - now)}, at ${at(job.runAt)}`,
      ),
    );
  } else if (!due) {
    reasons.push(
      reason(
        "scheduled_later",
        `scheduled to run in ${humanDuration(job.runAt - now)}, at ${at(job.runAt)}`,
      ),
    );
  }
  if (!ctx.functionKnown) {
    reasons.push(
      reason(
        "unknown_function",
        `fn ${job.fn} is unknown here: no process defines it and no kairos apply declared it; ` +
          "define it in a worker (kairos.define) or declare it in kairos.yaml",
      ),
    );
  } else if (ctx.workerReason !== null) {
    reasons.push(reason("no_live_worker", ctx.workerReason));
  }
  if (!due) return reasons;
  const holders = ctx.keyHolders.filter((h) => h.id !== job.id);
  if (job.concurrencyKey !== null && holders.length >= job.concurrencyLimit) {
    const shown = holders
      .slice(0, 10)
      .map((h) => h.id + (h.leaseOwner ? ` on ${h.leaseOwner}` : ""));
    const more = holders.length > shown.length ? `, and ${holders.length - shown.length} more` : "";
    reasons.push(
      reason(
        "concurrency_key",
        `concurrency key ${JSON.stringify(job.concurrencyKey)} allows ${job.concurrencyLimit} ` +
          `running at once and ${holders.length === 1 ? "it is" : "they are"} held by ` +
          `job${holders.length === 1 ? "" : "s"} ${shown.join(", ")}${more}`,
      ),
    );
  }
  if (reasons.length === 0) reasons.push(reason("waiting_for_slot", slotMessage(job, ctx)));
  return reasons;
}

function slotMessage(job: StoredJob, ctx: JobWhyContext): string {
  const since = job.runAt <= ctx.now ? ` (due for ${humanDuration(ctx.now - job.runAt)})` : "";
  const base = `due and claimable${since}: waiting for a free worker slot`;
  const ahead = ctx.dueAhead;
  if (ahead === null) return base;
  if (ahead.count === 0) return `${base}; it is next in line`;
  const n = `${ahead.capped ? "at least " : ""}${ahead.count}`;
  return `${base}; ${n} due job${ahead.count === 1 ? "" : "s"} ahead of it (by priority, then runAt)`;
}

/** The reasons of a running job. */
function runningReasons(job: StoredJob, ctx: JobWhyContext): JobWhyReason[] {
  const { now } = ctx;
  const reasons: JobWhyReason[] = [];
  if (job.cancelRequestedAt !== null) {
    reasons.push(
      reason(
        "cancel_requested",
        `cancel requested at ${at(job.cancelRequestedAt)}: its handler's signal was fired; it ` +
          "ends cancelled once the handler returns or the cancel grace period passes",
      ),
    );
  }
  const parts = [
    `attempt ${job.attempt} of ${job.maxAttempts}`,
    job.startedAt === null
      ? null
      : `running since ${at(job.startedAt)} (${humanDuration(now - job.startedAt)})`,
    job.leaseOwner === null ? null : `on worker ${job.leaseOwner}`,
  ].filter((p): p is string => p !== null);
  let lease = "";
  if (job.leaseExpiresAt !== null) {
    lease =
      job.leaseExpiresAt >= now
        ? `; lease expires at ${at(job.leaseExpiresAt)} (in ${humanDuration(job.leaseExpiresAt - now)})`
        : `; its lease expired ${humanDuration(now - job.leaseExpiresAt)} ago (worker gone?): ` +
          "the leader's lease recovery retries or fails it";
  }
  const progress =
    job.progress === null
      ? ""
      : `; progress ${job.progress.percent}%${job.progress.message ? ` ${job.progress.message}` : ""}`;
  reasons.push(reason("running", `${parts.join(", ")}${lease}${progress}`));
  return reasons;
}

/** The reason of a finished or stopped job. */
function endReason(job: StoredJob): JobWhyReason {
  const when = job.finishedAt === null ? "" : ` at ${at(job.finishedAt)}`;
  const took =
    job.finishedAt !== null && job.startedAt !== null
      ? ` (last attempt took ${humanDuration(job.finishedAt - job.startedAt)})`
      : "";
  const err = errorText(job);
  const tries = `attempt ${job.attempt} of ${job.maxAttempts}`;
  switch (job.state) {
    case "succeeded":
      return reason("succeeded", `succeeded${when} on ${tries}${took}`);
    case "failed":
      return reason("failed", `failed${when} on ${tries}${err ? `: ${err}` : ""}`);
    case "timed_out":
      return reason(
        "timed_out",
        `timed out${when} on ${tries}` +
          (job.timeoutMs ? ` (timeout ${humanDuration(job.timeoutMs)})` : "") +
          (err ? `: ${err}` : ""),
      );
    case "cancelled":
      return reason("cancelled", `cancelled${when}${err ? `: ${err}` : ""}`);
    default:
      return reason(
        "stopped",
        `stopped by a stop request at ${at(job.updatedAt)}; it runs again only once started`,
      );
  }
}

const SUMMARY_VERB: Readonly<Record<JobState, string>> = {
  scheduled: "is not running",
  queued: "is not running",
  retrying: "is not running",
  running: "is running",
  stopped: "is not running",
  succeeded: "has finished",
  failed: "has finished",
  timed_out: "has finished",
  cancelled: "has finished",
};

/**
 * Explains `job` at `ctx.now`: always at least one reason; the summary is
 * `job <id> (<fn>) <is not running|is running|has finished>: <first reason>`.
 */
export function explainJob(job: StoredJob, ctx: JobWhyContext): JobWhy {
  let reasons: JobWhyReason[];
  if (job.state === "scheduled" || job.state === "queued" || job.state === "retrying") {
    reasons = pendingReasons(job, ctx);
  } else if (job.state === "running") {
    reasons = runningReasons(job, ctx);
  } else {
    reasons = [endReason(job)];
  }
  const first = reasons[0]?.message ?? job.state;
  return {
    jobId: job.id,
    state: job.state,
    summary: `job ${job.id} (${job.fn}) ${SUMMARY_VERB[job.state]}: ${first}`,
    reasons,
  };
}
