/**
 * @module cli/commands/workflows
 * `kairos workflows list|show|trigger|pause|resume|backfill`.
 */
import type { Command } from "commander";
import { ValidationError } from "../../core/errors.js";
import { formatDuration } from "../../core/reconcile/format.js";
import type { WorkflowDefinition } from "../../core/workflows/index.js";
import type { Workflow } from "../../index.js";
import type { WithClient } from "../context.js";
import { instantFlag, intFlag, jsonFlag } from "../flags.js";
import { iso, table, type Io } from "../output.js";
import { printRunLine } from "./runs.js";
import { noSuchWorkflow } from "../../core/workflows/not-found.js";

/** How a workflow's schedule reads in a table. */
export function describeWorkflowSchedule(d: WorkflowDefinition): string {
  const s = d.schedule;
  if (s === null) return "manual only";
  const when =
    s.kind === "cron"
      ? s.timezone === "UTC"
        ? `cron ${s.cron}`
        : `cron ${s.cron} (${s.timezone})`
      : `every ${formatDuration(s.everyMs)}`;
  return `${when}${d.catchup ? ", catch-up" : ""}`;
}

/** `--params` checked to be a JSON object (the runtime checks each param against the declaration). */
function paramsObject(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError(
      `--params must be a JSON object, got ${JSON.stringify(value)}; ` +
        `write the params by name, e.g. --params '{"full":true}'`,
    );
  }
  return value as Record<string, unknown>;
}

/** Register `kairos workflows ...`. */
export function registerWorkflows(program: Command, io: Io, withClient: WithClient): void {
  const workflows = program
    .command("workflows")
    .description("list, inspect, trigger, pause, resume and backfill workflows");
  registerList(workflows, io, withClient);
  registerShow(workflows, io, withClient);
  registerTrigger(workflows, io, withClient);
  registerPause(workflows, io, withClient, true);
  registerPause(workflows, io, withClient, false);
  registerBackfill(workflows, io, withClient);
}

function registerList(workflows: Command, io: Io, withClient: WithClient): void {
  workflows
    .command("list")
    .description("list workflows with their schedule and next run")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const list = await client.workflows.list();
        if (opts.json) return io.out(JSON.stringify(list));
        io.out(
          table(
            ["NAME", "TASKS", "SCHEDULE", "PAUSED", "NEXT RUN", "LATEST LOGICAL DATE", "SOURCE"],
            list.map((w) => [
              w.name,
              w.definition.tasks.length,
              describeWorkflowSchedule(w.definition),
              w.paused ? `yes${w.pauseNote ? ` (${w.pauseNote})` : ""}` : "no",
              iso(w.nextRunAfter),
              iso(w.latestLogicalDate),
              w.source,
            ]),
          ),
        );
      }),
    );
}

function registerShow(workflows: Command, io: Io, withClient: WithClient): void {
  workflows
    .command("show")
    .description("show a workflow: its tasks, recent runs and history")
    .argument("<name>", "workflow name")
    .option("--runs <n>", "how many recent runs, 0 to 1000", intFlag("--runs", 0, 1000), 10)
    .option(
      "--history <n>",
      "how many history entries, 0 to 1000",
      intFlag("--history", 0, 1000),
      10,
    )
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  kairos workflows show etl\n  kairos workflows show etl --json",
    )
    .action((name: string, opts: { runs: number; history: number; json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const workflow = await client.workflows.get(name);
        if (!workflow) throw noSuchWorkflow(name);
        const runs =
          opts.runs === 0 ? [] : await client.runs.list({ workflow: name, limit: opts.runs });
        const history =
          opts.history === 0 ? [] : await client.workflows.history(name, { limit: opts.history });
        if (opts.json) return io.out(JSON.stringify({ ...workflow, runs, history }));
        printWorkflow(io, workflow);
        io.out("recent runs (newest logical date first):");
        for (const run of runs) printRunLine(io, run);
        if (history.length > 0) {
          io.out("history (newest first):");
          io.out(
            table(
              ["AT", "KIND", "LOGICAL DATE", "RUN", "REASON"],
              history.map((h) => [iso(h.at), h.kind, iso(h.logicalDate), h.runId, h.reason]),
            ),
          );
        }
      }),
    );
}

function printWorkflow(io: Io, w: Workflow): void {
  const d = w.definition;
  io.out(`workflow ${w.name} (${w.source})`);
  io.out(`  schedule:        ${describeWorkflowSchedule(d)} (${d.runSemantics} semantics)`);
  io.out(`  paused:          ${w.paused ? `yes${w.pauseNote ? ` — ${w.pauseNote}` : ""}` : "no"}`);
  io.out(`  start / end:     ${iso(d.startDate)} / ${iso(d.endDate)}`);
  io.out(`  limits:          maxActiveRuns ${d.maxActiveRuns}, maxActiveTasks ${d.maxActiveTasks}`);
  io.out(`  next run after:  ${iso(w.nextRunAfter)}`);
  if (Object.keys(d.params).length > 0) io.out(`  params:          ${JSON.stringify(d.params)}`);
  io.out(
    table(
      ["TASK", "FN", "DEPENDS ON", "TRIGGER RULE", "RETRIES", "TIMEOUT"],
      d.tasks.map((t) => [
        t.id,
        t.fn,
        t.dependsOn.join(", "),
        t.triggerRule,
        t.retries === 0
          ? "0"
          : `${t.retries} (${formatDuration(t.retryDelayMs)}${t.retryExponentialBackoff ? ", exponential" : ""})`,
        t.timeoutMs === null ? "" : formatDuration(t.timeoutMs),
      ]),
    ),
  );
}

function registerTrigger(workflows: Command, io: Io, withClient: WithClient): void {
  workflows
    .command("trigger")
    .description("create a manual run now (it starts within maxActiveRuns)")
    .argument("<name>", "workflow name")
    .option(
      "--params <json>",
      "run params: JSON object, @FILE or - (checked against the declared params)",
      jsonFlag("--params", io),
    )
    .option(
      "--logical-date <iso>",
      "the run's logical date (default now)",
      instantFlag("--logical-date"),
    )
    .option("--note <text>", "a note on the run")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `\nExamples:\n  kairos workflows trigger etl\n  kairos workflows trigger etl --params '{"full":true}' --logical-date 2026-12-01T00:00:00Z`,
    )
    .action(
      (
        name: string,
        opts: { params?: unknown; logicalDate?: number; note?: string; json?: boolean },
      ) =>
        withClient(opts, async ({ client }) => {
          const run = await client.runs.trigger(name, {
            ...(opts.params !== undefined ? { params: paramsObject(opts.params) } : {}),
            ...(opts.logicalDate !== undefined ? { logicalDate: opts.logicalDate } : {}),
            ...(opts.note !== undefined ? { note: opts.note } : {}),
          });
          if (opts.json) return io.out(JSON.stringify(run));
          io.out(`created run ${run.id} of ${name} for ${iso(run.logicalDate)} (${run.state})`);
          io.out(`  follow it: kairos runs show ${run.id}`);
        }),
    );
}

function registerPause(workflows: Command, io: Io, withClient: WithClient, pause: boolean): void {
  workflows
    .command(pause ? "pause" : "resume")
    .description(
      pause
        ? "pause a workflow: no scheduled run is created and no queued run starts until resumed"
        : "resume a workflow (with catch-up, the runs missed while paused are created)",
    )
    .argument("<name>", "workflow name")
    .option("--note <text>", "why (shown in show and history)")
    .option("--json", "print JSON")
    .action((name: string, opts: { note?: string; json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const options = opts.note !== undefined ? { note: opts.note } : {};
        const w = pause
          ? await client.workflows.pause(name, options)
          : await client.workflows.resume(name, options);
        if (opts.json) return io.out(JSON.stringify(w));
        io.out(`${pause ? "paused" : "resumed"} workflow ${name}`);
      }),
    );
}

function registerBackfill(workflows: Command, io: Io, withClient: WithClient): void {
  workflows
    .command("backfill")
    .description("create one run per interval of a date range, in order, within maxActiveRuns")
    .argument("<name>", "workflow name")
    .requiredOption("--from <iso>", "first logical date (inclusive)", instantFlag("--from"))
    .requiredOption("--to <iso>", "last logical date (inclusive)", instantFlag("--to"))
    .option("--params <json>", "run params: JSON object, @FILE or -", jsonFlag("--params", io))
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  kairos workflows backfill etl --from 2026-11-01 --to 2026-11-30",
    )
    .action((name: string, opts: { from: number; to: number; params?: unknown; json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        let shown = -1;
        const result = await client.runs.backfill(name, {
          from: opts.from,
          to: opts.to,
          ...(opts.params !== undefined ? { params: paramsObject(opts.params) } : {}),
          onProgress: (p) => {
            const done = p.created + p.existing;
            const step = Math.max(1, Math.floor(p.total / 20));
            if (!opts.json && (done === p.total || done - shown >= step)) {
              shown = done;
              io.err(
                `backfill ${name}: ${done}/${p.total} intervals (${p.created} created, ${p.existing} already had a run)`,
              );
            }
          },
        });
        if (opts.json) return io.out(JSON.stringify(result));
        io.out(
          `backfill ${name}: ${result.created} runs created, ${result.existing} intervals already had a run; ` +
            `they start in logical-date order within maxActiveRuns`,
        );
      }),
    );
}
