/**
 * @module cli/context
 * What every CLI command needs: which config file, which store (and why), an engine on it.
 * Store precedence: `--store` over `KAIROS_STORE` over `store:` in kairos.yaml over the
 * default `.kairos/kairos.db`.
 */
import fs from "node:fs";
import path from "node:path";
import { createKairos, type Kairos } from "../index.js";
import { loadConfig, type ResolvedConfig } from "../config/index.js";
import { StoreNotFoundError, ValidationError } from "../core/errors.js";
import { maskUrl } from "../core/secrets.js";
import { DEFAULT_STORE_URL } from "../stores/open-store.js";
import type { Io } from "./output.js";

/** Options every command accepts. */
export interface GlobalOptions {
  readonly store?: string;
  readonly config?: string;
  readonly json?: boolean;
}

/** The store chosen and where the choice came from. */
export interface StoreChoice {
  readonly url: string;
  /** `--store`, `KAIROS_STORE`, `default`, or the config file it came from (as `configOrigin`). */
  readonly origin: string;
}

/** What a command body receives (commands get it through `WithEngine`, built in program.ts). */
export interface EngineContext {
  readonly kairos: Kairos;
  readonly config: ResolvedConfig | null;
  readonly store: StoreChoice;
}

/**
 * Run `body` with an engine on the chosen store; always stops the engine. `mustExist`: a
 * read-only command, which fails on a missing store instead of creating it.
 */
export type WithEngine = (
  local: { json?: boolean; mustExist?: boolean },
  body: (ctx: EngineContext) => Promise<void>,
) => Promise<void>;

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
  const store = chooseStore(options, config);
  io.err(`kairos: using store ${maskUrl(store.url)} (from ${store.origin})`);
  const retentionMs = config?.retentionMs;
  try {
    const kairos = await createKairos({
      store: store.url,
      // kairos.yaml's top-level retention (null: forever) is the default of this engine.
      ...(retentionMs !== undefined ? { retention: retentionMs ?? "forever" } : {}),
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
