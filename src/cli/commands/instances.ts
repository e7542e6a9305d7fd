/**
 * @module cli/commands/instances
 * `kairos instances [--json]`: the deployment's processes from the store (or the server): who
 * leads, whether each is live, its last heartbeat and each leader duty's last run, as ages.
 */
import type { Command } from "commander";
import type { InstanceInfo } from "../../runtime/client.js";
import { table, type Io } from "../output.js";
import type { WithClient } from "../context.js";

/** `at` as an age from `now`: "4s ago", "3m ago", "2h ago", "1d ago"; "never" for null. */
export function ageText(at: number | null, now: number): string {
  if (at === null) return "never";
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** One row of the table. */
export function instanceRow(i: InstanceInfo, now: number): string[] {
  const duties = i.duties
    .map((d) => `${d.name} ${ageText(d.lastRunAt, now)}${d.lastError ? " (failed)" : ""}`)
    .join(", ");
  return [
    i.instance,
    `${i.host}/${i.pid}`,
    i.leader ? "yes" : "no",
    i.live ? "yes" : "no",
    ageText(i.heartbeatAt, now),
    duties === "" ? "-" : duties,
  ];
}

/** Register `kairos instances`. */
export function registerInstances(program: Command, io: Io, withClient: WithClient): void {
  program
    .command("instances")
    .description("the processes working this store: who leads, and each duty's last run")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
Every started process (kairos server, kairos dev, a program that calls start()) reports itself
every 10 s; LIVE is no once its last report is older than 30 s (it died or hangs). LEADER is the
process running the scheduler and the other leader duties; DUTIES shows when each last ran.

Examples:
  kairos instances
  kairos instances --json`,
    )
    .action((opts: { json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const list = await client.instances();
        if (opts.json) return io.out(JSON.stringify(list));
        if (list.length === 0) return io.out("no process is running: start kairos server or dev");
        const now = Date.now();
        const head = ["INSTANCE", "HOST/PID", "LEADER", "LIVE", "HEARTBEAT", "DUTIES"];
        io.out(
          table(
            head,
            list.map((i) => instanceRow(i, now)),
          ),
        );
      }),
    );
}
