/**
 * @module cli/commands/stats
 * `kairos stats [--window 1h] [--bucket 1m] [--json]`: jobs enqueued and finished over a
 * window (totals and a per-bucket sparkline), live jobs by state and the queues (depth and
 * oldest waiting per function): `client.stats`, GET /stats against a server.
 */
import type { Command } from "commander";
import type { JobStats } from "../../runtime/client.js";
import type { WithClient } from "../context.js";
import { durationFlag } from "../flags.js";
import { iso, table, type Io } from "../output.js";

const BARS = "▁▂▃▄▅▆▇█";

/** One character per value, scaled to the largest (blank for zero). */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values
    .map((v) => (v <= 0 || max === 0 ? " " : BARS[Math.min(7, Math.floor((v / max) * 7.999))]))
    .join("");
}

/** The human output of `kairos stats`. */
export function formatStats(stats: JobStats): string {
  const b = stats.buckets;
  const sum = (k: "enqueued" | "succeeded" | "failed" | "cancelled") =>
    b.reduce((n, x) => n + x[k], 0);
  const rows = [
    ["enqueued", sum("enqueued"), sparkline(b.map((x) => x.enqueued))],
    ["succeeded", sum("succeeded"), sparkline(b.map((x) => x.succeeded))],
    ["failed", sum("failed"), sparkline(b.map((x) => x.failed))],
    ["cancelled", sum("cancelled"), sparkline(b.map((x) => x.cancelled))],
  ];
  const head = `last ${stats.windowMs / 60_000} min in ${stats.bucketMs / 60_000} min buckets, to ${iso(stats.at)}`;
  const live = stats.live.jobs.map((j) => [j.fn, j.state, j.count]);
  const queues = stats.live.queues.map((q) => [q.fn, q.depth, iso(q.oldestRunAt)]);
  return [
    head,
    table(["JOBS", "TOTAL", "PER BUCKET"], rows),
    "",
    live.length === 0 ? "no live jobs" : table(["FUNCTION", "STATE", "COUNT"], live),
    "",
    queues.length === 0
      ? "no job is waiting for a worker"
      : table(["FUNCTION", "WAITING", "OLDEST WAITING SINCE"], queues),
  ].join("\n");
}

/** Register `kairos stats`. */
export function registerStats(program: Command, io: Io, withClient: WithClient): void {
  program
    .command("stats")
    .description("jobs enqueued and finished per minute, live jobs and queue depth")
    .option(
      "--window <duration>",
      "how far back (default 1h, at most 24h)",
      durationFlag("--window"),
    )
    .option(
      "--bucket <duration>",
      "bucket width (default 1m, at least 1m)",
      durationFlag("--bucket"),
    )
    .option("--json", "print JSON")
    .action((opts: { window?: number; bucket?: number; json?: boolean }) =>
      withClient(opts, async ({ client }) => {
        const stats = await client.stats({
          ...(opts.window !== undefined ? { windowMs: opts.window } : {}),
          ...(opts.bucket !== undefined ? { bucketMs: opts.bucket } : {}),
        });
        io.out(opts.json ? JSON.stringify(stats) : formatStats(stats));
      }),
    );
}
