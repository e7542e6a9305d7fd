/**
 * @module cli/dev/watch
 * What `kairos dev` prints while it runs: one line per engine event worth a human's attention.
 */
import type { KairosEventMap } from "../../index.js";
import type { Kairos } from "../../runtime/kairos.js";
import type { Io } from "../output.js";
import { boundedError, clockTime } from "./format.js";

/**
 * Print the engine's events as they happen; lines go to `io.out`, stamped with local time
 * (`kairos dev`'s start line names the zone). Job errors print their first and last lines.
 */
export function watchEngine(kairos: Kairos, io: Io): void {
  const t = clockTime;
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
    io.out(`${t(e.at)} started   ${e.fn} job ${e.jobId} on ${e.workerId}`),
  );
  kairos.on("job:succeeded", (e) =>
    io.out(`${t(e.at)} succeeded ${e.fn} job ${e.jobId} in ${e.durationMs} ms`),
  );
  kairos.on("job:retrying", (e) =>
    io.out(
      `${t(e.at)} retrying  ${e.fn} job ${e.jobId}: ${boundedError(e.error.message, e.jobId)}`,
    ),
  );
  kairos.on("job:failed", (e) =>
    io.out(
      `${t(e.at)} failed    ${e.fn} job ${e.jobId}: ${boundedError(e.error.message, e.jobId)}`,
    ),
  );
  kairos.on("job:cancelled", (e) => io.out(`${t(e.at)} cancelled ${e.fn} job ${e.jobId}`));
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
