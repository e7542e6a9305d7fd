/**
 * @module client/http
 * `HttpClient`: the KairosClient over the server's API. Every call goes through a route of
 * contract/route-table.ts (no hand-written URLs; the zod schemas of contract/routes.ts are not
 * loaded); answers are revived (instants back to Dates, keys as sent); errors come back as the
 * same KairosError subclass with the same message, so a command prints the same against a
 * server as against a local store. Lists the facade returns whole are read page by page until
 * `nextCursor` is null.
 */
import type { FeedFilter } from "../core/feed/types.js";
import { NotFoundError } from "../core/errors.js";
import { reviveAs, type ShapeName } from "../contract/revive.js";
import type { RouteName } from "../contract/route-table.js";
import type {
  ApplyRequest,
  ApplyResult,
  SchedulerStatus,
  ClientRunsApi,
  ClientSchedulesApi,
  ClientTarget,
  ClientWorkflowsApi,
  ConfigSource,
  EnqueueOutcome,
  FeedItem,
  FeedPage,
  FeedSubscribeOptions,
  ClientJobsApi,
  KairosClient,
  TokensApi,
} from "../runtime/client.js";
import type { FeedEvent } from "../core/feed/types.js";
import type { FunctionsApi, InstanceInfo } from "../index.js";
import type { EnqueueOptions, Job } from "../runtime/kairos.js";
import type { JobStats, StatsOptions } from "../runtime/client.js";
import {
  baseHeaders,
  call,
  errorOf,
  routeUrl,
  type CallParts,
  type HttpTransportOptions,
} from "./http-call.js";
import { httpJobs, httpFunctions } from "./http-jobs.js";
import { httpRuns, httpSchedules, httpWorkflows } from "./http-resources.js";
import { followSse } from "./sse-reader.js";

export { HTTP_TIMEOUT_MS } from "./http-call.js";

/** How an HttpClient is built. */
export interface HttpClientOptions extends HttpTransportOptions {
  /** Where the URL came from (`--server`, KAIROS_SERVER), for messages. */
  readonly origin?: string;
}

/** A call bound to the transport: the answer's value, or null on 404 when asked. */
export interface Caller {
  <T>(name: RouteName, parts: CallParts, shape: ShapeName): Promise<T>;
  /** With the status (POST /jobs: 201 created, 200 idempotent hit). */
  withStatus<T>(
    name: RouteName,
    parts: CallParts,
    shape: ShapeName,
  ): Promise<{ status: number; value: T }>;
  /** Null instead of NotFoundError. */
  orNull<T>(name: RouteName, parts: CallParts, shape: ShapeName): Promise<T | null>;
  /** Every item of a paged list, up to `max`, pages of at most 1000. */
  all<T>(name: RouteName, parts: CallParts, shape: ShapeName, max?: number): Promise<T[]>;
}

/** A Caller over a transport. */
export function caller(options: HttpTransportOptions): Caller {
  const c = async <T>(name: RouteName, parts: CallParts, shape: ShapeName) =>
    (await call<T>(options, name, parts, shape)).value;
  return Object.assign(c, {
    withStatus: <T>(name: RouteName, parts: CallParts, shape: ShapeName) =>
      call<T>(options, name, parts, shape),
    orNull: async <T>(name: RouteName, parts: CallParts, shape: ShapeName) => {
      try {
        return await c<T>(name, parts, shape);
      } catch (err) {
        if (err instanceof NotFoundError) return null;
        throw err;
      }
    },
    all: async <T>(
      name: RouteName,
      parts: CallParts,
      shape: ShapeName,
      max = Number.POSITIVE_INFINITY,
    ) => {
      const out: T[] = [];
      let cursor: string | undefined;
      for (;;) {
        const limit = Math.min(1000, max - out.length);
        const page = await c<{ items: T[]; nextCursor: string | null }>(
          name,
          {
            ...parts,
            query: {
              ...parts.query,
              limit: Number.isFinite(max) ? limit : parts.query?.limit,
              cursor,
            },
          },
          shape,
        );
        out.push(...page.items);
        if (page.nextCursor === null || out.length >= max || page.items.length === 0) return out;
        cursor = page.nextCursor;
      }
    },
  });
}

/** The KairosClient over HTTP; see the module header. */
export class HttpClient implements KairosClient {
  readonly target: ClientTarget;
  readonly jobs: ClientJobsApi;
  readonly functions: FunctionsApi;
  readonly schedules: ClientSchedulesApi;
  readonly workflows: ClientWorkflowsApi;
  readonly runs: ClientRunsApi;
  readonly tokens: TokensApi;
  private readonly call: Caller;

  constructor(private readonly options: HttpClientOptions) {
    this.target = { kind: "remote", url: options.url, origin: options.origin ?? "option" };
    this.call = caller(options);
    this.jobs = httpJobs(this.call);
    this.functions = httpFunctions(this.call);
    this.schedules = httpSchedules(this.call);
    this.workflows = httpWorkflows(this.call);
    this.runs = httpRuns(this.call);
    const c = this.call;
    this.tokens = {
      create: (o) => c("createToken", { body: o }, "createdToken"),
      list: async () => (await c<{ items: never[] }>("listTokens", {}, "tokens")).items,
      revoke: (id) => c("revokeToken", { params: { id } }, "token"),
    };
  }

  /** One job: POST /jobs (201 created / 200 idempotent hit); several: POST /jobs/batch. */
  async enqueue<P = unknown>(
    fn: string,
    payloads: readonly P[],
    options: EnqueueOptions = {},
  ): Promise<EnqueueOutcome<P>> {
    const o = {
      runAt: options.runAt,
      priority: options.priority,
      key: options.key,
      maxAttempts: options.maxAttempts,
      allowUnknown: options.allowUnknown,
    };
    if (payloads.length === 1) {
      const body = { fn, payload: payloads[0], ...o, idempotencyKey: options.idempotencyKey };
      const { status, value } = await this.call.withStatus<Job<P>>("enqueue", { body }, "job");
      return { jobs: [value], created: [status === 201] };
    }
    const body = { fn, payloads, ...o, idempotencyKey: options.idempotencyKey };
    const { items } = await this.call<{ items: Job<P>[] }>("enqueueBatch", { body }, "jobs");
    return { jobs: items, created: items.map(() => true) };
  }

  /** POST /plan (dry run, read scope) or POST /apply. */
  apply(source: ConfigSource, request: ApplyRequest): Promise<ApplyResult> {
    const body = { ...source, prune: request.prune, allowUnknown: request.allowUnknown };
    return this.call(request.dryRun === true ? "plan" : "apply", { body }, "none");
  }

  /** GET /events/recent. */
  async readEvents(filter: FeedFilter, after: number, limit?: number): Promise<FeedPage> {
    const page = await this.call<FeedPage>(
      "recentEvents",
      { query: { ...feedQuery(filter), after, limit } },
      "feedPage",
    );
    return { items: page.items, nextAfter: page.nextAfter };
  }

  /** GET /stats (the options in ms, sent as whole seconds). */
  stats(options: StatsOptions = {}): Promise<JobStats> {
    const s = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms / 1000));
    const query = { window: s(options.windowMs), bucket: s(options.bucketMs) };
    return this.call("stats", { query }, "stats");
  }

  /** GET /instances. */
  async instances(): Promise<InstanceInfo[]> {
    return (await this.call<{ items: InstanceInfo[] }>("listInstances", {}, "none")).items;
  }

  /** GET /scheduler. */
  scheduler(): Promise<SchedulerStatus> {
    return this.call("schedulerStatus", {}, "none");
  }

  /** GET /events as SSE, resumed by Last-Event-ID across reconnects. */
  async *subscribe(
    filter: FeedFilter,
    options: FeedSubscribeOptions = {},
  ): AsyncIterable<FeedItem> {
    const url = routeUrl(this.options.url, "events", { query: feedQuery(filter) });
    const doFetch = this.options.fetch ?? fetch;
    const messages = followSse({
      signal: options.signal,
      lastEventId: typeof options.after === "number" ? String(options.after) : undefined,
      open: (lastId, signal) =>
        doFetch(url, {
          headers: {
            ...baseHeaders(this.options),
            accept: "text/event-stream",
            ...(lastId ? { "last-event-id": lastId } : {}),
          },
          signal,
        }),
      fail: errorOf,
    });
    for await (const m of messages) {
      if (m.event === "reset") {
        yield {
          type: "reset",
          oldestId: (JSON.parse(m.data) as { oldestId: number | null }).oldestId,
        };
      } else {
        yield { type: "event", event: reviveAs<FeedEvent>(JSON.parse(m.data), "feedEvent") };
      }
    }
  }

  /** Nothing held between calls (fetch pools its own connections). */
  async close(): Promise<void> {}
}

function feedQuery(filter: FeedFilter): Record<string, unknown> {
  return { kind: filter.kinds, fn: filter.fns, workflow: filter.workflows };
}
