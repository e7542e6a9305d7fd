/**
 * @module cli/commands/schedules
 * `kairos schedules list|show|pause|resume|trigger|fire`.
 */
import type { Command } from "commander";
import { NotFoundError } from "../../core/errors.js";
import { formatDuration } from "../../core/reconcile/format.js";
import type { Schedule } from "../../runtime/client.js";
import type { ScheduleTiming } from "../../core/schedules/types.js";
import { iso, table, type Io } from "../output.js";
import type { WithClient } from "../context.js";
import { intFlag } from "../flags.js";
import { registerSchedulesFire } from "./schedules-fire.js";

/** How a timing reads in a table. */
export function describeTiming(t: ScheduleTiming): string {
  switch (t.kind) {
    case "cron":
      return t.timezone === "UTC" ? `cron ${t.cron}` : `cron ${t.cron} (${t.timezone})`;
    case "every":
      return `every ${formatDuration(t.everyMs)}`;
    case "at":
      return `at ${iso(t.at)}`;
  }
}

/** Register `kairos schedules ...`. */
export function registerSchedules(program: Command, io: Io, withClient: WithClient): void {
  const schedules = program
    .command("schedules")
    .description("list, inspect, pause, resume, trigger and fire schedules");
  registerSchedulesList(schedules, io, withClient);
  registerSchedulesShow(schedules, io, withClient);
  registerSchedulesPause(schedules, io, withClient);
  registerSchedulesResume(schedules, io, withClient);
  registerSchedulesTrigger(schedules, io, withClient);
  registerSchedulesFire(schedules, io, withClient);
}

/** `kairos schedules list`. */
function registerSchedulesList(schedules: Command, io: Io, withClient: WithClient): void {
  schedules
    .command("list")
    .description("list schedules with their next fire and last status")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  kairos schedules list\n  kairos schedules list --json")
    .action((opts: { json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const list = await client.schedules.list();
        if (opts.json) return io.out(JSON.stringify(list));
        io.out(
          table(
            ["NAME", "FN", "WHEN", "ENABLED", "NEXT FIRE", "LAST STATUS", "RUNS", "SOURCE"],
            list.map((s) => [
              s.name,
              s.fn,
              describeTiming(s.timing),
              s.enabled ? "yes" : `no${s.pauseNote ? ` (${s.pauseNote})` : ""}`,
              iso(s.nextFireAt),
              s.lastStatus,
              s.runCount,
              s.source,
            ]),
          ),
        );
      }),
    );
}

/** `kairos schedules show`. */
function registerSchedulesShow(schedules: Command, io: Io, withClient: WithClient): void {
  schedules
    .command("show")
    .description("show a schedule, its next fires and recent history")
    .argument("<name>", "schedule name")
    .option("--next <n>", "how many next fires, 0 to 1000", intFlag("--next", 0, 1000), 5)
    .option(
      "--history <n>",
      "how many history entries, 1 to 1000",
      intFlag("--history", 1, 1000),
      20,
    )
    .option("--json", 'print JSON (includes "next": [ISO-8601 UTC instants])')
    .addHelpText(
      "after",
      "\nExamples:\n  kairos schedules show nightly --next 10\n  kairos schedules show nightly --json",
    )
    .action((name: string, opts: { next: number; history: number; json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const schedule = await client.schedules.get(name);
        if (!schedule) throw new NotFoundError(`no schedule named "${name}"`);
        const next = (await client.schedules.nextFires(name, opts.next)).map((d) =>
          d.toISOString(),
        );
        const history = await client.schedules.history(name, opts.history);
        if (opts.json) return io.out(JSON.stringify({ ...schedule, next, history }));
        printSchedule(io, schedule);
        io.out("next fires:");
        for (const n of next) io.out(`  ${n}`);
        io.out("history (newest first):");
        io.out(
          table(
            ["AT", "SLOT", "KIND", "REASON", "JOB", "MESSAGE"],
            history.map((h) => [iso(h.at), iso(h.slotAt), h.kind, h.reason, h.jobId, h.message]),
          ),
        );
      }),
    );
}

/** `kairos schedules pause`. */
function registerSchedulesPause(schedules: Command, io: Io, withClient: WithClient): void {
  schedules
    .command("pause")
    .description("pause a schedule: no slot fires until resumed")
    .argument("<name>", "schedule name")
    .option("--note <text>", "why (shown in list and history)")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      '\nExamples:\n  kairos schedules pause nightly --note "db migration tonight"',
    )
    .action((name: string, opts: { note?: string; json?: boolean }) =>
      withClient({ ...opts, backend: true }, async ({ client }) => {
        const s = await client.schedules.pause(name, opts.note);
        if (opts.json) return io.out(JSON.stringify(s));
        io.out(`paused ${name}${opts.note ? ` (${opts.note})` : ""}`);
      }),
    );
}

/** `kairos schedules resume`. */
function registerSchedulesResume(schedules: Command, io: Io, withClient: WithClient): void {
  schedules
    .command("resume")
    .description("resume a paused schedule from its next slot (paused slots are not run)")
    .argument("<name>", "schedule name")
    .option("--note <text>", "why (shown in history)")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      '\nExamples:\n  kairos schedules resume nightly\n  kairos schedules resume nightly --note "migration done"',
    )
    .action((name: string, opts: { note?: string; json?: boolean }) =>
      withClient({ ...opts, backend: true }, async ({ client }) => {
        const s = await client.schedules.resume(name, opts.note);
        if (opts.json) return io.out(JSON.stringify(s));
        io.out(
          `resumed ${name}${opts.note ? ` (${opts.note})` : ""}; next fire ${iso(s.nextFireAt)}`,
        );
      }),
    );
}

/** `kairos schedules trigger`. */
function registerSchedulesTrigger(schedules: Command, io: Io, withClient: WithClient): void {
  schedules
    .command("trigger")
    .description("run a schedule's function now with its payload, outside its slots")
    .argument("<name>", "schedule name")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  kairos schedules trigger nightly")
    .action((name: string, opts: { json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const job = await client.schedules.trigger(name);
        if (opts.json) return io.out(JSON.stringify(job));
        io.out(`triggered ${name}: job ${job.id}`);
      }),
    );
}

function printSchedule(io: Io, s: Schedule): void {
  const rows: [string, unknown][] = [
    ["name", s.name],
    ["fn", s.fn],
    ["when", describeTiming(s.timing)],
    ["enabled", s.enabled ? "yes" : `no${s.pauseNote ? ` (${s.pauseNote})` : ""}`],
    ["payload", JSON.stringify(s.payload)],
    ["overlap", s.overlap],
    ["catchup", `${s.catchup} (window ${formatDuration(s.catchupWindowMs)})`],
    ["jitter", formatDuration(s.jitterMs)],
    ["source", s.source],
    ["next fire", iso(s.nextFireAt)],
    ["last fired", iso(s.lastFiredAt)],
    ["last status", s.lastStatus ?? "-"],
    ["runs", s.runCount],
    ["last error", s.lastError ?? "-"],
  ];
  for (const [k, v] of rows) io.out(`${k.padEnd(12)} ${String(v)}`);
}
