/**
 * @module cli/commands/schedules-fire
 * `kairos schedules fire NAME (--job-name N | --slot ISO)`: fire one slot as an exported
 * Kubernetes CronJob does (`client.schedules.fire`). One job per slot however often it runs.
 */
import { Option, type Command } from "commander";
import { ValidationError } from "../../core/errors.js";
import type { WithClient } from "../context.js";
import { instantFlag } from "../flags.js";
import { iso, type Io } from "../output.js";

/** Register `kairos schedules fire` under `kairos schedules`. */
export function registerSchedulesFire(schedules: Command, io: Io, withClient: WithClient): void {
  schedules
    .command("fire")
    .description("fire one slot of a schedule, as its Kubernetes CronJob does (one job per slot)")
    .argument("<name>", "schedule name")
    .addOption(
      new Option(
        "--job-name <name>",
        "the Job the CronJob created: <cronjob>-<scheduled minutes since the epoch>",
      ).conflicts("slot"),
    )
    .addOption(
      new Option("--slot <instant>", "the slot's ISO-8601 instant (rounded down to a slot)")
        .argParser(instantFlag("--slot"))
        .conflicts("jobName"),
    )
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      [
        "",
        "The instant is rounded down to the schedule's own slot; firing a slot again answers",
        "`existing` with its job. Outcomes: fired, existing, skipped, buffered, missed.",
        "",
        "Examples:",
        "  kairos schedules fire nightly --slot 2026-12-04T03:00:00Z",
        "  kairos schedules fire nightly --job-name nightly-29412360 --json",
      ].join("\n"),
    )
    .action((name: string, opts: { jobName?: string; slot?: number; json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        if (opts.jobName === undefined && opts.slot === undefined) {
          throw new ValidationError(
            "give the slot to fire: --job-name <the CronJob's Job name> or --slot <ISO instant>",
          );
        }
        const result = await client.schedules.fire(
          name,
          opts.jobName !== undefined ? { jobName: opts.jobName } : { slotAt: new Date(opts.slot!) },
        );
        if (opts.json) return io.out(JSON.stringify(result));
        const job = result.jobId === null ? "no job" : `job ${result.jobId}`;
        io.out(`${result.outcome} ${name} slot ${iso(result.slotAt)}: ${job}`);
      }),
    );
}
