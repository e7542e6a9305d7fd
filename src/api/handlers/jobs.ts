/**
 * @module api/handlers/jobs
 * /jobs: enqueue (201 created, 200 idempotent hit), batch, list with cursor, get, cancel, logs,
 * attempts, progress, why.
 */
import { jobRoutes as R } from "../../contract/routes.js";
import {
  ControlBody,
  EnqueueBatchBody,
  EnqueueBody,
  JobListQuery,
  LogsQuery,
} from "../../contract/schemas/jobs.js";
import type { JobLogLine } from "../../core/jobs/types.js";
import type { JobState } from "../../core/jobs/states.js";
import type { KairosClient } from "../../runtime/client.js";
import type { ApiApp, ApiContext } from "../types.js";
import { bodyOf, csv, defined, found, instant, on, queryOf, send } from "./kit.js";

/** Default page size of GET /jobs (as `kairos jobs list`). */
export const DEFAULT_JOB_LIMIT = 100;

const noJob = (id: string) => `no job with id "${id}"`;

function options(b: {
  runAt?: string | number | undefined;
  priority?: number | undefined;
  key?: string | undefined;
  maxAttempts?: number | undefined;
  allowUnknown?: boolean | undefined;
}) {
  return defined({
    runAt: b.runAt === undefined ? undefined : instant(b.runAt, "runAt"),
    priority: b.priority,
    key: b.key,
    maxAttempts: b.maxAttempts,
    allowUnknown: b.allowUnknown,
  });
}

/** Register the job routes. */
export function registerJobs(app: ApiApp, client: KairosClient): void {
  on(app, R.enqueue, async (c, input) => {
    const b = bodyOf(input, EnqueueBody);
    const out = await client.enqueue(b.fn, [b.payload], {
      ...options(b),
      ...defined({ idempotencyKey: b.idempotencyKey }),
    });
    return send(c, out.jobs[0], out.created[0] === false ? 200 : 201);
  });
  on(app, R.enqueueBatch, async (c, input) => {
    const b = bodyOf(input, EnqueueBatchBody);
    const out = await client.enqueue(b.fn, b.payloads, options(b));
    return send(c, { items: out.jobs }, 201);
  });
  on(app, R.listJobs, async (c, input) => {
    const q = queryOf(input, JobListQuery);
    const limit = q.limit ?? DEFAULT_JOB_LIMIT;
    const items = await client.jobs.list(
      defined({
        state: csv(q.state) as JobState[] | undefined,
        fn: q.fn,
        search: q.q,
        limit,
        beforeId: q.cursor,
      }),
    );
    const nextCursor = items.length === limit ? items[items.length - 1]!.id : null;
    return send(c, { items, nextCursor });
  });
  on(app, R.getJob, async (c, { params }) =>
    send(c, found(await client.jobs.get(params.id!), noJob(params.id!))),
  );
  on(app, R.cancelJob, async (c, { params }) =>
    send(c, found(await client.jobs.cancel(params.id!), noJob(params.id!))),
  );
  on(app, R.jobLogs, async (c, input) => {
    const id = input.params.id!;
    found(await client.jobs.get(id), noJob(id));
    const q = queryOf(input, LogsQuery);
    const items = await client.jobs.logs(id, q.limit, q.after);
    return send(c, { items, cursor: logCursor(items, q.after) });
  });
  on(app, R.jobAttempts, async (c, { params }) => {
    found(await client.jobs.get(params.id!), noJob(params.id!));
    return send(c, { items: await client.jobs.attempts(params.id!) });
  });
  on(app, R.jobProgress, async (c, { params }) => {
    const job = found(await client.jobs.get(params.id!), noJob(params.id!));
    return send(c, { state: job.state, progress: job.progress });
  });
  on(app, R.jobWhy, async (c, { params }) =>
    send(c, found(await client.jobs.why(params.id!), noJob(params.id!))),
  );
  on(app, R.stopJob, async (c, input) =>
    send(c, await client.jobs.stop(input.params.id!, { requestedBy: requester(c, input) }), 202),
  );
  on(app, R.startJob, async (c, input) =>
    send(c, await client.jobs.start(input.params.id!, { requestedBy: requester(c, input) }), 202),
  );
  on(app, R.jobRequests, async (c, { params }) => {
    found(await client.jobs.get(params.id!), noJob(params.id!));
    return send(c, { items: await client.jobs.requests(params.id!) });
  });
}

/**
 * Who asked, as a control request (of a job or a run) records it: the name the caller gave (the CLI sends "cli"),
 * else the token's id, else "api" (the open loopback).
 */
export function requester(c: ApiContext, input: Parameters<typeof bodyOf>[0]): string {
  const given = (bodyOf(input, ControlBody) as { requestedBy?: string } | undefined)?.requestedBy;
  if (given) return given;
  const auth = c.get("auth");
  return auth?.tokenId ? `token ${auth.tokenId}` : "api";
}

/** The cursor after `items`: their highest seq, else the `after` asked with (else 0). */
function logCursor(items: readonly JobLogLine[], after: number | undefined): number {
  return items.reduce((max, line) => Math.max(max, line.seq ?? 0), after ?? 0);
}
