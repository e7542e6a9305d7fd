/**
 * @module client/local
 * `LocalClient`: the KairosClient over an engine on a store. The CLI uses it against a local
 * store; the server's API handlers use it too, so a command prints the same against either.
 */
import path from "node:path";
import { applyConfig, applyWarnings } from "../config/apply.js";
import { parseConfig } from "../config/index.js";
import type { FeedFilter } from "../core/feed/types.js";
import type { Kairos } from "../runtime/kairos.js";
import type { JobStats, StatsOptions } from "../runtime/client.js";
import type {
  ApplyRequest,
  ApplyResult,
  SchedulerStatus,
  ClientRunsApi,
  ClientSchedulesApi,
  ClientTarget,
  ClientWorkflowsApi,
  ConfigSource,
  EnqueueOptions,
  EnqueueOutcome,
  FeedItem,
  FeedPage,
  FeedSubscribeOptions,
  FunctionsApi,
  ClientJobsApi,
  InstanceInfo,
  KairosClient,
  TokensApi,
} from "../runtime/client.js";

/** How a LocalClient is built. */
export interface LocalClientOptions {
  readonly kairos: Kairos;
  readonly target: ClientTarget;
  /**
   * Where a posted config's file is placed, so its relative `module` paths resolve there (the
   * server: the directory of its own kairos.yaml, else its working directory). Absent: the
   * source's `file` is used as given (the CLI, which read that file).
   */
  readonly configDir?: string;
  /** Whether `close()` stops the engine (the CLI's own engine: yes; the server's: no). */
  readonly ownsEngine?: boolean;
}

/** The KairosClient over an engine; see the module header. */
export class LocalClient implements KairosClient {
  readonly target: ClientTarget;
  readonly jobs: ClientJobsApi;
  readonly functions: FunctionsApi;
  readonly schedules: ClientSchedulesApi;
  readonly workflows: ClientWorkflowsApi;
  readonly runs: ClientRunsApi;
  readonly tokens: TokensApi;
  private readonly kairos: Kairos;

  constructor(private readonly options: LocalClientOptions) {
    const { kairos } = options;
    this.kairos = kairos;
    this.target = options.target;
    this.jobs = kairos.jobs;
    this.functions = kairos.functions;
    this.schedules = kairos.schedules;
    const wf = kairos.workflows;
    this.workflows = {
      list: (filter) => wf.list(filter),
      get: (name) => wf.get(name),
      pause: (name, o) => wf.pause(name, o),
      resume: (name, o) => wf.resume(name, o),
      history: (name, o) => wf.history(name, o),
    };
    this.runs = kairos.runs;
    const tokens = kairos.tokens;
    this.tokens = {
      create: (o) => tokens.create(o),
      list: () => tokens.list(),
      revoke: (id) => tokens.revoke(id),
    };
  }

  /** Enqueue through the engine: one transaction, created flags from the store. */
  enqueue<P = unknown>(
    fn: string,
    payloads: readonly P[],
    options: EnqueueOptions = {},
  ): Promise<EnqueueOutcome<P>> {
    return this.kairos.enqueueDetailed(fn, payloads, options);
  }

  /**
   * Parse the posted text as kairos.yaml (with `vars` as its whole environment), then plan and
   * (unless dry) apply it in one transaction: the same code path as a local `kairos apply`.
   */
  async apply(source: ConfigSource, request: ApplyRequest): Promise<ApplyResult> {
    const file =
      this.options.configDir === undefined
        ? path.resolve(source.file)
        : path.join(this.options.configDir, path.basename(source.file));
    const config = parseConfig(source.text, file, { ...source.vars });
    const warnings = applyWarnings(config);
    const plan = await applyConfig(this.kairos, config, {
      prune: request.prune === true,
      dryRun: request.dryRun === true,
      allowUnknown: request.allowUnknown === true,
    });
    return {
      dryRun: request.dryRun === true,
      items: plan.items,
      warnings,
      ...(plan.backend ? { backend: plan.backend } : {}),
    };
  }

  /** A page of the store's event feed. */
  readEvents(filter: FeedFilter, after: number, limit?: number): Promise<FeedPage> {
    return this.kairos.feed.read(filter, after, limit);
  }

  /** `kairos.jobStats`. */
  stats(options?: StatsOptions): Promise<JobStats> {
    return this.kairos.jobStats(options);
  }

  /** Follow the store's event feed (works on a local file too: it tails the table). */
  subscribe(filter: FeedFilter, options?: FeedSubscribeOptions): AsyncIterable<FeedItem> {
    return this.kairos.feed.subscribe(filter, options);
  }

  /** The deployment's processes, from the store's instance table. */
  instances(): Promise<InstanceInfo[]> {
    return this.kairos.instances();
  }

  /** The engine's schedule backend (none: embedded) and what it holds. */
  async scheduler(): Promise<SchedulerStatus> {
    const backend = this.kairos.scheduleBackend;
    if (!backend) return { backend: "embedded", location: null, allowDynamic: null, entries: [] };
    return {
      backend: backend.kind,
      location: backend.location,
      allowDynamic: backend.allowDynamic,
      entries: await backend.list(),
    };
  }

  /** Stop the engine when this client owns it. */
  async close(): Promise<void> {
    if (this.options.ownsEngine === true) await this.kairos.stop({ drainMs: 0 });
  }
}
