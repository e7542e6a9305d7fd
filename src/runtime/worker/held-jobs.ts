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

  /** These jobs' leases are gone: forget the buffered ones, abort the running ones' attempts. */
  dropLost(jobIds: readonly string[]): void {
    const lost = new Set(jobIds);
    this.buffer = this.buffer.filter((job) => !lost.has(job.id));
    for (const id of jobIds) {
      this.active
        .get(id)
        ?.abort(new KairosError("JOB_CANCELLED", "lease lost: the job was taken over"), {
          kind: "lease_lost",
        });
    }
  }
}
