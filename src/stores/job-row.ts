/**
 * @module stores/job-row
 * The one mapping from a `jobs` row to the port's StoredJob, shared by the SQLite and
 * PostgreSQL adapters (both store the same columns with the same types: instants and ids as
 * numbers, JSON as text). JSON columns are parsed here and nowhere else.
 */
import { StoreError } from "../core/errors.js";
import { API_ORIGIN, isOriginKind, type JobOrigin } from "../core/jobs/origin.js";
import { isJobState } from "../core/jobs/states.js";
import type { BackoffPolicy } from "../core/retry/backoff.js";
import type { ClaimedJob, JobErrorInfo, NewJob, StoredJob } from "../ports/job-store.js";

/** A `jobs` row as either driver returns it. */
export interface JobRow {
  id: number;
  fn: string;
  state: string;
  attempt: number;
  max_attempts: number;
  payload: string;
  result: string | null;
  error: string | null;
  progress_percent: number | null;
  progress_message: string | null;
  progress_at: number | null;
  priority: number;
  run_at: number;
  idempotency_key: string | null;
  concurrency_key: string | null;
  concurrency_limit: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  lease_token: string | null;
  cancel_requested_at: number | null;
  /** Migration 3: the stamped backoff (JSON) and timeout; NULL for older jobs. */
  backoff: string | null;
  timeout_ms: number | null;
  /** Migration 5: the job's origin (core/jobs/origin); `api` with no id or key by default. */
  origin_kind: string;
  origin_id: string | null;
  origin_key: string | null;
}

/** Map a row to a StoredJob. Throws StoreError for a row no Kairos version could have written. */
export function rowToJob(row: JobRow): StoredJob {
  if (!isJobState(row.state)) {
    throw new StoreError(`job ${row.id} has unknown state "${row.state}" in the database`);
  }
  return {
    id: String(row.id),
    fn: row.fn,
    state: row.state,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    payloadJson: row.payload,
    resultJson: row.result,
    error: row.error === null ? null : parseJobError(row.id, row.error),
    progress:
      row.progress_percent === null
        ? null
        : {
            percent: row.progress_percent,
            message: row.progress_message,
            at: row.progress_at ?? row.updated_at,
          },
    priority: row.priority,
    runAt: row.run_at,
    idempotencyKey: row.idempotency_key,
    concurrencyKey: row.concurrency_key,
    concurrencyLimit: row.concurrency_limit,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    leaseToken: row.lease_token,
    cancelRequestedAt: row.cancel_requested_at,
    backoff: row.backoff === null ? null : parseBackoff(row.id, row.backoff),
    timeoutMs: row.timeout_ms,
    origin: toOrigin(row.id, row.origin_kind, row.origin_id, row.origin_key),
  };
}

/**
 * The StoredJob a reader gets for the row an enqueue just inserted with id `id`: `job` as
 * given, `state` (scheduled or queued), attempt 0, no lease, progress, result or error,
 * created and updated at `now`; the backoff and origin mapped exactly as `rowToJob` maps the
 * stored columns (`backoffText` is the text written to the row, `origin` the checked origin).
 * Lets an adapter skip reading the row back (SQLite: no RETURNING; PostgreSQL: RETURNING only
 * the id).
 */
export function insertedJob(
  id: number,
  job: NewJob,
  state: "scheduled" | "queued",
  origin: JobOrigin,
  backoffText: string,
  now: number,
): StoredJob {
  return {
    id: String(id),
    fn: job.fn,
    state,
    attempt: 0,
    maxAttempts: job.maxAttempts,
    payloadJson: job.payloadJson,
    resultJson: null,
    error: null,
    progress: null,
    priority: job.priority,
    runAt: job.runAt,
    idempotencyKey: job.idempotencyKey,
    concurrencyKey: job.concurrencyKey,
    concurrencyLimit: job.concurrencyLimit,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    leaseToken: null,
    cancelRequestedAt: null,
    backoff: parseBackoff(id, backoffText),
    timeoutMs: job.timeoutMs,
    origin: toOrigin(id, origin.kind, origin.id, origin.key),
  };
}

/**
 * The origin stored in a job's `origin_*` columns; StoreError for a kind this Kairos does not
 * know. The api origin is one shared object (most jobs have it).
 */
export function toOrigin(
  id: number,
  kind: string,
  originId: string | null,
  key: string | null,
): JobOrigin {
  if (kind === "api" && originId === null && key === null) return API_ORIGIN;
  if (!isOriginKind(kind)) {
    throw new StoreError(`job ${id} has unknown origin kind "${kind}" in the database`);
  }
  return { kind, id: originId, key };
}

/** JSON text for the `error` column; only the port's fields are kept. */
export function errorToJson(error: JobErrorInfo): string {
  const { name, message, code, stack } = error;
  return JSON.stringify({ name, message, code, stack });
}

/** Parse the `error` column; StoreError when it is not a stored JobErrorInfo. */
export function parseJobError(id: number, text: string): JobErrorInfo {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new StoreError(`job ${id} has an error column that is not JSON`, { cause });
  }
  const v = value as Partial<Record<keyof JobErrorInfo, unknown>> | null;
  if (v === null || typeof v !== "object" || typeof v.name !== "string") {
    throw new StoreError(`job ${id} has an error column without a name`);
  }
  return {
    name: v.name,
    message: typeof v.message === "string" ? v.message : "",
    ...(typeof v.code === "string" ? { code: v.code } : {}),
    ...(typeof v.stack === "string" ? { stack: v.stack } : {}),
  };
}

/** Serialized backoff policies: the jobs of one function share one policy object. */
const backoffTexts = new WeakMap<BackoffPolicy, string>();

/** JSON text for the `backoff` column (each policy object serialized once). */
export function backoffToJson(policy: BackoffPolicy): string {
  let text = backoffTexts.get(policy);
  if (text === undefined) {
    text = JSON.stringify(policy);
    backoffTexts.set(policy, text);
  }
  return text;
}

/** Parsed backoff texts: jobs share a handful of policies, so each text is parsed once. */
const parsedBackoffs = new Map<string, BackoffPolicy>();

/** Parse the `backoff` column; StoreError when it is not JSON of an object. */
export function parseBackoff(id: number, text: string): BackoffPolicy {
  const known = parsedBackoffs.get(text);
  if (known !== undefined) return known;
  const parsed = parseBackoffText(id, text);
  if (parsedBackoffs.size >= 1_000) parsedBackoffs.clear();
  parsedBackoffs.set(text, Object.freeze(parsed));
  return parsed;
}

function parseBackoffText(id: number, text: string): BackoffPolicy {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new StoreError(`job ${id} has a backoff column that is not JSON`, { cause });
  }
  if (value === null || typeof value !== "object") {
    throw new StoreError(`job ${id} has a backoff column that is not a backoff policy`);
  }
  return value as BackoffPolicy;
}

/** The jobs a claim returned, checked to hold a lease (a claim always gives one); StoreError otherwise. */
export function asClaimedJobs(jobs: StoredJob[]): ClaimedJob[] {
  for (const job of jobs) {
    if (job.leaseToken === null || job.leaseOwner === null || job.leaseExpiresAt === null) {
      throw new StoreError(`job ${job.id} was claimed without a lease`);
    }
  }
  return jobs as ClaimedJob[];
}
