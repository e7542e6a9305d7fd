/**
 * @module cli/commands/cron
 * `kairos cron "EXPR"`: explain an expression in words and list its next fire instants.
 */
import type { Command } from "commander";
import { validateCron } from "../../core/cron/parse.js";
import { instantFlag, intFlag } from "../flags.js";
import type { Io } from "../output.js";

/** Register `kairos cron`. */
export function registerCron(
  program: Command,
  io: Io,
  run: (fn: () => Promise<void>) => Promise<void>,
): void {
  program
    .command("cron")
    .description("explain a cron expression and print its next fire instants")
    .argument("<expression>", 'cron expression: 5 fields, 6 with leading seconds, or "@daily" etc.')
    .option("--tz <zone>", "IANA timezone the expression is evaluated in", "UTC")
    .option("--from <iso>", "list fires after this instant (default now)", instantFlag("--from"))
    .option("--next <n>", "how many fire instants, 1 to 1000", intFlag("--next", 1, 1000), 5)
    .option("--json", 'print {"expression","timezone","next":[ISO-8601 UTC]}')
    .addHelpText(
      "after",
      `
Examples:
  kairos cron "*/15 9-17 * * 1-5"
  kairos cron "0 3 * * *" --tz Europe/Paris --next 3
  kairos cron "30 2 * * *" --tz America/New_York --from 2026-03-07T00:00:00Z --json`,
    )
    .action(
      (expression: string, opts: { tz: string; from?: number; next: number; json?: boolean }) =>
        run(async () => {
          validateCron(expression, opts.tz);
          // The cron library loads with this command, not at CLI start-up.
          const { nextFires } = await import("../../runtime/schedules-api.js");
          const fires = nextFires(
            { kind: "cron", cron: expression, timezone: opts.tz },
            opts.next,
            opts.from ?? Date.now(),
          ).map((d) => d.toISOString());
          if (opts.json) {
            io.out(JSON.stringify({ expression, timezone: opts.tz, next: fires }));
            return;
          }
          // cronstrue (a tenth of a second to load) only for the command that describes.
          const { explainCron } = await import("../../core/cron/explain.js");
          io.out(`${expression}  (${opts.tz})`);
          io.out(explainCron(expression));
          io.out("");
          for (const f of fires) io.out(`  ${f}  ${localTime(f, opts.tz)}`);
        }),
    );
}

function localTime(isoUtc: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    dateStyle: "medium",
    timeStyle: "long",
  }).format(new Date(isoUtc));
}
