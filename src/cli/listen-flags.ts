/**
 * @module cli/listen-flags
 * The listen flags and defaults of `kairos server` and `kairos dev`, apart from the API server
 * itself, so that registering those commands does not load the server (hono, the route
 * contract, metrics): a CLI command loads only what it runs.
 */
import type { Command } from "commander";
import { intFlag } from "./flags.js";

/** Default address and port of `kairos server` and `kairos dev`. */
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 7070;
/** Default request body limit: 2 MiB (payloads are capped at 1 MiB by default). */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

/** `--host` and `--port` as `kairos server` and `kairos dev` both take them. */
export function addListenFlags(command: Command): Command {
  return command
    .option(
      "--host <address>",
      "address the API listens on (beyond the loopback, only with a token)",
      DEFAULT_HOST,
    )
    .option(
      "--port <n>",
      "port of the API (0 picks a free one)",
      intFlag("--port", 0, 65535),
      DEFAULT_PORT,
    );
}
