/**
 * @module cli/commands/jobs
 * `kairos jobs list|show|logs|cancel|stop|start|why` and `kairos enqueue FN --payload JSON`.
 */
import { InvalidArgumentError, type Command } from "commander";
import { NotFoundError } from "../../core/errors.js";
import type { JobState } from "../../core/jobs/states.js";
import type { Job, JobAttempt } from "../../runtime/client.js";
import { iso, plural, table, type Io } from "../output.js";
import type { WithClient } from "../context.js";
import { boundedText } from "../dev/format.js";
import { instantFlag, intFlag, jsonFlag, statesFlag } from "../flags.js";
import { printControlRequests } from "./control.js";
import { registerJobsLogs } from "./job-logs.js";
import { registerJobsWatch } from "./watch.js";

/** Priorities are stored as 32-bit integers. */
const MIN_INT32 = -2_147_483_648;
const MAX_INT32 = 2_147_483_647;

/** Register `kairos jobs ...` and `kairos enqueue`. */
export function registerJobs(program: Command, io: Io, withClient: WithClient): void {
  const jobs = program
    .command("jobs")
    .description("list, show, cancel, stop and start jobs, and say why they wait");
  registerJobsList(jobs, io, withClient);
  registerJobsShow(jobs, io, withClient);
  registerJobsLogs(jobs, io, withClient);
  registerJobsCancel(jobs, io, withClient);
  registerJobsStopStart(jobs, io, withClient);
  registerJobsWhy(jobs, io, withClient);
  registerJobsWatch(jobs, io, withClient);
  registerEnqueue(program, io, withClient);
}

/** The options of `kairos jobs list`. */
interface ListOptions {
  state?: JobState[];
  fn?: string;
  search?: string;
  limit: number;
  json?: boolean;
}

/** `kairos jobs list`. */
function registerJobsList(jobs: Command, io: Io, withClient: WithClient): void {
  jobs
    .command("list")
    .description("list jobs, newest first")
    .option("--state <states>", "comma-separated states, e.g. failed,timed_out", statesFlag)
    .option("--fn <name>", "only jobs of this function")
    .option(
      "--search <text>",
      "a job id, or text in the idempotency key, function or error message (any case)",
    )
    .option("--limit <n>", "at most this many, 1 to 1000", intFlag("--limit", 1, 1000), 20)
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  kairos jobs list --state failed --limit 50\n  kairos jobs list --fn resize --json" +
        '\n  kairos jobs list --search "order-4711"\n  kairos jobs list --state failed --search timeout',
    )
    .action((opts: ListOptions) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const states = opts.state ?? [];
        const list = await client.jobs.list({
          ...(states.length ? { state: states } : {}),
          ...(opts.fn ? { fn: opts.fn } : {}),
          ...(opts.search ? { search: opts.search } : {}),
          limit: opts.limit,
        });
        if (opts.json) return io.out(JSON.stringify(list));
        io.out(
          table(
            ["ID", "FN", "STATE", "ATTEMPT", "RUN AT", "FINISHED", "ERROR"],
            list.map((j) => [
              j.id,
              j.fn,
              j.state,
              `${j.attempt}/${j.maxAttempts}`,
              iso(j.runAt),
              iso(j.finishedAt),
              j.error?.message.slice(0, 60) ?? "",
            ]),
          ),
        );
      }),
    );
}

/** `kairos jobs show`. */
function registerJobsShow(jobs: Command, io: Io, withClient: WithClient): void {
  jobs
    .command("show")
    .description("show one job with its attempts and logs")
    .argument("<id>", "job id")
    .option(
      "--logs <n|all>",
      `how many of the last log lines: a count, or "all" (up to ${MAX_LOG_LINES})`,
      logsFlag,
      DEFAULT_LOG_LINES,
    )
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  kairos jobs show 42\n  kairos jobs show 42 --logs all\n  kairos jobs show 42 --json",
    )
    .action((id: string, opts: { logs: number | "all"; json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const job = await client.jobs.get(id);
        if (!job) throw new NotFoundError(`no job with id ${id}`);
        const { logs, omitted } = lastLines(await client.jobs.logs(id, MAX_LOG_LINES), opts.logs);
        const attempts = await client.jobs.attempts(id);
        const waiting = isPending(job) ? await client.functions.waitingReason(job.fn) : null;
        const controlRequests = await client.jobs.requests(id);
        if (opts.json) {
          const shown = { ...job, attempts, logs, logsOmitted: omitted, waiting, controlRequests };
          return io.out(JSON.stringify(shown));
        }
        printJob(io, job, opts.logs === "all");
        if (waiting !== null) io.out(`waiting: ${waiting}`);
        printAttempts(io, attempts);
        printControlRequests(io, controlRequests);
        if (logs.length || omitted) io.out("logs:");
        if (omitted) {
          io.out(
            `  ... ${plural(omitted, "earlier line")} not shown (--logs all shows every line)`,
          );
        }
        const cut = opts.logs === "all" ? Infinity : MAX_SHOWN_LINE_CHARS;
        for (const l of logs)
          io.out(`  ${iso(l.at)} [${l.level}] (attempt ${l.attempt}) ${keepHead(l.message, cut)}`);
      }),
    );
}

/** Lines `jobs show` prints unless told otherwise. */
const DEFAULT_LOG_LINES = 100;
/** The most log lines a store returns for one read. */
const MAX_LOG_LINES = 100_000;
/** Longer log lines are cut unless `--logs all`. */
const MAX_SHOWN_LINE_CHARS = 1_000;

const logsFlag = (value: string): number | "all" => {
  if (value === "all") return "all";
  try {
    return intFlag("--logs", 0, MAX_LOG_LINES)(value);
  } catch {
    throw new InvalidArgumentError(
      `--logs must be "all" or an integer from 0 to ${MAX_LOG_LINES}, got ${JSON.stringify(value)}`,
    );
  }
};

/** The last `limit` lines, and how many earlier ones were left out. */
function lastLines<T>(lines: readonly T[], limit: number | "all"): { logs: T[]; omitted: number } {
  const keep = limit === "all" ? lines.length : Math.min(limit, lines.length);
  return { logs: lines.slice(lines.length - keep), omitted: lines.length - keep };
}

function keepHead(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more chars]`;
}

/** `kairos jobs cancel`. */
function registerJobsCancel(jobs: Command, io: Io, withClient: WithClient): void {
  jobs
    .command("cancel")
    .description("cancel a job: a pending one at once, a running one via its AbortSignal")
    .argument("<id>", "job id")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  kairos jobs cancel 42")
    .action((id: string, opts: { json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const res = await client.jobs.cancel(id);
        if (!res) throw new NotFoundError(`no job with id ${id}`);
        if (opts.json) return io.out(JSON.stringify(res));
        io.out(`job ${id}: ${res.outcome.replace("_", " ")} (state ${res.job.state})`);
      }),
    );
}

/** `kairos jobs stop` and `kairos jobs start` (docs/control.md). */
function registerJobsStopStart(jobs: Command, io: Io, withClient: WithClient): void {
  jobs
    .command("stop")
    .description(
      "stop a job: a waiting one at once, a running one via its AbortSignal (reason stop)",
    )
    .argument("<id>", "job id")
    .option("--json", "print the stop request as JSON")
    .addHelpText("after", "\nExamples:\n  kairos jobs stop 42\n  kairos jobs start 42   # later")
    .action((id: string, opts: { json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const request = await client.jobs.stop(id, { requestedBy: "cli" });
        if (opts.json) return io.out(JSON.stringify(request));
        io.out(
          request.status === "completed"
            ? `job ${id}: stopped (stop request ${request.id})`
            : `job ${id}: stop requested (request ${request.id}, pending until the worker running it stops it)`,
        );
      }),
    );
  jobs
    .command("start")
    .description("start a stopped job again, as its next generation, from its checkpoint")
    .argument("<id>", "job id")
    .option("--json", "print the start request as JSON")
    .addHelpText("after", "\nExamples:\n  kairos jobs start 42")
    .action((id: string, opts: { json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const request = await client.jobs.start(id, { requestedBy: "cli" });
        if (opts.json) return io.out(JSON.stringify(request));
        io.out(
          `job ${id}: start requested as generation ${request.generation} (request ${request.id}, ${request.status})`,
        );
      }),
    );
}

/** `kairos jobs why`: the summary, then one line per reason (code, message). */
function registerJobsWhy(jobs: Command, io: Io, withClient: WithClient): void {
  jobs
    .command("why")
    .description("say why a job is not running (or what it is doing, or how it ended)")
    .argument("<id>", "job id")
    .option("--json", "print JSON: { jobId, state, summary, reasons: [{ code, message }] }")
    .addHelpText("after", "\nExamples:\n  kairos jobs why 42\n  kairos jobs why 42 --json")
    .action((id: string, opts: { json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const why = await client.jobs.why(id);
        if (!why) throw new NotFoundError(`no job with id ${id}`);
        if (opts.json) return io.out(JSON.stringify(why));
        io.out(why.summary);
        const width = Math.max(...why.reasons.map((r) => r.code.length));
        for (const r of why.reasons) io.out(`  ${r.code.padEnd(width)}  ${r.message}`);
      }),
    );
}

/** `kairos enqueue`. */
function registerEnqueue(program: Command, io: Io, withClient: WithClient): void {
  program
    .command("enqueue")
    .description("enqueue a job of a function")
    .argument("<fn>", "function name")
    .option(
      "--payload <json>",
      "payload: JSON, @FILE to read it from a file, or - to read it from stdin",
      jsonFlag("--payload", io),
      {},
    )
    .option("--run-at <iso>", "not before this instant", instantFlag("--run-at"))
    .option("--priority <n>", "higher runs first", intFlag("--priority", MIN_INT32, MAX_INT32))
    .option("--idempotency-key <key>", "at most one job per key")
    .option("--allow-unknown", "accept a function no worker defines yet (its worker starts later)")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `\nExamples:\n  kairos enqueue send-report --payload '{"region":"eu"}'\n  kairos enqueue import --payload @batch.json\n  cat batch.json | kairos enqueue import --payload -\n  kairos enqueue cleanup --run-at 2026-12-01T03:00:00Z --idempotency-key cleanup-dec`,
    )
    .action(
      (
        fn: string,
        opts: {
          payload: unknown;
          runAt?: number;
          priority?: number;
          idempotencyKey?: string;
          allowUnknown?: boolean;
          json?: boolean;
        },
      ) =>
        withClient(opts, async ({ client }) => {
          const { payload, runAt, priority } = opts;
          const { jobs } = await client.enqueue(fn, [payload], {
            ...(runAt !== undefined ? { runAt } : {}),
            ...(priority !== undefined ? { priority } : {}),
            ...(opts.idempotencyKey !== undefined ? { idempotencyKey: opts.idempotencyKey } : {}),
            ...(opts.allowUnknown === true ? { allowUnknown: true } : {}),
          });
          const job = jobs[0];
          if (!job) throw new Error("unreachable: enqueue returned no job for one payload");
          if (opts.json) return io.out(JSON.stringify(job));
          io.out(`enqueued job ${job.id} (${job.fn}, ${job.state}, run at ${iso(job.runAt)})`);
        }),
    );
}

/** Waiting to run: scheduled, queued or retrying. */
function isPending(j: Job): boolean {
  return j.state === "queued" || j.state === "scheduled" || j.state === "retrying";
}

/** `api`, `schedule 3 slot 2024-01-01T00:00:00.000Z`, `schedule 3 (manual)`, `workflow r1 t1`. */
function formatOrigin(o: Job["origin"]): string {
  if (o.kind === "api") return "api";
  if (o.kind === "schedule") {
    const slot = o.key === null ? null : Number(o.key);
    const at =
      slot === null ? "(manual)" : Number.isSafeInteger(slot) ? `slot ${iso(slot)}` : o.key;
    return `schedule ${o.id ?? "-"} ${at}`;
  }
  return [o.kind, o.id, o.key].filter((part) => part !== null).join(" ");
}

/** Lines of `jobs show` longer than this, and multi-line errors, are cut unless `--logs all`. */
const SHOWN_ERROR_HINT = "--logs all shows everything";

function printJob(io: Io, j: Job, full: boolean): void {
  const shown = (text: string): string =>
    full ? text : boundedText(text, SHOWN_ERROR_HINT, " ".repeat(11));
  const rows: [string, unknown][] = [
    ["id", j.id],
    ["fn", j.fn],
    ["state", j.state],
    ["origin", formatOrigin(j.origin)],
    ["attempt", `${j.attempt}/${j.maxAttempts}`],
    ...(j.generation > 1 ? [["generation", j.generation] as [string, unknown]] : []),
    ["priority", j.priority],
    ["run at", iso(j.runAt)],
    ["created", iso(j.createdAt)],
    ["started", iso(j.startedAt)],
    ["finished", iso(j.finishedAt)],
    ["payload", shown(JSON.stringify(j.payload))],
    ["result", shown(JSON.stringify(j.result) ?? "null")],
    ["error", j.error ? shown(`${j.error.name}: ${j.error.message}`) : "-"],
    ["progress", j.progress ? `${j.progress.percent}% ${j.progress.message ?? ""}` : "-"],
  ];
  for (const [k, v] of rows) io.out(`${k.padEnd(10)} ${String(v)}`);
}

/** The attempts table of `jobs show`: one line per attempt, oldest first. */
function printAttempts(io: Io, attempts: readonly JobAttempt[]): void {
  if (attempts.length === 0) return;
  io.out("attempts:");
  const rows = attempts.map((a) => [
    String(a.attempt),
    a.workerId ?? "-",
    iso(a.startedAt),
    a.durationMs === null ? "-" : formatDuration(a.durationMs),
    a.outcome,
    a.error ? firstLine(`${a.error.name}: ${a.error.message}`) : "-",
  ]);
  const text = table(["ATTEMPT", "WORKER", "STARTED", "DURATION", "OUTCOME", "ERROR"], rows);
  for (const line of text.split("\n")) io.out(`  ${line}`);
}

/** `850 ms`, `12.3 s`. */
function formatDuration(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/** The first line of a message, at most 80 characters. */
function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
