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
  readonly origin: "--store" | "KAIROS_STORE" | "kairos.yaml" | "default";
}

/** What a command body receives (commands get it through `WithEngine`, built in program.ts). */
export interface EngineContext {
  readonly kairos: Kairos;
  readonly config: ResolvedConfig | null;
  readonly store: StoreChoice;
}

/** Run `body` with an engine on the chosen store; always stops the engine. */
export type WithEngine = (
  local: { json?: boolean },
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

/** Pick the store by precedence. */
export function chooseStore(
  options: GlobalOptions,
  config: ResolvedConfig | null,
  env: NodeJS.ProcessEnv = process.env,
): StoreChoice {
  if (options.store) return { url: options.store, origin: "--store" };
  if (env.KAIROS_STORE) return { url: env.KAIROS_STORE, origin: "KAIROS_STORE" };
  if (config?.store) return { url: config.store, origin: "kairos.yaml" };
  return { url: DEFAULT_STORE_URL, origin: "default" };
}

/** Open an engine on the chosen store, saying which one on stderr (not in --json output). */
export async function openEngine(
  options: GlobalOptions,
  config: ResolvedConfig | null,
  io: Io,
): Promise<{ kairos: Kairos; store: StoreChoice }> {
  const store = chooseStore(options, config);
  io.err(`kairos: using store ${store.url} (from ${store.origin})`);
  const retentionMs = config?.retentionMs;
  const kairos = await createKairos({
    store: store.url,
    // kairos.yaml's top-level retention (null: forever) is the default of this engine.
    ...(retentionMs !== undefined ? { retention: retentionMs ?? "forever" } : {}),
    // kairos.yaml's top-level maxPayloadBytes is this engine's default limit.
    ...(config?.maxPayloadBytes !== undefined ? { maxPayloadBytes: config.maxPayloadBytes } : {}),
  });
  return { kairos, store };
}
