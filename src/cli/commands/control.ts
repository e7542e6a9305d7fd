/**
 * @module cli/commands/control
 * `kairos runs stop|start ID` (docs/control.md), and the `control:` lines `jobs show` and
 * `runs show` print for a job's or a run's stop and start requests.
 */
import type { Command } from "commander";
import type { WithClient } from "../context.js";
import { iso, type Io } from "../output.js";

/** What the `control:` lines need of a request (a job's or a run's). */
export interface ControlLine {
  readonly kind: "stop" | "start";
  readonly generation: number;
  readonly status: string;
  readonly requestedBy: string;
  readonly createdAt: Date;
  readonly resolvedAt: Date | null;
  readonly error: string | null;
}

/** The stop and start requests under `control:`, one line each; nothing when there are none. */
export function printControlRequests(io: Io, requests: readonly ControlLine[]): void {
  if (requests.length === 0) return;
  io.out("control:");
  for (const r of requests) {
    const resolved = r.resolvedAt ? ` -> ${r.status} ${iso(r.resolvedAt)}` : ` ${r.status}`;
    const error = r.error ? `: ${r.error}` : "";
    io.out(
      `  ${r.kind.padEnd(5)} generation ${r.generation}  by ${r.requestedBy} at ${iso(r.createdAt)}${resolved}${error}`,
    );
  }
}

/** Register `kairos runs stop` and `kairos runs start`. */
export function registerRunsStopStart(runs: Command, io: Io, withClient: WithClient): void {
  runs
    .command("stop")
    .description(
      "stop a run: no new task is planned, running tasks get their AbortSignal (reason stop)",
    )
    .argument("<id>", "run id")
    .option("--json", "print the stop request as JSON")
    .addHelpText("after", "\nExamples:\n  kairos runs stop 7\n  kairos runs start 7   # later")
    .action((id: string, opts: { json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const request = await client.runs.stop(id, { requestedBy: "cli" });
        if (opts.json) return io.out(JSON.stringify(request));
        io.out(
          request.status === "completed"
            ? `run ${id}: stopped (stop request ${request.id})`
            : `run ${id}: stop requested (request ${request.id}, pending until its running tasks have stopped)`,
        );
      }),
    );
  runs
    .command("start")
    .description(
      "start a stopped run again: stopped tasks resume from their checkpoints, finished ones never rerun",
    )
    .argument("<id>", "run id")
    .option("--json", "print the start request as JSON")
    .addHelpText("after", "\nExamples:\n  kairos runs start 7")
    .action((id: string, opts: { json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const request = await client.runs.start(id, { requestedBy: "cli" });
        if (opts.json) return io.out(JSON.stringify(request));
        io.out(
          `run ${id}: start requested as generation ${request.generation} (request ${request.id}, ${request.status})`,
        );
      }),
    );
}
