/**
 * @module cli/commands/job-logs
 * `kairos jobs logs ID [--follow] [--json]`: a job's log lines, oldest first; with `--follow`
 * the lines written later too, read with `after` on each `job:log` event of the job (never
 * polled), until the job is in a final state (exit 0) or Ctrl-C.
 */
import type { Command } from "commander";
import { NotFoundError } from "../../core/errors.js";
import { isTerminal } from "../../core/jobs/states.js";
import type { JobLogLine } from "../../core/jobs/types.js";
import type { FeedEvent, KairosClient } from "../../runtime/client.js";
import type { WithClient } from "../context.js";
import { iso, type Io } from "../output.js";
import { jobStateAfter, untilStopped } from "./watch.js";

/** Lines per read; a longer log is read page by page. */
const PAGE = 1_000;

/**
 * A feed start past any event id: the feed answers it with a `reset` once the subscription is
 * pinned to its newest event, the moment to read the lines without a gap before the events.
 */
const PAST_THE_END = Number.MAX_SAFE_INTEGER;

/** How `jobs logs` prints. */
export interface JobLogsOptions {
  readonly json: boolean;
  readonly follow: boolean;
  /** Ends a follow early (the CLI aborts it on SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
}

/** `2026-12-04T10:31:00.402Z [info] (attempt 1) message`, or the line as JSON. */
export function formatLogLine(line: JobLogLine, json: boolean): string {
  if (json) return JSON.stringify(line);
  return `${iso(line.at)} [${line.level}] (attempt ${line.attempt}) ${line.message}`;
}

/** Reads a job's lines after a cursor and prints them, one read at a time. */
class LinePrinter {
  private cursor = 0;
  constructor(
    private readonly client: Pick<KairosClient, "jobs">,
    private readonly id: string,
    private readonly io: Io,
    private readonly json: boolean,
  ) {}

  /** Print every line written since the last read. */
  async printNewer(): Promise<void> {
    for (;;) {
      const lines = await this.client.jobs.logs(this.id, PAGE, this.cursor);
      for (const line of lines) {
        this.io.out(formatLogLine(line, this.json));
        if (line.seq !== undefined) this.cursor = Math.max(this.cursor, line.seq);
      }
      if (lines.length < PAGE) return;
    }
  }
}

/**
 * Print the log lines of job `id`; with `follow`, keep printing new ones until the job is in
 * a final state (the remaining lines are read first) or `signal` aborts. Throws NotFoundError
 * for an unknown job.
 */
export async function printJobLogs(
  client: Pick<KairosClient, "jobs" | "subscribe">,
  id: string,
  io: Io,
  options: JobLogsOptions,
): Promise<void> {
  const job = await client.jobs.get(id);
  if (!job) throw new NotFoundError(`no job with id ${id}`);
  const printer = new LinePrinter(client, id, io, options.json);
  if (!options.follow || isTerminal(job.state)) return printer.printNewer();
  const signal = options.signal ?? new AbortController().signal;
  io.err(`kairos: following the log of job ${id} until it ends (Ctrl-C to stop)`);
  const ends = async (event: FeedEvent): Promise<boolean> => {
    const state = jobStateAfter(event);
    if (state === null || !isTerminal(state)) return false;
    const now = await client.jobs.get(id);
    return now === null || isTerminal(now.state);
  };
  try {
    const feed = client.subscribe(
      { kinds: ["job"], fns: [job.fn] },
      { after: PAST_THE_END, signal },
    );
    for await (const item of feed) {
      if (signal.aborted) return;
      if (item.type === "reset") {
        await printer.printNewer();
        // Ended between the first read of the job and the subscription.
        if (isTerminal((await client.jobs.get(id))?.state ?? "succeeded")) return;
        continue;
      }
      if (item.event.subject !== id) continue;
      if (item.event.name === "job:log") await printer.printNewer();
      else if (await ends(item.event)) return printer.printNewer();
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

/** Register `kairos jobs logs`. */
export function registerJobsLogs(jobs: Command, io: Io, withClient: WithClient): void {
  jobs
    .command("logs")
    .description("print a job's log lines; --follow prints new ones until the job ends")
    .argument("<id>", "job id")
    .option("-f, --follow", "keep printing lines as they are written, until the job ends")
    .option("--json", "print one JSON object per line")
    .addHelpText(
      "after",
      "\nExamples:\n  kairos jobs logs 42\n  kairos jobs logs 42 --follow\n  kairos jobs logs 42 --json",
    )
    .action((id: string, opts: { follow?: boolean; json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const options = { json: opts.json === true, follow: opts.follow === true };
        if (!options.follow) return printJobLogs(client, id, io, options);
        await untilStopped((signal) => printJobLogs(client, id, io, { ...options, signal }));
      }),
    );
}
