/**
 * @module cli/commands/dev
 * `kairos dev`: load ./kairos.yaml, apply it to the store, run the scheduler and workers, and
 * show fires and job outcomes until Ctrl-C, which drains gracefully.
 */
import type { Command } from "commander";
import { ValidationError } from "../../core/errors.js";
import { applyConfig } from "../../config/apply.js";
import { defineConfigFunctions } from "../../config/define-functions.js";
import { formatPlan } from "../../core/reconcile/index.js";
import { parseDuration } from "../../core/schedules/duration.js";
import { maybeLoadConfig, openEngine, type GlobalOptions } from "../context.js";
import { watchEngine } from "../dev/watch.js";
import { forcedStopLine, onNextStopSignal, waitForStop } from "../dev/stop-signal.js";
import type { Io } from "../output.js";

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
    .option("--concurrency <n>", "jobs running at once", "10")
    .option("--drain <duration>", "how long Ctrl-C waits for running jobs", "10s")
    .option("--for <duration>", "stop by itself after this long (demos, CI)")
    .addHelpText(
      "after",
      `
Examples:
  kairos dev
  kairos dev --config examples/kairos.yaml --concurrency 4
  kairos dev --for 15s          # run 15 seconds, then drain and exit`,
    )
    .action((opts: { concurrency: string; drain: string; for?: string }) =>
      run(async () => {
        const config = await maybeLoadConfig({
          ...globals(),
          config: globals().config ?? "kairos.yaml",
        });
        if (!config)
          throw new ValidationError("no kairos.yaml found; create one or pass --config FILE");
        const drainMs = parseDuration(opts.drain);
        const concurrency = Number(opts.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1) {
          throw new ValidationError(
            `--concurrency must be an integer >= 1, got ${opts.concurrency}`,
          );
        }
        const { kairos } = await openEngine(globals(), config, io);
        let offSecondSignal = (): void => undefined;
        let report;
        try {
          const plan = await applyConfig(kairos, config, { prune: false, dryRun: false });
          io.out(formatPlan(plan));
          await defineConfigFunctions(kairos, config);
          watchEngine(kairos, io);
          await kairos.start({ concurrency });
          io.out(
            `kairos dev: running ${config.functions.length} functions, ${config.schedules.length} schedules (Ctrl-C to stop)`,
          );
          await waitForStop(opts.for === undefined ? null : parseDuration(opts.for));
          offSecondSignal = onNextStopSignal(() => {
            io.out("kairos dev: second Ctrl-C: stopping at once");
            void kairos.stop({ force: true });
          });
          io.out(`kairos dev: draining (up to ${drainMs} ms; Ctrl-C again to stop at once)...`);
        } finally {
          report = await kairos.stop({ drainMs });
          offSecondSignal();
        }
        if (report.forced) io.out(forcedStopLine(report));
        io.out("kairos dev: stopped");
      }),
    );
}
