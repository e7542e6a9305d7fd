/**
 * @module cli/context
 * What every CLI command needs: which config file, which target (and why), a client on it.
 * Target: `--server` over `KAIROS_SERVER` (unless `--store` is given) over a local store.
 * Store precedence: `--store` over `KAIROS_STORE` over `store:` in kairos.yaml over the
 * default `.kairos/kairos.db`.
 */
import fs from "node:fs";
import path from "node:path";
import type { JobStore, Kairos, Logger } from "../index.js";
import type { ClientTarget, KairosClient } from "../runtime/client.js";
import type { StartOptions } from "../runtime/kairos.js";
import type { ResolvedConfig } from "../config/index.js";
import { StoreNotFoundError, ValidationError } from "../core/errors.js";
import { maskUrl } from "../core/secrets.js";
import { DEFAULT_STORE_URL } from "../stores/default-store-url.js";
import type { Io } from "./output.js";

/** Options every command accepts. */
export interface GlobalOptions {
  readonly store?: string;
  /** `--server URL`: talk to a Kairos server instead of opening a store. */
  readonly server?: string;
  readonly config?: string;
  readonly json?: boolean;
}

/** The store chosen and where the choice came from. */
export interface StoreChoice {
  readonly url: string;
  /** `--store`, `KAIROS_STORE`, `default`, or the config file it came from (as `configOrigin`). */
  readonly origin: string;
}

/**
 * What a command body receives (commands get it through `WithClient`, built in program.ts):
 * a client on the chosen target (a local store or a server), the local kairos.yaml if any,
 * and the target.
 */
export interface ClientContext {
  readonly client: KairosClient;
  readonly config: ResolvedConfig | null;
  readonly target: ClientTarget;
}

/**
 * Run `body` with a client on the chosen target; always closes it. `mustExist`: a read-only
 * command, which fails on a missing local store instead of creating it (local only).
 */
export type WithClient = (
  local: { json?: boolean; mustExist?: boolean; backend?: boolean },
  body: (ctx: ClientContext) => Promise<void>,
) => Promise<void>;

/** The server chosen and where the choice came from. */
export interface ServerChoice {
  readonly url: string;
  /** `--server` or `KAIROS_SERVER`. */
  readonly origin: string;
}

/**
 * The server to talk to, or null for a local store: `--server`, else `KAIROS_SERVER` unless
 * `--store` names a local store (a flag beats the environment). `--server` with `--store`, and
 * an empty `--server`, are ValidationErrors.
 */
export function chooseServer(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): ServerChoice | null {
  if (options.server !== undefined) {
    if (options.store !== undefined) {
      throw new ValidationError(
        "--server and --store cannot be used together: --server talks to a Kairos server " +
          "(which has its own store), --store opens a store here; give one of them",
      );
    }
    if (options.server.trim() === "") {
      throw new ValidationError(
        "--server is empty: give the server's URL (e.g. --server http://127.0.0.1:7070), " +
          "or leave --server out to use a local store",
      );
    }
    return { url: options.server, origin: "--server" };
  }
  if (env.KAIROS_SERVER && options.store === undefined) {
    return { url: env.KAIROS_SERVER, origin: "KAIROS_SERVER" };
  }
  return null;
}

/** The config file path: `--config`, else `./kairos.yaml`. */
export function configPath(options: GlobalOptions, cwd = process.cwd()): string {
  return path.resolve(cwd, options.config ?? "kairos.yaml");
}

/** Load the config if the file exists (or was named explicitly, which makes it required). */
export async function maybeLoadConfig(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedConfig | null> {
  const file = configPath(options);
  if (!options.config && !fs.existsSync(file)) return null;
  const { loadConfig } = await import("../config/index.js");
  return loadConfig(file, env);
}

/** Pick the store by precedence; an empty `--store` is a ValidationError. */
export function chooseStore(
  options: GlobalOptions,
  config: ResolvedConfig | null,
  env: NodeJS.ProcessEnv = process.env,
): StoreChoice {
  if (options.store !== undefined) {
    if (options.store.trim() === "") {
      throw new ValidationError(
        `--store is empty: give a store URL (e.g. --store sqlite:.kairos/kairos.db or ` +
          `--store postgres://user@host:5432/db), or leave --store out to use ${DEFAULT_STORE_URL}`,
      );
    }
    return { url: options.store, origin: "--store" };
  }
  if (env.KAIROS_STORE) return { url: env.KAIROS_STORE, origin: "KAIROS_STORE" };
  if (config?.store) return { url: config.store, origin: configOrigin(config.file) };
  return { url: DEFAULT_STORE_URL, origin: "default" };
}

/** The config file as the user would name it: relative to the working directory when inside it. */
export function configOrigin(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative)
    ? file
    : relative;
}

/** The statement timeout of the engines of one-shot commands (reads, apply, enqueue). */
export const CLI_QUERY_TIMEOUT_MS = 30_000;

/** How a command opens its engine. */
export interface OpenMode {
  /** Fail with StoreNotFoundError (and a hint) instead of creating a missing store. */
  readonly mustExist?: boolean;
  /** Per-statement timeout (PostgreSQL); none for `kairos dev`'s long-running workers. */
  readonly queryTimeoutMs?: number;
  /** The engine's logger (`kairos server`: JSON lines); default silent. */
  readonly logger?: Logger;
  /**
   * Open the schedule backend kairos.yaml's `scheduler.backend` names (commands that change
   * schedules, and the long-running ones); others leave it closed, so reading jobs on a
   * workstation never needs a cluster.
   */
  readonly backend?: boolean;
  /** The engine's job store seen through this (`kairos exec`: an ExclusiveClaim). */
  readonly wrapJobStore?: (store: JobStore) => JobStore;
}

/**
 * Open an engine on the chosen store, saying which one on stderr (not in --json output), with
 * the URL's credentials masked.
 */
export async function openEngine(
  options: GlobalOptions,
  config: ResolvedConfig | null,
  io: Io,
  mode: OpenMode = {},
): Promise<{ kairos: Kairos; store: StoreChoice }> {
  if (options.server !== undefined) {
    throw new ValidationError(
      "--server does not apply here: this command runs an engine on a local store; " +
        "use --store (or KAIROS_STORE) to pick the store",
    );
  }
  const store = chooseStore(options, config);
  io.err(`kairos: using store ${maskUrl(store.url)} (from ${store.origin})`);
  const retentionMs = config?.retentionMs;
  const scheduleBackend = mode.backend === true && config ? await openBackend(config) : null;
  if (scheduleBackend) io.err(`kairos: schedules fire from ${scheduleBackend.location}`);
  // The engine loads when a command opens one: a remote command never pays for it.
  const { createKairos } = await import("../index.js");
  try {
    const kairos = await createKairos({
      ...(scheduleBackend ? { scheduleBackend } : {}),
      store: store.url,
      // kairos.yaml's top-level retention (null: forever) is the default of this engine.
      ...(retentionMs !== undefined ? { retention: retentionMs ?? "forever" } : {}),
      ...(config?.eventRetentionMs !== undefined
        ? { eventRetention: config.eventRetentionMs ?? "forever" }
        : {}),
      ...(mode.logger !== undefined ? { logger: mode.logger } : {}),
      ...(mode.wrapJobStore !== undefined ? { wrapJobStore: mode.wrapJobStore } : {}),
      ...(mode.mustExist === true ? { mustExist: true } : {}),
      ...(mode.queryTimeoutMs !== undefined ? { queryTimeoutMs: mode.queryTimeoutMs } : {}),
      // kairos.yaml's top-level maxPayloadBytes is this engine's default limit.
      ...(config?.maxPayloadBytes !== undefined ? { maxPayloadBytes: config.maxPayloadBytes } : {}),
    });
    return { kairos, store };
  } catch (error) {
    if (mode.mustExist === true && error instanceof StoreNotFoundError) {
      throw new StoreNotFoundError(
        `${error.message} (run \`kairos apply\` or \`kairos dev\` to create one)`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The schedule backend kairos.yaml names (Kubernetes CronJobs), loaded only when asked for. */
async function openBackend(config: ResolvedConfig) {
  const [{ openScheduleBackend }, { backendInput }] = await Promise.all([
    import("../backends/open-backend.js"),
    import("./k8s/export-input.js"),
  ]);
  return openScheduleBackend(backendInput(config));
}

/** What `client/http.js` exports (imported lazily: local commands never load it). */
interface HttpClientModule {
  readonly HttpClient: new (options: { url: string; token?: string }) => KairosClient;
}

/** The HTTP client module's path, kept out of the type checker's and bundlers' static view. */
const HTTP_CLIENT_MODULE = "../client/http.js";

/**
 * A client on the chosen target, saying which on stderr (not in --json output), credentials
 * masked: a server (`--server` / `KAIROS_SERVER`, token from `KAIROS_TOKEN`), else an engine
 * on the chosen store (owned by the client: closing it stops the engine).
 */
export async function openClient(
  options: GlobalOptions,
  config: ResolvedConfig | null,
  io: Io,
  mode: OpenMode = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<KairosClient> {
  const server = chooseServer(options, env);
  if (server === null) {
    const { kairos, store } = await openEngine(options, config, io, mode);
    const target: ClientTarget = { kind: "local", store: store.url, origin: store.origin };
    const { LocalClient } = await import("../client/local.js");
    return new LocalClient({ kairos, target, ownsEngine: true });
  }
  io.err(`kairos: using server ${maskUrl(server.url)} (from ${server.origin})`);
  const { HttpClient } = (await import(HTTP_CLIENT_MODULE)) as HttpClientModule;
  const token = env.KAIROS_TOKEN;
  return new HttpClient({ url: server.url, ...(token ? { token } : {}) });
}

/**
 * The engine's start options a kairos.yaml sets (`scheduler.prefireLead`); empty without a
 * file or without the key, so the engine's defaults apply.
 */
export function configStartOptions(config: ResolvedConfig | null): Pick<StartOptions, "scheduler"> {
  const prefireLeadMs = config?.schedulerPrefireLeadMs;
  return prefireLeadMs === undefined ? {} : { scheduler: { prefireLeadMs } };
}
