/**
 * @module cli/dev/watch
 * What `kairos dev` prints while it runs: one line per engine event worth a human's attention.
 */
import type { KairosEventMap } from "../../index.js";
import type { Kairos } from "../../runtime/kairos.js";
import type { Io } from "../output.js";
import { boundedError, clockTime } from "./format.js";
import { RateLimitedLines } from "./rate-limited.js";
import { watchRuns } from "./workflow-lines.js";

/**
 * Print the engine's events as they happen; lines go to `io.out`, stamped with local time
 * (`kairos dev`'s start line names the zone). Job errors print their first and last lines.
 */
export function watchEngine(kairos: Pick<Kairos, "on">, io: Io): void {
  const t = clockTime;
  const runs = watchRuns(kairos, io, t);
  kairos.on("schedule:fired", (e) =>
    io.out(
      `${t(e.at)} fired     ${e.schedule} slot ${new Date(e.slotAt).toISOString()} -> job ${e.jobId}${e.catchUp ? " (catch-up)" : ""}`,
    ),
  );
  kairos.on("schedule:skipped", (e) =>
    io.out(
      `${t(e.at)} skipped   ${e.schedule} slot ${new Date(e.slotAt).toISOString()} (${e.reason}${blocked(e.blockedBy, t)})`,
    ),
  );
  kairos.on("schedule:missed", (e) =>
    io.out(
      `${t(e.at)} missed    ${e.schedule} slot ${new Date(e.slotAt).toISOString()} (${e.reason})`,
    ),
  );
  kairos.on("schedule:error", (e) => io.out(`${t(e.at)} error     ${e.schedule}: ${e.message}`));
  kairos.on("schedule:paused", (e) =>
    io.out(`${t(e.at)} paused    ${e.schedule}${e.note ? `: ${e.note}` : ""}`),
  );
  kairos.on("schedule:resumed", (e) =>
    io.out(`${t(e.at)} resumed   ${e.schedule}${e.note ? `: ${e.note}` : ""}`),
  );
  kairos.on("leader:elected", (e) =>
    io.out(
      `${t(e.at)} leader    this process now runs the leader duties (scheduler, lease recovery, retention)`,
    ),
  );
  kairos.on("leader:standby", (e) =>
    io.out(
      `${t(e.at)} standby   ${e.holderPid === null ? "another process" : `another process (${e.holder})`} leads; this one takes over when it stops`,
    ),
  );
  kairos.on("leader:lost", (e) =>
    io.out(`${t(e.at)} follower  leadership lost (${e.reason}); leader duties stopped`),
  );
  kairos.on("job:started", (e) =>
    io.out(`${t(e.at)} started   ${e.fn} job ${e.jobId}${runs.tag(e.origin)} on ${e.workerId}`),
  );
  kairos.on("job:succeeded", (e) =>
    io.out(
      `${t(e.at)} succeeded ${e.fn} job ${e.jobId}${runs.tag(e.origin)} in ${e.durationMs} ms`,
    ),
  );
  kairos.on("job:retrying", (e) =>
    io.out(
      `${t(e.at)} retrying  ${e.fn} job ${e.jobId}${runs.tag(e.origin)}: ${boundedError(e.error.message, e.jobId)}`,
    ),
  );
  kairos.on("job:failed", (e) =>
    io.out(
      `${t(e.at)} failed    ${e.fn} job ${e.jobId}${runs.tag(e.origin)}: ${boundedError(e.error.message, e.jobId)}`,
    ),
  );
  kairos.on("job:cancelled", (e) =>
    io.out(`${t(e.at)} cancelled ${e.fn} job ${e.jobId}${runs.tag(e.origin)}`),
  );
  kairos.on("job:stopped", (e) =>
    io.out(
      `${t(e.at)} stopped   ${e.fn} job ${e.jobId}${runs.tag(e.origin)} (start it again to resume)`,
    ),
  );
  kairos.on("control:requested", (e) =>
    io.out(
      `${t(e.at)} ${e.kind.padEnd(9)} ${e.targetKind} ${e.targetId} generation ${e.generation} requested by ${e.requestedBy}`,
    ),
  );
  kairos.on("control:resolved", (e) => {
    if (e.status === "failed") {
      io.out(
        `${t(e.at)} ${e.kind.padEnd(9)} ${e.targetKind} ${e.targetId} generation ${e.generation} failed: ${e.error ?? ""}`,
      );
    }
  });
  watchTrouble(kairos, io);
}

/**
 * Print store outages, internal errors, lease recoveries, hand-backs and drain timeouts.
 * Repeats are rate-limited (one line per kind per few seconds, with a count of the
 * suppressed ones): a loop failing on every pass cannot flood the terminal. While the store
 * is failing, every error counts as one kind, `store`.
 */
export function watchTrouble(kairos: Pick<Kairos, "on">, io: Io): void {
  const t = (ms: number) => new Date(ms).toISOString().slice(11, 23);
  const lines = new RateLimitedLines((line) => io.out(line));
  const down = new Set<string>();
  kairos.on("store:error", (e) => {
    down.add(e.where);
    lines.line(
      "store",
      e.at,
      `${t(e.at)} store     ${e.where} failed: ${messageOf(e.error)}; retrying (jobs wait until the store works again)`,
    );
  });
  kairos.on("store:recovered", (e) => {
    down.delete(e.where);
    lines.line(
      `recovered:${e.where}`,
      e.at,
      `${t(e.at)} store     writable again: ${e.where} works after ${seconds(e.downForMs)} (${e.failures} failed ${e.failures === 1 ? "call" : "calls"})`,
    );
  });
  kairos.on("worker:error", (e) =>
    lines.line(
      down.size > 0 ? "store" : `error:${e.where}`,
      e.at,
      `${t(e.at)} error     ${e.where}: ${messageOf(e.error)}`,
    ),
  );
  kairos.on("job:recovered", (e) =>
    lines.line(
      "job:recovered",
      e.at,
      `${t(e.at)} recovered ${e.fn} job ${e.jobId}: its worker vanished (lease expired); ${e.outcome}`,
    ),
  );
  kairos.on("job:released", (e) =>
    lines.line(
      "job:released",
      e.at,
      `${t(e.at)} released  ${e.fn} job ${e.jobId} handed back to the queue`,
    ),
  );
  kairos.on("worker:drain_timeout", (e) => {
    const jobs = e.jobs.map((j) => `${j.fn} job ${j.jobId}`).join(", ");
    const why = e.forced ? "drain cut short" : `drain timed out after ${seconds(e.drainMs)}`;
    io.out(`${t(e.at)} drain     ${why}; still running, handed back: ${jobs}`);
  });
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message;
  }
  return String(error);
}

function seconds(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/** ": job 42 running, lease until 10:31:05.000" for an overlap skip that names its job. */
function blocked(
  by: KairosEventMap["schedule:skipped"]["blockedBy"],
  t: (ms: number) => string,
): string {
  if (by === undefined) return "";
  const lease = by.leaseExpiresAt === null ? "" : `, lease until ${t(by.leaseExpiresAt)}`;
  return `: job ${by.jobId} ${by.state ?? "active"}${lease}`;
}
