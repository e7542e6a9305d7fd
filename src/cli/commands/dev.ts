/**
 * @module cli/commands/dev
 * `kairos dev`: load ./kairos.yaml, apply it to the store, run the scheduler and workers, and
 * show fires and job outcomes until Ctrl-C, which drains gracefully.
 */
import { Option, type Command } from "commander";
import { ValidationError } from "../../core/errors.js";
import { applyConfig, applyWarnings } from "../../config/apply.js";
import { defineConfigFunctions } from "../../config/define-functions.js";
import { formatDuration, formatPlan } from "../../core/reconcile/index.js";
import { maybeLoadConfig, openEngine, type GlobalOptions } from "../context.js";
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
): void {
  program
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
    .option("--for <duration>", "stop by itself after this long (demos, CI)", durationFlag("--for"))
    .addHelpText(
      "after",
      `
Examples:
  kairos dev
  kairos dev --config examples/kairos.yaml --concurrency 4
  kairos dev --for 15s          # run 15 seconds, then drain and exit`,
    )
    // Flags are parsed (and rejected) by commander before this runs: nothing is applied first.
    .action((opts: { concurrency: number; drain: number; for?: number }) =>
      run(async () => {
        const config = await maybeLoadConfig({
          ...globals(),
          config: globals().config ?? "kairos.yaml",
        });
        if (!config)
          throw new ValidationError("no kairos.yaml found; create one or pass --config FILE");
        const { drain: drainMs, concurrency } = opts;
        const { kairos } = await openEngine(globals(), config, io);
        let offSecondSignal = (): void => undefined;
        let report;
        try {
          const plan = await applyConfig(kairos, config, { prune: false, dryRun: false });
          io.out(formatPlan(plan));
          for (const warning of applyWarnings(config)) io.err(`kairos: warning: ${warning}`);
          const unavailable = await defineConfigFunctions(kairos, config);
          for (const u of unavailable) io.out(`kairos dev: unavailable ${u.name}: ${u.error}`);
          watchEngine(kairos, io);
          const waiting = watchWaitingJobs(kairos, io);
          await kairos.start({ concurrency });
          io.out(
            `kairos dev: running ${plural(config.functions.length, "function")}, ${plural(config.schedules.length, "schedule")}; times are local (${zoneLabel(Date.now())}) (Ctrl-C to stop)`,
          );
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
          report = await kairos.stop({ drainMs });
          offSecondSignal();
        }
        if (report.forced) io.out(forcedStopLine(report));
        io.out("kairos dev: stopped");
      }),
    );
}
