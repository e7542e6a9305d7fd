/**
 * @module runtime/client
 * The one interface every CLI command and every API handler talks to: `KairosClient`. The
 * local client (client/local.ts) implements it over an engine on a store; the HTTP client
 * (client/http.ts) implements it over the server's API, whose handlers call a local client.
 * So a command prints the same thing against a local store and against a server: the two
 * cannot drift. Types only; every signature uses the facade's own types.
 */
import type { FeedEvent, FeedFilter } from "../core/feed/types.js";
import type { PlanItem } from "../core/reconcile/types.js";
import type { TokenInfo, TokenScope } from "../core/tokens.js";
import type { FunctionsApi } from "./function-catalog.js";
import type { InstanceInfo } from "./instances-api.js";
import type { Job } from "./job-view.js";
import type { EnqueueOptions, JobsApi } from "./jobs-api.js";
import type { ScheduleHistoryEntry } from "../ports/schedule-store.js";
import type { BackendChange, BackendEntry } from "../ports/schedule-backend.js";
import type { Schedule, ScheduleInput, SchedulePatch, TriggerOptions } from "./schedules-api.js";
import type { FireInput, FireResult } from "./scheduler/fire-slot.js";
import type { BackfillOptions, BackfillProgress, RunsApi } from "./workflows/runs-api.js";
import type { WorkflowsApi } from "./workflows/workflows-api.js";
import type { JobStats, StatsOptions } from "./stats.js";

export type { JobStats, StatsBucketView, StatsOptions } from "./stats.js";

// The facade types a client's callers (CLI commands, the wire contract) see, in one place.
export type { FeedEvent, FeedFilter, FeedKind } from "../core/feed/types.js";
export type { TokenInfo, TokenScope } from "../core/tokens.js";
export type { PlanItem } from "../core/reconcile/types.js";
export type { FunctionInfo, FunctionsApi } from "./function-catalog.js";
export type { InstanceInfo } from "./instances-api.js";
export type { BackendEntry } from "../ports/schedule-backend.js";
export type { Job, JobAttempt } from "./job-view.js";
export type {
  CancelResult,
  EnqueueOptions,
  JobListOptions,
  JobsApi,
  JobWhy,
  JobWhyCode,
  JobWhyReason,
} from "./jobs-api.js";
export type { ScheduleHistoryEntry } from "../ports/schedule-store.js";
export type { Schedule, ScheduleInput, TriggerOptions } from "./schedules-api.js";
export type {
  TaskInstance,
  Workflow,
  WorkflowHistoryItem,
  WorkflowRun,
  WorkflowRunDetail,
} from "./workflows/run-view.js";
export type {
  BackfillOptions,
  BackfillProgress,
  TaskWhy,
  TriggerRunOptions,
} from "./workflows/runs-api.js";
export type { TaskTry } from "./workflows/task-tries.js";
export type { RunControlRequest } from "./workflows/run-control.js";

/** What a client talks to: an engine on a local store, or a server. */
export type ClientTarget =
  | { readonly kind: "local"; readonly store: string; readonly origin: string }
  | { readonly kind: "remote"; readonly url: string; readonly origin: string };

/** The answer of an enqueue: the jobs, and for each whether it was created now. */
export interface EnqueueOutcome<P = unknown> {
  readonly jobs: Job<P>[];
  /**
   * Per job: true when this call created it, false when an idempotency key matched a job that
   * already existed (the API answers 201 or 200 accordingly).
   */
  readonly created: readonly boolean[];
}

export type { SchedulePatch } from "./schedules-api.js";
export type { FireInput, FireOutcome, FireResult } from "./scheduler/fire-slot.js";

/** `client.schedules`: the facade's schedules API plus update, and resume with a note. */
export interface ClientSchedulesApi {
  list(filter?: { source?: "config" | "api"; fn?: string }): Promise<Schedule[]>;
  get(name: string): Promise<Schedule | null>;
  /** Create a schedule with source `api`; ConflictError when the name is taken. */
  create(input: ScheduleInput): Promise<Schedule>;
  /**
   * Change an `api` schedule; a schedule from kairos.yaml is refused (ConflictError: change
   * the file and apply). Timing changes restart firing from the first slot after now.
   */
  update(name: string, patch: SchedulePatch): Promise<Schedule>;
  /** Delete an `api` schedule (one from kairos.yaml: ConflictError; `apply --prune` does it). */
  delete(name: string): Promise<void>;
  pause(name: string, note?: string): Promise<Schedule>;
  resume(name: string, note?: string): Promise<Schedule>;
  trigger(name: string, options?: TriggerOptions): Promise<{ id: string }>;
  /**
   * Fire one slot as a Kubernetes CronJob does (the slot its Job name or `slotAt` means, rounded
   * down to the schedule's slot): one job per slot however often it is fired. Paused schedule:
   * ConflictError; unknown: NotFoundError; a bad Job name or a slot in the future: ValidationError.
   */
  fire(name: string, input: FireInput): Promise<FireResult>;
  history(name: string, limit?: number): Promise<ScheduleHistoryEntry[]>;
  nextFires(name: string, count?: number, from?: Date): Promise<Date[]>;
}

/** `client.workflows`: reading and pausing workflows (definitions come from kairos.yaml or code). */
export type ClientWorkflowsApi = Omit<WorkflowsApi, "storedForReconcile">;

/** `client.runs`: the facade's runs API; a backfill's progress callback runs locally only. */
export type ClientRunsApi = Omit<RunsApi, "backfill"> & {
  backfill(workflow: string, options: BackfillOptions): Promise<BackfillProgress>;
};

/**
 * Where schedules' timing lives: `embedded` (the leader's loop; no entries) or a backend such as
 * `kubernetes`, with every entry it holds (only those Kairos manages), by schedule name.
 */
export interface SchedulerStatus {
  readonly backend: "embedded" | "kubernetes";
  /** "Kubernetes namespace jobs"; null when embedded. */
  readonly location: string | null;
  /** Whether the API may create, change and delete api schedules' entries; null when embedded. */
  readonly allowDynamic: boolean | null;
  readonly entries: readonly BackendEntry[];
}

/** A kairos.yaml to apply: its text, the file name it is reported under, and its variables. */
export interface ConfigSource {
  /** File name used in messages (`kairos.yaml:12:3`) and to resolve relative module paths. */
  readonly file: string;
  readonly text: string;
  /** The values of the `${NAME}` variables the text references (the client's environment). */
  readonly vars: Readonly<Record<string, string>>;
}

/** How to apply. */
export interface ApplyRequest {
  readonly prune?: boolean;
  readonly dryRun?: boolean;
  readonly allowUnknown?: boolean;
}

/** What an apply did (or, dry, would do). */
export interface ApplyResult {
  readonly dryRun: boolean;
  readonly items: PlanItem[];
  /** Problems that do not stop the apply (a module file not found, ...). */
  readonly warnings: string[];
  /** With a schedule backend (Kubernetes): where, and what its sync did (or, dry, would do). */
  readonly backend?: {
    readonly location: string;
    readonly changes: readonly BackendChange[];
    readonly warnings: readonly string[];
  };
}

/** A token just created: its text (shown once, never stored) and its public view. */
export interface CreatedToken {
  readonly token: string;
  readonly info: TokenInfo;
}

/** `client.tokens` (and `kairos.tokens`): API tokens, hashed at rest. */
export interface TokensApi {
  /** Create a token; ConflictError when an active token already has the name. */
  create(options: { readonly scope: TokenScope; readonly name?: string }): Promise<CreatedToken>;
  /** Every token, revoked ones too, oldest first; never a secret. */
  list(): Promise<TokenInfo[]>;
  /** Revoke a token (idempotent); NotFoundError for an unknown id. */
  revoke(id: string): Promise<TokenInfo>;
}

/** A page of the event feed. */
export interface FeedPage {
  readonly items: FeedEvent[];
  /** Resume after this id (the highest id the read covered, matching or not). */
  readonly nextAfter: number;
}

/** Where a feed subscription starts. */
export interface FeedSubscribeOptions {
  /** After this event id; `"now"` (default): only events recorded from now on. */
  readonly after?: number | "now";
  /** Ends the subscription. */
  readonly signal?: AbortSignal;
}

/**
 * A subscription item: an event, or `reset` when the start id is older than the feed holds
 * (retention removed it) or newer than the store has (the store was replaced): the reader
 * should re-read current state, then continue from `oldestId`.
 */
export type FeedItem =
  | { readonly type: "event"; readonly event: FeedEvent }
  | { readonly type: "reset"; readonly oldestId: number | null };

export type { JobControlRequest } from "./job-control-api.js";

/** The jobs API as clients offer it: the facade's, stop and start included. */
export type ClientJobsApi = JobsApi;

/** The one client interface; see the module header. */
export interface KairosClient {
  readonly target: ClientTarget;
  /** Enqueue jobs of one function in one transaction (all or none). */
  enqueue<P = unknown>(
    fn: string,
    payloads: readonly P[],
    options?: EnqueueOptions,
  ): Promise<EnqueueOutcome<P>>;
  readonly jobs: ClientJobsApi;
  readonly functions: FunctionsApi;
  readonly schedules: ClientSchedulesApi;
  readonly workflows: ClientWorkflowsApi;
  readonly runs: ClientRunsApi;
  readonly tokens: TokensApi;
  /** Reconcile a kairos.yaml into the deployment: the same plan and transaction as the CLI. */
  apply(source: ConfigSource, request: ApplyRequest): Promise<ApplyResult>;
  /** Events from the feed after `after`, matching `filter`, by id ascending (at most `limit`). */
  readEvents(filter: FeedFilter, after: number, limit?: number): Promise<FeedPage>;
  /** Follow the feed live until `signal` aborts (resumes by id across reconnects). */
  subscribe(filter: FeedFilter, options?: FeedSubscribeOptions): AsyncIterable<FeedItem>;
  /** Jobs created and finished per bucket over a window, with the live counts (GET /stats). */
  stats(options?: StatsOptions): Promise<JobStats>;
  /** The deployment's processes (who leads, each duty's last run), live leader first. */
  instances(): Promise<InstanceInfo[]>;
  /** Where schedules' timing lives and, with a backend, every entry it holds (GET /scheduler). */
  scheduler(): Promise<SchedulerStatus>;
  /** Release what the client holds (the local engine, the HTTP agent). */
  close(): Promise<void>;
}

/** `kairos.tokens`: the client's token API plus what the server's auth needs. */
export interface EngineTokensApi extends TokensApi {
  /**
   * The token a `kairos_<id>_<secret>` text names when it is valid and not revoked, else null
   * (one answer for malformed, unknown, revoked and wrong secret). Cached per process for at
   * most 5 s, so a revoke reaches other replicas within 5 s and this one at once.
   */
  verify(text: string): Promise<TokenInfo | null>;
  /** How many tokens are not revoked (cached at most 5 s; a create or revoke here clears it). */
  activeCount(): Promise<number>;
}

/** `kairos.feed`: the durable event feed of the store. */
export interface EventFeedApi {
  read(filter: FeedFilter, after: number, limit?: number): Promise<FeedPage>;
  subscribe(filter: FeedFilter, options?: FeedSubscribeOptions): AsyncIterable<FeedItem>;
  bounds(): Promise<{ oldestId: number | null; newestId: number | null }>;
}

/** Live counts for metrics, read from the store in one go (the same on every replica). */
export interface MetricsSnapshot {
  /** Jobs in live states (scheduled, queued, retrying, running, stopped) by function. */
  readonly jobs: readonly { fn: string; state: string; count: number }[];
  /** Per function: jobs due and waiting to start, and the oldest one's runAt (ms), if any. */
  readonly queues: readonly { fn: string; depth: number; oldestRunAt: number | null }[];
  /** Runs in live states (queued, running) by workflow. */
  readonly runs: readonly { workflow: string; state: string; count: number }[];
}
