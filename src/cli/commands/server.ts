/**
 * @module cli/commands/server
 * `kairos server`: run an engine on the store (workers for the functions kairos.yaml defines,
 * the leader's duties) and serve the HTTP API, metrics and probes. It does not apply the file:
 * `kairos apply` (locally or with --server) does. SIGTERM/SIGINT: readiness goes 503, event
 * streams end, the socket stops accepting, then the engine drains.
 */
import { Option, type Command } from "commander";
import { LOG_LEVELS, type LogLevel } from "../../api/log-levels.js";
import { formatDuration } from "../../core/reconcile/format.js";
import { configStartOptions, maybeLoadConfig, openEngine, type GlobalOptions } from "../context.js";
import { forcedStopLine, onNextStopSignal, waitForStop } from "../dev/stop-signal.js";
import { durationFlag, intFlag } from "../flags.js";
import type { Io } from "../output.js";
import { addListenFlags, DEFAULT_MAX_BODY_BYTES } from "../listen-flags.js";
import type { ServingApi } from "../serve-api.js";

/** Flags of `kairos server`. */
interface ServerFlags {
  host: string;
  port: number;
  concurrency: number;
  workers: boolean;
  apiOnly?: boolean;
  maxBodyBytes: number;
  publicMetrics?: boolean;
  configDir?: string;
  logLevel: LogLevel;
  drain: number;
  for?: number;
}

/** Register `kairos server`. */
export function registerServer(
  program: Command,
  io: Io,
  globals: () => GlobalOptions,
  run: (body: () => Promise<void>) => Promise<void>,
  version: string,
): void {
  const command = program
    .command("server")
    .description("run workers and the leader's duties on the store, and serve the HTTP API");
  addListenFlags(command)
    .option("--concurrency <n>", "jobs running at once", intFlag("--concurrency", 1, 1000), 10)
    .option("--no-workers", "run no jobs here (the leader's duties still run)")
    .option("--api-only", "serve the API only: no jobs, no schedules, no leader duties here")
    .option(
      "--max-body-bytes <n>",
      "largest request body",
      intFlag("--max-body-bytes", 1024, 1 << 30),
      DEFAULT_MAX_BODY_BYTES,
    )
    .option("--public-metrics", "serve /metrics without a token even when auth is on")
    .option(
      "--config-dir <dir>",
      "where a kairos.yaml posted by apply --server is placed, so its module paths resolve (default: the directory of --config, else the working directory)",
    )
    .addOption(
      new Option("--log-level <level>", "log level of the JSON logs on stdout")
        .choices(LOG_LEVELS)
        .default(process.env.KAIROS_LOG_LEVEL ?? "info"),
    )
    .addOption(
      new Option("--drain <duration>", "how long a stop waits for running jobs")
        .argParser(durationFlag("--drain"))
        .default(10_000, "10s"),
    )
    .option(
      "--for <duration>",
      "stop by itself after this long (tests, demos)",
      durationFlag("--for"),
    )
    .addHelpText(
      "after",
      `
The API is under /api/v1 (OpenAPI at /api/v1/openapi.json); /metrics, /healthz and /readyz
beside it. Auth is on as soon as one token exists (kairos tokens create); before that only
loopback callers are served, and a non-loopback --host is refused. See docs/api.md and
docs/operations.md.

Examples:
  kairos server
  kairos server --store postgres://kairos@db/kairos --host 0.0.0.0 --port 7070
  KAIROS_SERVER=http://127.0.0.1:7070 kairos apply      # apply kairos.yaml through it`,
    )
    .action((opts: ServerFlags) => run(() => runServer(opts, io, globals(), version)));
}

async function runServer(
  opts: ServerFlags,
  io: Io,
  globals: GlobalOptions,
  version: string,
): Promise<void> {
  // The API server, its logger and its routes load here, not when the CLI starts.
  const [{ createLogger, engineLogger }, { assertMayListen }, { serveApi }] = await Promise.all([
    import("../../api/logging.js"),
    import("../../api/listen.js"),
    import("../serve-api.js"),
  ]);
  const config = await maybeLoadConfig(globals);
  const logger = createLogger({ level: opts.logLevel });
  const { kairos, store } = await openEngine(globals, config, io, {
    logger: engineLogger(logger),
    backend: true,
  });
  let serving: ServingApi | null = null;
  let offSecondSignal = (): void => undefined;
  let report;
  try {
    // Refused before any worker or leader duty starts (listen checks again).
    assertMayListen(opts.host, (await kairos.tokens.activeCount()) > 0);
    if (config && !opts.apiOnly && opts.workers) {
      const { defineConfigFunctions } = await import("../../config/define-functions.js");
      for (const u of await defineConfigFunctions(kairos, config)) {
        io.err(`kairos: function ${u.name} is unavailable here: ${u.error}`);
      }
    }
    if (!opts.apiOnly) {
      await kairos.start({
        concurrency: opts.concurrency,
        workers: opts.workers,
        ...configStartOptions(config),
      });
    }
    serving = await serveApi(kairos, store, {
      host: opts.host,
      port: opts.port,
      maxBodyBytes: opts.maxBodyBytes,
      publicMetrics: opts.publicMetrics === true,
      configDir: opts.configDir ?? (config ? config.dir : process.cwd()),
      version,
      ...(opts.workers && !opts.apiOnly ? { workerSlots: opts.concurrency } : {}),
      logger,
      requestLevel: "info",
    });
    io.out(`kairos: serving ${serving.url} (${await serving.authLine()})`);
    io.out(`kairos: dashboard ${serving.url}/`);
    await waitForStop(opts.for ?? null);
    offSecondSignal = onNextStopSignal(() => void kairos.stop({ force: true }));
    io.out(`kairos: stopping (draining up to ${formatDuration(opts.drain)})...`);
    await serving.close();
  } finally {
    await serving?.close(0);
    report = await kairos.stop({ drainMs: opts.drain });
    offSecondSignal();
    logger.flush();
  }
  if (report.forced) io.out(forcedStopLine(report));
  io.out("kairos: stopped");
}
