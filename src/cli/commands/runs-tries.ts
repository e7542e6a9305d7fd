/**
 * @module cli/commands/runs-tries
 * `kairos runs tries ID TASK [--json]`: every try of a run's task, oldest first, one line each
 * with its job (`kairos jobs show JOB` for the rest), state, times, duration and error.
 */
import type { Command } from "commander";
import type { WithClient } from "../context.js";
import { iso, table, type Io } from "../output.js";

/** Register `kairos runs tries`. */
export function registerRunsTries(runs: Command, io: Io, withClient: WithClient): void {
  runs
    .command("tries")
    .description("every try of a run's task, oldest first (each try is its own job)")
    .argument("<id>", "run id")
    .argument("<task>", "task id")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  kairos runs tries 42 load\n  kairos runs tries 42 load --json",
    )
    .action((id: string, task: string, opts: { json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const tries = await client.runs.tries(id, task);
        if (opts.json) return io.out(JSON.stringify(tries));
        if (tries.length === 0) return io.out(`${task} has not been tried yet`);
        io.out(
          table(
            ["TRY", "JOB", "STATE", "STARTED", "FINISHED", "DURATION", "ERROR"],
            tries.map((t) => [
              t.tryNumber,
              t.jobId,
              t.state,
              iso(t.startedAt),
              iso(t.finishedAt),
              t.durationMs === null ? "-" : `${t.durationMs} ms`,
              t.error ?? "",
            ]),
          ),
        );
      }),
    );
}
