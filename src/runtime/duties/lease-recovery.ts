/**
 * @module runtime/duties/lease-recovery
 * The leader's lease-recovery duty: finish jobs whose worker vanished (its lease expired
 * without renewal) — cancelled if a cancel was requested, retried while attempts remain, else
 * failed with reason `worker_lost`. The decision is `decideFinalization` on the job's own
 * stamped policy, so recovery retries exactly as the job's worker would have. The write is a
 * compare-and-set on the dead lease's token: a worker that comes back loses the race and drops
 * its result. The store records the ended attempt with outcome `worker_lost` (`workerLost`).
 *
 * A job whose stop was recorded but never carried out (its process died first) is not retried:
 * it ends `stopped` under the dead lease, its stop completed, so a stop is never lost.
 *
 * It runs on the leader whether or not that process also runs workers. Jobs leased by this
 * process's own workers are left alone (their heartbeat renews them; a late heartbeat is not a
 * dead worker).
 */
import { decideFinalization } from "../../core/jobs/finalization.js";
import type { RandomSource } from "../../core/retry/backoff.js";
import type { KairosEventMap } from "../../ports/events.js";
import type { FinalizeRequest, StoredJob } from "../../ports/job-store.js";
import type { Logger } from "../../ports/logger.js";
import type { LeaderDuty } from "../leader-duties.js";

/** The narrow capabilities the duty is handed. */
export interface LeaseRecoveryCapabilities {
  /** Running jobs whose lease expired before `now`, oldest first. */
  listExpired(now: number, limit: number): Promise<StoredJob[]>;
  /** Apply finalizations guarded by lease token; whether each applied. */
  finalize(requests: readonly FinalizeRequest[], now: number): Promise<boolean[]>;
  /** True when the job is leased by a worker of this process. */
  isRunningHere(jobId: string): boolean;
  now(): number;
  random: RandomSource;
  /** A job was recovered (event `job:recovered`). */
  recovered(event: KairosEventMap["job:recovered"]): void;
  /** A recovered job is due again at `runAt` (wake local workers). */
  due(runAt: number): void;
  logger: Logger;
  /** Of these jobs, those with a stop pending (absent: the store keeps no control requests). */
  stopsRequested?(jobIds: readonly string[]): Promise<string[]>;
  /** End a job `stopped` under its lease, its stop completed; null when that lease is gone. */
  completeStop?(jobId: string, leaseToken: string, now: number): Promise<StoredJob | null>;
}

/** Expired leases handled per pass at most; the next pass takes the rest. */
const BATCH = 500;

/** The duty; `intervalMs` is how often it looks for expired leases. */
export function createLeaseRecoveryDuty(
  caps: LeaseRecoveryCapabilities,
  intervalMs: number,
): LeaderDuty & { recoverNow(): Promise<number> } {
  const recoverNow = async (): Promise<number> => {
    const now = caps.now();
    const found = await caps.listExpired(now, BATCH);
    const orphans = found.filter((job) => job.leaseToken !== null && !caps.isRunningHere(job.id));
    const stopped = await stopPending(caps, orphans, now);
    const expired = orphans.filter((job) => !stopped.has(job.id));
    const decided = expired.flatMap((job) => {
      if (job.leaseToken === null) return [];
      const decision = decideFinalization(
        job,
        { kind: "lease_expired" },
        now,
        caps.random,
        job.cancelRequestedAt !== null,
      );
      return decision.action === "write"
        ? [{ job, token: job.leaseToken, finalization: decision.finalization }]
        : [];
    });
    if (decided.length === 0) return stopped.size;
    const applied = await caps.finalize(
      decided.map((d) => ({
        jobId: d.job.id,
        leaseToken: d.token,
        outcome: d.finalization,
        workerLost: true,
      })),
      now,
    );
    let recovered = stopped.size;
    decided.forEach(({ job, finalization }, i) => {
      if (!applied[i]) return;
      recovered++;
      caps.recovered({
        jobId: job.id,
        fn: job.fn,
        attempt: job.attempt,
        at: now,
        outcome:
          finalization.kind === "retrying"
            ? "retrying"
            : finalization.kind === "cancelled"
              ? "cancelled"
              : "failed",
      });
      if (finalization.kind === "retrying") caps.due(finalization.runAt);
    });
    if (recovered > 0) {
      caps.logger.warn({ recovered }, "recovered jobs whose worker stopped renewing its lease");
    }
    return recovered;
  };
  return {
    name: "lease-recovery",
    intervalMs,
    recoverNow,
    run: async () => {
      await recoverNow();
    },
  };
}

/** Carry out the pending stops of `jobs` (their worker died first); the ids stopped. */
async function stopPending(
  caps: LeaseRecoveryCapabilities,
  jobs: readonly StoredJob[],
  now: number,
): Promise<Set<string>> {
  const done = new Set<string>();
  if (!caps.stopsRequested || !caps.completeStop || jobs.length === 0) return done;
  const pending = new Set(await caps.stopsRequested(jobs.map((j) => j.id)));
  for (const job of jobs) {
    if (!pending.has(job.id) || job.leaseToken === null) continue;
    if ((await caps.completeStop(job.id, job.leaseToken, now)) === null) continue;
    done.add(job.id);
    caps.recovered({
      jobId: job.id,
      fn: job.fn,
      attempt: job.attempt,
      at: now,
      outcome: "stopped",
    });
  }
  return done;
}
