/**
 * @module cli/commands/scheduler
 * `kairos scheduler status [--json]`: where schedules' timing lives (the embedded loop, or a
 * Kubernetes namespace) and, with a backend, each CronJob Kairos manages there: its schedule,
 * source, whether it is suspended and when the cluster last fired it.
 */
import type { Command } from "commander";
import type { SchedulerStatus } from "../../runtime/client.js";
import { table, type Io } from "../output.js";
import type { WithClient } from "../context.js";
import { ageText } from "./instances.js";

/** The status as text: a heading line, then one row per entry. */
export function schedulerText(status: SchedulerStatus, now: number): string {
  if (status.backend === "embedded") {
    return "backend: embedded (the leader's scheduler loop fires every slot from the store)";
  }
  const head = [
    `backend: ${status.backend} (${status.location ?? "?"}); dynamic schedules ${status.allowDynamic ? "allowed" : "off"}`,
  ];
  if (status.entries.length === 0)
    return [...head, "no CronJob is managed by Kairos there"].join("\n");
  const rows = status.entries.map((e) => [
    e.name,
    e.resource,
    e.source === "config" ? "yaml" : "api",
    e.schedule + (e.timeZone ? ` (${e.timeZone})` : ""),
    e.suspended ? "yes" : "no",
    ageText(e.lastScheduleTime, now),
  ]);
  return [
    ...head,
    table(["SCHEDULE", "CRONJOB", "SOURCE", "CRON", "SUSPENDED", "LAST FIRED"], rows),
  ].join("\n");
}

/** Register `kairos scheduler status`. */
export function registerScheduler(program: Command, io: Io, withClient: WithClient): void {
  program
    .command("scheduler")
    .description("where schedules' timing lives")
    .command("status")
    .description("the scheduler backend and, for Kubernetes, each CronJob Kairos manages")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
With scheduler.backend embedded (the default) the leader's loop fires every slot. With
kubernetes, one CronJob per schedule: LAST FIRED is the CronJob's status.lastScheduleTime;
only CronJobs labelled app.kubernetes.io/managed-by=kairos are listed. See docs/kubernetes.md.

Examples:
  kairos scheduler status
  kairos scheduler status --json`,
    )
    .action((opts: { json?: boolean }) =>
      withClient({ ...opts, backend: true }, async ({ client }) => {
        const status = await client.scheduler();
        io.out(opts.json ? JSON.stringify(status) : schedulerText(status, Date.now()));
      }),
    );
}
