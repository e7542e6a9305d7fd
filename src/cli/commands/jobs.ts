/**
 * @module cli/commands/jobs
 * `kairos jobs list|show|cancel` and `kairos enqueue FN --payload JSON`.
 */
import type { Command } from "commander";
import { NotFoundError, ValidationError } from "../../core/errors.js";
import { isJobState, type JobState } from "../../core/jobs/states.js";
import type { Job } from "../../runtime/kairos.js";
import { iso, table, type Io } from "../output.js";
import type { WithEngine } from "../context.js";

/** Register `kairos jobs ...` and `kairos enqueue`. */
export function registerJobs(program: Command, io: Io, withEngine: WithEngine): void {
  const jobs = program.command("jobs").description("list, show and cancel jobs");
  registerJobsList(jobs, io, withEngine);
  registerJobsShow(jobs, io, withEngine);
  registerJobsCancel(jobs, io, withEngine);
  registerEnqueue(program, io, withEngine);
}

/** `kairos jobs list`. */
function registerJobsList(jobs: Command, io: Io, withEngine: WithEngine): void {
  jobs
    .command("list")
    .description("list jobs, newest first")
    .option("--state <states>", "comma-separated states, e.g. failed,timed_out")
    .option("--fn <name>", "only jobs of this function")
    .option("--limit <n>", "at most this many", "20")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  kairos jobs list --state failed --limit 50\n  kairos jobs list --fn resize --json",
    )
    .action((opts: { state?: string; fn?: string; limit: string; json?: boolean }) =>
      withEngine(opts, async ({ kairos }) => {
        const states = opts.state?.split(",").map((s) => s.trim()) ?? [];
        for (const s of states)
          if (!isJobState(s)) throw new ValidationError(`unknown state "${s}"`);
        const list = await kairos.jobs.list({
          ...(states.length ? { state: states as JobState[] } : {}),
          ...(opts.fn ? { fn: opts.fn } : {}),
          limit: Number(opts.limit),
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
function registerJobsShow(jobs: Command, io: Io, withEngine: WithEngine): void {
  jobs
    .command("show")
    .description("show one job with its logs")
    .argument("<id>", "job id")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  kairos jobs show 42\n  kairos jobs show 42 --json")
    .action((id: string, opts: { json?: boolean }) =>
      withEngine(opts, async ({ kairos }) => {
        const job = await kairos.jobs.get(id);
        if (!job) throw new NotFoundError(`no job with id ${id}`);
        const logs = await kairos.jobs.logs(id);
        const waiting = isPending(job) ? await kairos.functions.waitingReason(job.fn) : null;
        if (opts.json) return io.out(JSON.stringify({ ...job, logs, waiting }));
        printJob(io, job);
        if (waiting !== null) io.out(`waiting: ${waiting}`);
        if (logs.length) {
          io.out("logs:");
          for (const l of logs)
            io.out(`  ${iso(l.at)} [${l.level}] (attempt ${l.attempt}) ${l.message}`);
        }
      }),
    );
}

/** `kairos jobs cancel`. */
function registerJobsCancel(jobs: Command, io: Io, withEngine: WithEngine): void {
  jobs
    .command("cancel")
    .description("cancel a job: a pending one at once, a running one via its AbortSignal")
    .argument("<id>", "job id")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  kairos jobs cancel 42")
    .action((id: string, opts: { json?: boolean }) =>
      withEngine(opts, async ({ kairos }) => {
        const res = await kairos.jobs.cancel(id);
        if (!res) throw new NotFoundError(`no job with id ${id}`);
        if (opts.json) return io.out(JSON.stringify(res));
        io.out(`job ${id}: ${res.outcome.replace("_", " ")} (state ${res.job.state})`);
      }),
    );
}

/** `kairos enqueue`. */
function registerEnqueue(program: Command, io: Io, withEngine: WithEngine): void {
  program
    .command("enqueue")
    .description("enqueue a job of a function")
    .argument("<fn>", "function name")
    .option("--payload <json>", "payload as JSON", "{}")
    .option("--run-at <iso>", "not before this instant")
    .option("--priority <n>", "higher runs first")
    .option("--idempotency-key <key>", "at most one job per key")
    .option("--allow-unknown", "accept a function no worker defines yet (its worker starts later)")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `\nExamples:\n  kairos enqueue send-report --payload '{"region":"eu"}'\n  kairos enqueue cleanup --run-at 2026-12-01T03:00:00Z --idempotency-key cleanup-dec`,
    )
    .action(
      (
        fn: string,
        opts: {
          payload: string;
          runAt?: string;
          priority?: string;
          idempotencyKey?: string;
          allowUnknown?: boolean;
          json?: boolean;
        },
      ) =>
        withEngine(opts, async ({ kairos }) => {
          let payload: unknown;
          try {
            payload = JSON.parse(opts.payload);
          } catch (error) {
            throw new ValidationError(`--payload is not valid JSON: ${(error as Error).message}`);
          }
          const runAt = opts.runAt === undefined ? undefined : Date.parse(opts.runAt);
          if (runAt !== undefined && Number.isNaN(runAt)) {
            throw new ValidationError(`--run-at must be an ISO-8601 instant, got ${opts.runAt}`);
          }
          const job = await kairos.enqueue(fn, payload, {
            ...(runAt !== undefined ? { runAt } : {}),
            ...(opts.priority !== undefined ? { priority: Number(opts.priority) } : {}),
            ...(opts.idempotencyKey !== undefined ? { idempotencyKey: opts.idempotencyKey } : {}),
            ...(opts.allowUnknown === true ? { allowUnknown: true } : {}),
          });
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

function printJob(io: Io, j: Job): void {
  const rows: [string, unknown][] = [
    ["id", j.id],
    ["fn", j.fn],
    ["state", j.state],
    ["origin", formatOrigin(j.origin)],
    ["attempt", `${j.attempt}/${j.maxAttempts}`],
    ["priority", j.priority],
    ["run at", iso(j.runAt)],
    ["created", iso(j.createdAt)],
    ["started", iso(j.startedAt)],
    ["finished", iso(j.finishedAt)],
    ["payload", JSON.stringify(j.payload)],
    ["result", JSON.stringify(j.result)],
    ["error", j.error ? `${j.error.name}: ${j.error.message}` : "-"],
    ["progress", j.progress ? `${j.progress.percent}% ${j.progress.message ?? ""}` : "-"],
  ];
  for (const [k, v] of rows) io.out(`${k.padEnd(10)} ${String(v)}`);
}
