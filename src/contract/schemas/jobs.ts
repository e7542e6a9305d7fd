/**
 * @module contract/schemas/jobs
 * Jobs on the wire: the enqueue bodies, the list query, and the job views the server returns.
 */
import { z } from "@hono/zod-openapi";
import { JOB_STATES } from "../../core/jobs/states.js";
import {
  AnyJson,
  controlRequest,
  Instant,
  InstantInput,
  LimitQuery,
  NullableInstant,
  list,
  page,
} from "./common.js";

/** A job's error info. */
export const JobErrorInfo = z
  .object({
    name: z.string(),
    message: z.string(),
    code: z.string().optional(),
    stack: z.string().optional(),
  })
  .openapi("JobErrorInfo");

/** A job (runtime/job-view `Job`). */
export const Job = z
  .object({
    id: z.string(),
    fn: z.string(),
    state: z.enum(JOB_STATES),
    attempt: z.number(),
    maxAttempts: z.number(),
    payload: AnyJson,
    result: AnyJson,
    error: JobErrorInfo.nullable(),
    progress: z
      .object({ percent: z.number(), message: z.string().nullable(), at: Instant })
      .nullable(),
    priority: z.number(),
    runAt: Instant,
    idempotencyKey: z.string().nullable(),
    concurrencyKey: z.string().nullable(),
    createdAt: Instant,
    updatedAt: Instant,
    startedAt: NullableInstant,
    finishedAt: NullableInstant,
    cancelRequested: z.boolean(),
    generation: z.number().int().min(1),
    backoff: AnyJson,
    timeoutMs: z.number().nullable(),
    origin: z.record(z.string(), z.unknown()),
  })
  .openapi("Job");

const enqueueOptions = {
  runAt: InstantInput.optional(),
  priority: z.number().int().optional(),
  key: z.string().min(1).optional(),
  maxAttempts: z.number().int().min(1).optional(),
  allowUnknown: z.boolean().optional(),
};

/** POST /jobs. */
export const EnqueueBody = z
  .object({
    fn: z.string().min(1),
    payload: AnyJson,
    idempotencyKey: z.string().min(1).optional(),
    ...enqueueOptions,
  })
  .strict()
  .openapi("EnqueueBody");

/** POST /jobs/batch: 1..1000 payloads in one transaction. */
export const EnqueueBatchBody = z
  .object({ fn: z.string().min(1), payloads: z.array(AnyJson).min(1).max(1000), ...enqueueOptions })
  .strict()
  .openapi("EnqueueBatchBody");

/** GET /jobs query. */
export const JobListQuery = z.object({
  state: z.string().optional().openapi({ description: "job states, comma separated" }),
  fn: z.string().optional(),
  q: z.string().max(200).optional().openapi({
    description:
      "text: a job id (exact), or a case-insensitive substring of the idempotency key, the fn or the last error's message",
  }),
  limit: LimitQuery,
  cursor: z.string().optional().openapi({ description: "nextCursor of the previous page" }),
});

/** A page of jobs. */
export const JobPage = page(Job).openapi("JobPage");
/** A list of jobs (batch enqueue). */
export const JobList = list(Job).openapi("JobList");

/** POST /jobs/{id}/cancel answer. */
export const CancelResult = z
  .object({ outcome: z.enum(["cancelled", "cancel_requested", "already_finished"]), job: Job })
  .openapi("CancelResult");

/** One log line of a job. */
export const JobLogLine = z
  .object({
    jobId: z.string(),
    attempt: z.number(),
    at: z.number(),
    level: z.string(),
    message: z.string(),
    /** The line's place in the store, ascending in append order: the `after` cursor. */
    seq: z.number().int().optional(),
  })
  .openapi("JobLogLine");

/** GET /jobs/{id}/logs answer: the lines and the cursor to read newer ones with `after`. */
export const JobLogPage = z
  .object({
    items: z.array(JobLogLine),
    /** The highest seq read (or `after` as given, or 0): pass it as `after` next time. */
    cursor: z.number().int(),
  })
  .openapi("JobLogPage");

/** One attempt of a job. */
export const JobAttempt = z
  .object({
    attempt: z.number(),
    workerId: z.string().nullable(),
    startedAt: Instant,
    finishedAt: NullableInstant,
    outcome: z.string(),
    error: JobErrorInfo.nullable(),
    durationMs: z.number().nullable(),
  })
  .openapi("JobAttempt");

/** GET /jobs/{id}/progress answer. */
export const JobProgressView = z
  .object({ state: z.string(), progress: Job.shape.progress })
  .openapi("JobProgressView");

/** GET /jobs/{id}/why answer. */
export const JobWhy = z
  .object({
    jobId: z.string(),
    state: z.string(),
    summary: z.string(),
    reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  })
  .openapi("JobWhy");

/** The most log lines one GET /jobs/{id}/logs returns: what the stores return at most. */
export const MAX_LOG_LIMIT = 100_000;

/** GET /jobs/{id}/logs query: `limit` in 1..MAX_LOG_LIMIT. */
export const LogsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LOG_LIMIT).optional(),
  /** Only lines appended after this cursor (a seq), in append order. */
  after: z.coerce.number().int().min(0).optional(),
});

/** A job's stop or start request (runtime/job-control-api `JobControlRequest`). */
export const JobControlRequest = controlRequest("jobId").openapi("JobControlRequest");

/** The optional body of a stop or start: who asks (recorded on the request). */
export const ControlBody = z
  .object({ requestedBy: z.string().min(1).max(200).optional() })
  .openapi("ControlBody");
