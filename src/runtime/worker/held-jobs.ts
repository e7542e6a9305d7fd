/**
 * @module runtime/worker/held-jobs
 * The jobs a worker pool holds under a lease: those running here (one execution each) and
 * those claimed ahead and not yet started (prefetched, in claim order).
 */
import { KairosError } from "../../core/errors.js";
import type { ClaimedJob } from "../../ports/job-store.js";
import type { JobExecution } from "./job-execution.js";

/** A held job's lease, as renewals need it. */
export interface HeldLease {
  readonly jobId: string;
  readonly leaseToken: string;
}

/** A job whose lease was lost; `generation` of its run, null for a buffered job (not started). */
export interface LostJob {
  readonly job: ClaimedJob;
  readonly generation: number | null;
}

/** What a pool holds; see the module header. */
export class HeldJobs {
  readonly active = new Map<string, JobExecution>();
  /** Claimed, not yet started (prefetched); leased like running jobs. */
  buffer: ClaimedJob[] = [];

  /** The leases to renew: every running job not yet decided, and every buffered one. */
  leases(): HeldLease[] {
    const held: HeldLease[] = [];
    for (const e of this.active.values()) {
      if (!e.decided) held.push({ jobId: e.job.id, leaseToken: e.job.leaseToken });
    }
    for (const job of this.buffer) held.push({ jobId: job.id, leaseToken: job.leaseToken });
    return held;
  }

  /** True while the job runs here or waits in the buffer. */
  has(jobId: string): boolean {
    return this.active.has(jobId) || this.buffer.some((j) => j.id === jobId);
  }

  /** Take a buffered job out (it will not start here); undefined when not buffered. */
  takeBuffered(jobId: string): ClaimedJob | undefined {
    const at = this.buffer.findIndex((j) => j.id === jobId);
    return at < 0 ? undefined : this.buffer.splice(at, 1)[0];
  }

  /**
   * These jobs' leases are gone: forget the buffered ones, abort the running ones' attempts.
   * Returns the held ones it dropped.
   */
  dropLost(jobIds: readonly string[]): LostJob[] {
    const lost = new Set(jobIds);
    const dropped: LostJob[] = this.buffer
      .filter((job) => lost.has(job.id))
      .map((job) => ({ job, generation: null }));
    this.buffer = this.buffer.filter((job) => !lost.has(job.id));
    for (const id of jobIds) {
      const execution = this.active.get(id);
      if (!execution) continue;
      dropped.push({ job: execution.job, generation: execution.control.generation });
      execution.abort(new KairosError("JOB_CANCELLED", "lease lost: the job was taken over"), {
        kind: "lease_lost",
      });
    }
    return dropped;
  }
}
