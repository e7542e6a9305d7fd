/**
 * @module cli/commands/functions
 * `kairos functions list [--json]`: every function in the store (declared by `kairos apply`
 * or registered by a process that defines it), with its live workers and, where a live worker
 * reported it unavailable, the error.
 */
import type { Command } from "commander";
import { table, type Io } from "../output.js";
import type { WithClient } from "../context.js";

/** Register `kairos functions ...`. */
export function registerFunctions(program: Command, io: Io, withClient: WithClient): void {
  const functions = program
    .command("functions")
    .description("list the functions the store knows and the workers running them");
  functions
    .command("list")
    .description("every function: name, kind, source (yaml|define), live workers, availability")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
SOURCE is yaml for functions declared in kairos.yaml (kairos apply) and define for functions
registered by a process that define()s them. WORKERS counts the worker processes live now
(heartbeat within the last 30 s); a job of a function with 0 workers waits until one starts.

Examples:
  kairos functions list
  kairos functions list --json`,
    )
    .action((opts: { json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const list = await client.functions.list();
        if (opts.json) return io.out(JSON.stringify(list));
        io.out(
          table(
            ["NAME", "KIND", "SOURCE", "WORKERS", "STATUS"],
            list.map((f) => [
              f.name,
              f.kind,
              f.source,
              String(f.liveWorkers),
              f.unavailable.length > 0
                ? `unavailable: ${f.unavailable.join("; ")}`
                : f.liveWorkers === 0
                  ? "no live worker"
                  : "ok",
            ]),
          ),
        );
      }),
    );
}
