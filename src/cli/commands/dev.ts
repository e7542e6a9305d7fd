/**
 * @module cli/commands/dev
 * `kairos dev`: load ./kairos.yaml, apply it to the store, run the scheduler and workers, and
 * show fires and job outcomes until Ctrl-C, which drains gracefully.
 */
import { Option, type Command } from "commander";
import { ValidationError } from "../../core/errors.js";
import { formatDuration, formatPlan } from "../../core/reconcile/format.js";
import type { ResolvedConfig } from "../../config/index.js";
import type { Kairos } from "../../runtime/kairos.js";
import { formatBackendChanges } from "../backend-plan.js";
import {
  configStartOptions,
  maybeLoadConfig,
  openEngine,
  type GlobalOptions,
  type StoreChoice,
} from "../context.js";
import { addListenFlags, DEFAULT_MAX_BODY_BYTES } from "../listen-flags.js";
import type { ServingApi } from "../serve-api.js";
import { watchEngine } from "../dev/watch.js";
import { durationFlag, intFlag } from "../flags.js";
import { watchWaitingJobs } from "../dev/waiting-jobs.js";
import { forcedStopLine, onNextStopSignal, waitForStop } from "../dev/stop-signal.js";
import { plural, type Io } from "../output.js";
import { zoneLabel } from "../dev/format.js";

/** Register `kairos dev`. */
export function registerDev(
  program: Command,
  io: Io,
  globals: () => GlobalOptions,
  run: (body: () => Promise<void>) => Promise<void>,
  version: string,
): void {
  const command = program
    .command("dev")
    .description(
      "apply kairos.yaml, then run scheduler + workers and show what happens (Ctrl-C drains)",
    )
    .option("--concurrency <n>", "jobs running at once", intFlag("--concurrency", 1, 1000), 10)
    .addOption(
      new Option("--drain <duration>", "how long Ctrl-C waits for running jobs")
        .argParser(durationFlag("--drain"))
        .default(10_000, "10s"),
    )
    .option(
      "--for <duration>",
      "stop by itself after this long (demos, CI)",
      durationFlag("--for"),
    );
  addListenFlags(command)
    .option("--no-api", "do not serve the HTTP API")
    .addHelpText(
      "after",
      `
Examples:
  kairos dev
  kairos dev --config examples/kairos.yaml --concurrency 4
  kairos dev --for 15s          # run 15 seconds, then drain and exit`,
    )
    // Flags are parsed (and rejected) by commander before this runs: nothing is applied first.
    .action((opts: DevFlags) =>
      run(async () => {
        const config = await maybeLoadConfig({
          ...globals(),
          config: globals().config ?? "kairos.yaml",
        });
        if (!config)
          throw new ValidationError("no kairos.yaml found; create one or pass --config FILE");
        const { drain: drainMs, concurrency } = opts;
        const { kairos, store } = await openEngine(globals(), config, io, { backend: true });
        let api: ServingApi | null = null;
        let offSecondSignal = (): void => undefined;
        let report;
        try {
          await applyAndDefine(kairos, config, io);
          watchEngine(kairos, io);
          const waiting = watchWaitingJobs(kairos, io);
          await kairos.start({ concurrency, ...configStartOptions(config) });
          io.out(
            `kairos dev: running ${plural(config.functions.length, "function")}, ${plural(config.schedules.length, "schedule")}; times are local (${zoneLabel(Date.now())}) (Ctrl-C to stop)`,
          );
          api = await serveDevApi(kairos, store, config, opts, io, version);
          await waiting.scan();
          await waitForStop(opts.for ?? null);
          offSecondSignal = onNextStopSignal(() => {
            io.out("kairos dev: second Ctrl-C: stopping at once");
            void kairos.stop({ force: true });
          });
          io.out(
            `kairos dev: draining (up to ${formatDuration(drainMs)}; Ctrl-C again to stop at once)...`,
          );
        } finally {
          await api?.close(0);
          report = await kairos.stop({ drainMs });
          offSecondSignal();
        }
        if (report.forced) io.out(forcedStopLine(report));
        io.out("kairos dev: stopped");
      }),
    );
}

/**
 * Apply kairos.yaml (printing the plan and its warnings) and define its functions (printing
 * those unavailable here). The reconciler and the executors load here, not at CLI start-up.
 */
async function applyAndDefine(kairos: Kairos, config: ResolvedConfig, io: Io): Promise<void> {
  const [{ applyConfig, applyWarnings }, { defineConfigFunctions }] = await Promise.all([
    import("../../config/apply.js"),
    import("../../config/define-functions.js"),
  ]);
  const plan = await applyConfig(kairos, config, { prune: false, dryRun: false });
  io.out(formatPlan(plan));
  if (plan.backend) io.out(formatBackendChanges(plan.backend.location, plan.backend.changes));
  for (const warning of applyWarnings(config)) io.err(`kairos: warning: ${warning}`);
  const unavailable = await defineConfigFunctions(kairos, config);
  for (const u of unavailable) io.out(`kairos dev: unavailable ${u.name}: ${u.error}`);
}

/** Flags of `kairos dev`. */
interface DevFlags {
  concurrency: number;
  drain: number;
  for?: number;
  host: string;
  port: number;
  api: boolean;
}

/**
 * Serve the API beside dev's own output (requests are not logged; errors are, pretty); a port
 * in use or a refused address is a line, not a failure: dev runs on without the API.
 */
async function serveDevApi(
  kairos: Kairos,
  store: StoreChoice,
  config: ResolvedConfig,
  opts: DevFlags,
  io: Io,
  version: string,
): Promise<ServingApi | null> {
  if (!opts.api) return null;
  // The API server and its logger load here, not when the CLI starts.
  const [{ createLogger }, { serveApi }] = await Promise.all([
    import("../../api/logging.js"),
    import("../serve-api.js"),
  ]);
  try {
    const api = await serveApi(kairos, store, {
      host: opts.host,
      port: opts.port,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      publicMetrics: false,
      configDir: config.dir,
      version,
      workerSlots: opts.concurrency,
      logger: createLogger({ level: "warn", pretty: true }),
      requestLevel: "debug",
    });
    io.out(`kairos dev: API ${api.url}/api/v1 (${await api.authLine()})`);
    io.out(`kairos dev: dashboard ${api.url}/`);
    return api;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const inUse = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
    io.out(
      `kairos dev: API not served: ${inUse ? `${opts.host}:${opts.port} is in use` : message} (--port N picks another, --no-api turns it off)`,
    );
    return null;
  }
}
