/**
 * @module cli/commands/runs
 * `kairos runs list|show|cancel|clear|mark|note|why` (and `tries`, runs-tries). `runs show` draws the run's DAG with
 * each task's state (cli/dag-render).
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { isRunState, RUN_STATES, type RunState } from "../../core/workflows/states.js";
import type { WorkflowRun, WorkflowRunDetail } from "../../index.js";
import type { WithClient } from "../context.js";
import { renderDag } from "../dag-render.js";
import { instantFlag, intFlag } from "../flags.js";
import { iso, table, type Io } from "../output.js";
import { noSuchRun, noSuchWorkflow } from "../../core/workflows/not-found.js";
import { printControlRequests, registerRunsStopStart } from "./control.js";
import { registerRunsTries } from "./runs-tries.js";
import { registerRunsWatch } from "./watch.js";

/** One run as a line of `workflows show`. */
export function printRunLine(io: Io, run: WorkflowRun): void {
  io.out(
    `  ${run.id}  ${iso(run.logicalDate)}  ${run.state.padEnd(8)} ${run.runType}${run.note ? `  — ${run.note}` : ""}`,
  );
}

const runStateFlag = (value: string): RunState => {
  if (!isRunState(value)) {
    throw new InvalidArgumentError(
      `--state must be one of ${RUN_STATES.join(", ")}; got ${JSON.stringify(value)}`,
    );
  }
  return value;
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Register `kairos runs ...`. */
export function registerRuns(program: Command, io: Io, withClient: WithClient): void {
  const runs = program
    .command("runs")
    .description("list, inspect, cancel, stop, start, clear and explain workflow runs");
  registerList(runs, io, withClient);
  registerShow(runs, io, withClient);
  registerCancel(runs, io, withClient);
  registerRunsStopStart(runs, io, withClient);
  registerClear(runs, io, withClient);
  registerMark(runs, io, withClient);
  registerNote(runs, io, withClient);
  registerWhy(runs, io, withClient);
  registerRunsTries(runs, io, withClient);
  registerRunsWatch(runs, io, withClient);
}

function registerList(runs: Command, io: Io, withClient: WithClient): void {
  runs
    .command("list")
    .description("list runs, newest logical date first")
    .option("--workflow <name>", "only this workflow's runs")
    .option("--state <state>", "queued, running, success or failed", runStateFlag)
    .option("--limit <n>", "at most this many, 1 to 1000", intFlag("--limit", 1, 1000), 50)
    .option(
      "--before <iso>",
      "only logical dates before this (to page on)",
      instantFlag("--before"),
    )
    .option("--json", "print JSON")
    .action(
      (opts: {
        workflow?: string;
        state?: RunState;
        limit: number;
        before?: number;
        json?: boolean;
      }) =>
        withClient({ ...opts, mustExist: true }, async ({ client }) => {
          // An unknown name would list nothing: say it is unknown instead.
          if (opts.workflow !== undefined && !(await client.workflows.get(opts.workflow))) {
            throw noSuchWorkflow(opts.workflow);
          }
          const list = await client.runs.list({
            ...(opts.workflow !== undefined ? { workflow: opts.workflow } : {}),
            ...(opts.state !== undefined ? { state: opts.state } : {}),
            ...(opts.before !== undefined ? { before: opts.before } : {}),
            limit: opts.limit,
          });
          if (opts.json) return io.out(JSON.stringify(list));
          io.out(
            table(
              ["ID", "WORKFLOW", "LOGICAL DATE", "STATE", "TYPE", "STARTED", "FINISHED", "NOTE"],
              list.map((r) => [
                r.id,
                r.workflow,
                iso(r.logicalDate),
                r.state,
                r.runType,
                iso(r.startedAt),
                iso(r.finishedAt),
                r.note,
              ]),
            ),
          );
        }),
    );
}

/** How `runs show` draws the DAG. */
export interface DagStyle {
  readonly color: boolean;
  readonly width: number;
}

/**
 * Colour only on a terminal, unless NO_COLOR is set and non-empty (no-color.org) or TERM is
 * `dumb`; the width of the terminal, or (piped) COLUMNS when it is a positive integer, else 100.
 */
export function dagStyle(
  stream: { readonly isTTY?: boolean; readonly columns?: number },
  env: Readonly<Record<string, string | undefined>>,
): DagStyle {
  const tty = stream.isTTY === true;
  const color = tty && !env["NO_COLOR"] && env["TERM"] !== "dumb";
  const columns = Number(env["COLUMNS"]);
  const width =
    tty && stream.columns !== undefined && stream.columns > 0
      ? stream.columns
      : Number.isInteger(columns) && columns > 0
        ? columns
        : 100;
  return { color, width };
}

/** The run's header, DAG and task table. */
export function printRun(io: Io, run: WorkflowRunDetail, style: DagStyle): void {
  io.out(`run ${run.id} of ${run.workflow}: ${run.state} (${run.runType})`);
  io.out(`  logical date:   ${iso(run.logicalDate)}`);
  io.out(`  data interval:  ${iso(run.dataInterval.start)} .. ${iso(run.dataInterval.end)}`);
  io.out(`  started:        ${iso(run.startedAt)}   finished: ${iso(run.finishedAt)}`);
  if (Object.keys(run.params).length > 0) io.out(`  params:         ${JSON.stringify(run.params)}`);
  if (run.note) io.out(`  note:           ${run.note}`);
  const byId = new Map(run.tasks.map((t) => [t.taskId, t]));
  const lines = renderDag(
    run.tasks.map((t) => ({
      id: t.taskId,
      dependsOn: t.dependsOn,
      state: t.state,
      ...(t.tryNumber > 1 ? { detail: `try ${t.tryNumber}/${t.maxTries}` } : {}),
    })),
    style,
  );
  io.out("");
  for (const line of lines) io.out(line);
  io.out("");
  io.out(
    table(
      ["TASK", "STATE", "TRY", "JOB", "STARTED", "FINISHED", "ERROR / NOTE"],
      [...byId.values()].map((t) => [
        t.taskId,
        t.state,
        `${t.tryNumber}/${t.maxTries}`,
        t.jobId,
        iso(t.startedAt),
        iso(t.finishedAt),
        t.error
          ? `${t.error.name}: ${t.error.message}`
          : (t.note ?? (t.retryDueAt ? `retry at ${iso(t.retryDueAt)}` : "")),
      ]),
    ),
  );
}

function registerShow(runs: Command, io: Io, withClient: WithClient): void {
  runs
    .command("show")
    .description("show a run: its DAG with each task's state, tries and errors")
    .argument("<id>", "run id")
    .option("--json", "print JSON")
    .action((id: string, opts: { json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const run = await client.runs.get(id);
        if (!run) throw noSuchRun(id);
        const controlRequests = await client.runs.requests(id);
        if (opts.json) return io.out(JSON.stringify({ ...run, controlRequests }));
        printRun(io, run, dagStyle(process.stdout, process.env));
        printControlRequests(io, controlRequests);
      }),
    );
}

function registerCancel(runs: Command, io: Io, withClient: WithClient): void {
  runs
    .command("cancel")
    .description("cancel a run: running tasks are aborted, the rest do not run; the run fails")
    .argument("<id>", "run id")
    .option("--note <text>", "why (kept on the run)")
    .option("--json", "print JSON")
    .action((id: string, opts: { note?: string; json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const run = await client.runs.cancel(
          id,
          opts.note !== undefined ? { note: opts.note } : {},
        );
        if (opts.json) return io.out(JSON.stringify(run));
        io.out(`run ${id}: ${run.state}`);
      }),
    );
}

function registerClear(runs: Command, io: Io, withClient: WithClient): void {
  runs
    .command("clear")
    .description("rerun tasks of a run (and their downstream); a finished run runs again")
    .argument("<id>", "run id")
    .requiredOption("--task <id>", "a task to clear (repeat for several)", collect)
    .option("--downstream", "also clear every task downstream of them")
    .option("--only-failed", "only the failed ones among them")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  kairos runs clear 42 --task load --downstream")
    .action(
      (
        id: string,
        opts: { task: string[]; downstream?: boolean; onlyFailed?: boolean; json?: boolean },
      ) =>
        withClient(opts, async ({ client }) => {
          const run = await client.runs.clear(id, {
            tasks: opts.task,
            downstream: opts.downstream === true,
            onlyFailed: opts.onlyFailed === true,
          });
          if (opts.json) return io.out(JSON.stringify(run));
          io.out(
            `run ${id}: cleared ${opts.task.join(", ")}${opts.downstream ? " and downstream" : ""}; run is ${run.state}`,
          );
        }),
    );
}

function registerMark(runs: Command, io: Io, withClient: WithClient): void {
  runs
    .command("mark")
    .description("set a task's state by hand (its job, if active, is cancelled)")
    .argument("<id>", "run id")
    .argument("<task>", "task id")
    .requiredOption("--state <state>", "success, failed or skipped", (v: string) => {
      if (v !== "success" && v !== "failed" && v !== "skipped") {
        throw new InvalidArgumentError(
          `--state must be success, failed or skipped; got ${JSON.stringify(v)}`,
        );
      }
      return v;
    })
    .option("--downstream", "also mark every task downstream")
    .option("--json", "print JSON")
    .action(
      (
        id: string,
        task: string,
        opts: { state: "success" | "failed" | "skipped"; downstream?: boolean; json?: boolean },
      ) =>
        withClient(opts, async ({ client }) => {
          const run = await client.runs.mark(id, task, opts.state, {
            downstream: opts.downstream === true,
          });
          if (opts.json) return io.out(JSON.stringify(run));
          io.out(`run ${id}: ${task} marked ${opts.state}; run is ${run.state}`);
        }),
    );
}

function registerNote(runs: Command, io: Io, withClient: WithClient): void {
  runs
    .command("note")
    .description("set the note of a run or of one of its tasks (empty text clears it)")
    .argument("<id>", "run id")
    .argument("<text>", "the note")
    .option("--task <id>", "the task's note instead of the run's")
    .option("--json", "print JSON")
    .action((id: string, text: string, opts: { task?: string; json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const run = await client.runs.note(
          id,
          text === "" ? null : text,
          opts.task !== undefined ? { task: opts.task } : {},
        );
        if (opts.json) return io.out(JSON.stringify(run));
        io.out(
          `run ${id}: note ${text === "" ? "cleared" : "set"}${opts.task ? ` on ${opts.task}` : ""}`,
        );
      }),
    );
}

function registerWhy(runs: Command, io: Io, withClient: WithClient): void {
  runs
    .command("why")
    .description("why isn't this task running? (upstreams, rules, limits, retries, pause, leader)")
    .argument("<id>", "run id")
    .argument("<task>", "task id")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  kairos runs why 42 load")
    .action((id: string, task: string, opts: { json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const why = await client.runs.why(id, task);
        if (opts.json) return io.out(JSON.stringify(why));
        io.out(`${task} (${why.state}): ${why.summary}`);
        for (const line of why.lines) if (line !== why.summary) io.out(`  - ${line}`);
      }),
    );
}
