/**
 * @module cli/commands/watch
 * `kairos jobs watch` and `kairos runs watch`: follow the event feed (of a local store or a
 * server) from now on, one line per event, until SIGINT/SIGTERM (exit 0).
 */
import type { Command } from "commander";
import type { JobState } from "../../core/jobs/states.js";
import type { FeedEvent, FeedFilter, KairosClient } from "../../runtime/client.js";
import type { WithClient } from "../context.js";
import { clockTime } from "../dev/format.js";
import { statesFlag } from "../flags.js";
import { iso, type Io } from "../output.js";

/** How a watch follows the feed. */
export interface FollowOptions {
  readonly json: boolean;
  /** Ends the watch (the CLI aborts it on SIGINT/SIGTERM). */
  readonly signal: AbortSignal;
  /** Only events this accepts are printed (filters the feed cannot apply itself). */
  readonly accept?: (event: FeedEvent) => boolean;
}

/**
 * Print each event of `client.subscribe(filter)` from now on as a line (JSON with `json`)
 * until `signal` aborts (a start note goes to stderr); a reset (events lost to retention, or a replaced store) is a note on
 * stderr. Resolves when aborted; rethrows a feed error that was not caused by the abort.
 */
export async function followFeed(
  client: Pick<KairosClient, "subscribe">,
  filter: FeedFilter,
  io: Io,
  options: FollowOptions,
): Promise<void> {
  const { signal } = options;
  io.err("kairos: watching events from now on (Ctrl-C to stop)");
  try {
    for await (const item of client.subscribe(filter, { after: "now", signal })) {
      if (signal.aborted) break;
      if (item.type === "reset") {
        io.err(
          "kairos: note: some events were missed (removed by retention, or the store was " +
            "replaced); the watch continues with the oldest event the feed still holds",
        );
        continue;
      }
      if (options.accept && !options.accept(item.event)) continue;
      io.out(options.json ? JSON.stringify(item.event) : formatFeedLine(item.event));
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

/** `10:31:00.402 job:succeeded   job 52 hello  in 392 ms` (local wall-clock time). */
export function formatFeedLine(e: FeedEvent): string {
  const target = e.data["targetKind"] === "run" ? "run" : "job";
  const prefix = e.kind === "control" ? target : e.kind;
  const subject =
    e.subject === null ? "" : `${e.kind === "schedule" ? "" : `${prefix} `}${e.subject}`;
  const owner = e.kind === "run" ? e.workflow : e.fn;
  const parts = [subject, owner ?? "", detail(e)].filter((p) => p !== "");
  return `${clockTime(e.at.getTime())} ${e.name.padEnd(18)} ${parts.join("  ")}`.trimEnd();
}

/** The short detail of an event, from its data. */
function detail(e: FeedEvent): string {
  const d = e.data;
  const error = d["error"] as { name?: unknown; message?: unknown } | undefined;
  const errorText =
    error && typeof error.message === "string"
      ? `${typeof error.name === "string" ? `${error.name}: ` : ""}${error.message.split("\n", 1)[0] ?? ""}`
      : "";
  const num = (key: string): number | null => (typeof d[key] === "number" ? d[key] : null);
  const str = (key: string, absent: string): string =>
    typeof d[key] === "string" ? d[key] : absent;
  switch (e.name) {
    case "job:queued":
      return `run at ${iso(num("runAt"))}`;
    case "job:started":
      return `attempt ${num("attempt") ?? "?"} on ${str("workerId", "?")}`;
    case "job:succeeded":
      return `in ${num("durationMs") ?? "?"} ms`;
    case "job:retrying":
      return `${errorText}; retry at ${iso(num("runAt"))}`;
    case "job:failed":
    case "job:timed_out":
      return errorText;
    case "job:progress":
      return `${num("percent") ?? "?"}%${typeof d["message"] === "string" ? ` ${d["message"]}` : ""}`;
    case "job:recovered":
      return `-> ${str("outcome", "?")}`;
    case "job:stopped":
      return `by ${str("by", "?")}`;
    case "job:stale_report":
      return `${str("kind", "?")} of generation ${num("generation") ?? "?"} dropped`;
    case "control:requested":
    case "control:resolved": {
      const error = typeof d["error"] === "string" ? `: ${d["error"]}` : "";
      return `${str("kind", "?")} g${num("generation") ?? "?"} ${str("status", "?")} by ${str("requestedBy", "?")}${error}`;
    }
    case "schedule:fired":
    case "schedule:skipped":
    case "schedule:missed":
      return `slot ${iso(num("slotAt"))}`;
    case "run:created":
      return `logical date ${iso(num("logicalDate"))}`;
    case "run:finished":
      return str("state", "");
    default:
      return typeof d["reason"] === "string"
        ? d["reason"]
        : typeof d["message"] === "string"
          ? d["message"]
          : "";
  }
}

/** The state a job event leaves its job in (for `jobs watch --state`), or null. */
export function jobStateAfter(e: FeedEvent): JobState | null {
  switch (e.name) {
    case "job:queued": {
      const runAt = e.data["runAt"];
      return typeof runAt === "number" && runAt > e.at.getTime() ? "scheduled" : "queued";
    }
    case "job:started":
    case "job:progress":
      return "running";
    case "job:released":
      return "queued";
    case "job:recovered": {
      const outcome = e.data["outcome"];
      return outcome === "retrying" ||
        outcome === "failed" ||
        outcome === "cancelled" ||
        outcome === "stopped"
        ? outcome
        : null;
    }
    case "job:stopped":
      return "stopped";
    case "job:succeeded":
    case "job:failed":
    case "job:retrying":
    case "job:timed_out":
    case "job:cancelled":
      return e.name.slice("job:".length) as JobState;
    default:
      return null;
  }
}

/**
 * Follow until SIGINT or SIGTERM. The feed's own timers are unref'd (a library must not hold
 * its process open), so a ref'd timer keeps the CLI alive while it watches.
 */
export async function untilStopped(run: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    await run(controller.signal);
  } finally {
    clearInterval(keepAlive);
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

/** Register `kairos jobs watch`. */
export function registerJobsWatch(jobs: Command, io: Io, withClient: WithClient): void {
  jobs
    .command("watch")
    .description("print job events as they happen (every process and replica) until Ctrl-C")
    .option("--fn <name>", "only jobs of this function")
    .option("--state <states>", "only events that leave a job in these states", statesFlag)
    .option("--json", "print one JSON object per event")
    .addHelpText(
      "after",
      "\nExamples:\n  kairos jobs watch\n  kairos jobs watch --fn resize --state failed,timed_out --json",
    )
    .action((opts: { fn?: string; state?: JobState[]; json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const states = opts.state ?? [];
        // Stop and start requests of jobs (kind `control`) are job events here too.
        const filter: FeedFilter = {
          kinds: ["job", "control"],
          ...(opts.fn ? { fns: [opts.fn] } : {}),
        };
        const accept = (e: FeedEvent): boolean =>
          (e.kind !== "control" || e.data["targetKind"] === "job") &&
          (states.length === 0 || states.includes(jobStateAfter(e) as JobState));
        await untilStopped((signal) =>
          followFeed(client, filter, io, { json: opts.json === true, signal, accept }),
        );
      }),
    );
}

/** Register `kairos runs watch`. */
export function registerRunsWatch(runs: Command, io: Io, withClient: WithClient): void {
  runs
    .command("watch")
    .description("print workflow run events as they happen until Ctrl-C")
    .option("--workflow <name>", "only this workflow's runs")
    .option("--json", "print one JSON object per event")
    .addHelpText(
      "after",
      "\nExamples:\n  kairos runs watch\n  kairos runs watch --workflow etl --json",
    )
    .action((opts: { workflow?: string; json?: boolean }) =>
      withClient({ ...opts, mustExist: true }, async ({ client }) => {
        const filter: FeedFilter = {
          kinds: ["run"],
          ...(opts.workflow ? { workflows: [opts.workflow] } : {}),
        };
        await untilStopped((signal) =>
          followFeed(client, filter, io, { json: opts.json === true, signal }),
        );
      }),
    );
}
