/**
 * @module runtime/exec/exclusive-claim
 * A job store seen through one job: the worker pool of a `kairos exec` process claims that job
 * by id (`JobStore.claimJob`) and nothing else, so it runs through the same claim -> execute ->
 * finalize path (timeout, leases, logs, retries) as any worker, and no other worker takes it.
 *
 * Holding the job against other workers (they claim only due jobs of their functions):
 * - the caller enqueues the job due `holdMs` from now, and this claim takes it at once
 *   (claimJob ignores runAt);
 * - while it runs, this process's lease holds it (the pool's lease keeper renews it);
 * - a failed attempt that is retried is stored due `holdMs` after its backoff ends, while this
 *   process claims it again when the backoff ends.
 * If the process dies (kill -9), the hold runs out and the job is a job like any other: lease
 * recovery retries or fails a running one (`worker_lost`), and a pending one becomes due to any
 * worker of its function. Nothing is lost, at the cost of `holdMs` of delay.
 */
import type { ClaimedJob, ClaimRequest, FinalizeRequest, JobStore } from "../../ports/job-store.js";

/** Options of an ExclusiveClaim. */
export interface ExclusiveClaimOptions {
  /** How long the job is held against other workers past the moment this process wants it. */
  readonly holdMs: number;
  /** Claims of the job this process may make (1: one attempt here); default unbounded. */
  readonly maxClaims?: number;
}

/** Claims exactly one job for a worker pool; see the module header. */
export class ExclusiveClaim {
  private jobId: string | null = null;
  private dueAt = 0;
  private claimsLeft: number;
  /** Claimed and not finalized yet: nothing to claim until its attempt is written. */
  private claimed = false;
  /** Told when the job could not be claimed (another process took, cancelled or stopped it). */
  onUnclaimable: ((jobId: string) => void) | null = null;

  constructor(private readonly options: ExclusiveClaimOptions) {
    this.claimsLeft = options.maxClaims ?? Number.POSITIVE_INFINITY;
  }

  /** Claim `jobId` from `dueAt` on (until then, claims return nothing). */
  target(jobId: string, dueAt: number): void {
    this.jobId = jobId;
    this.dueAt = dueAt;
  }

  /** The instant a job this process wants should be stored as due (`at` plus the hold). */
  heldUntil(at: number): number {
    return at + this.options.holdMs;
  }

  /**
   * `store` with `claim` taking only the target job (by id, once due here), `nextRunAt` naming
   * when it is due here, and `finalize` holding a retried target job (see the module header).
   * Every other method is the store's own.
   */
  wrap(store: JobStore): JobStore {
    const overrides: Partial<JobStore> = {
      claim: (request) => this.claim(store, request),
      nextRunAt: async () => (this.wants() ? this.dueAt : null),
      finalize: (requests, now) =>
        store.finalize(
          requests.map((r) => this.hold(r)),
          now,
        ),
    };
    return new Proxy(store, {
      get(target, prop) {
        if (typeof prop === "string" && prop in overrides) {
          return overrides[prop as keyof JobStore];
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? (value as () => unknown).bind(target) : value;
      },
    });
  }

  private async claim(store: JobStore, request: ClaimRequest): Promise<ClaimedJob[]> {
    const jobId = this.jobId;
    if (jobId === null || !this.wants() || request.now < this.dueAt) return [];
    if (!request.fns.length || request.limit < 1) return [];
    const job = await store.claimJob({
      jobId,
      workerId: request.workerId,
      now: request.now,
      leaseMs: request.leaseMs,
    });
    if (job === null) {
      this.claimsLeft = 0;
      this.onUnclaimable?.(jobId);
      return [];
    }
    this.claimsLeft -= 1;
    this.claimed = true;
    return [job];
  }

  /** True while the target job may be claimed again here. */
  private wants(): boolean {
    return this.jobId !== null && !this.claimed && this.claimsLeft > 0;
  }

  private hold(request: FinalizeRequest): FinalizeRequest {
    if (request.jobId !== this.jobId) return request;
    // The attempt is written: a retry may be claimed here, anything else ends the job here.
    this.claimed = false;
    if (request.outcome.kind !== "retrying") {
      this.claimsLeft = 0;
      return request;
    }
    this.dueAt = request.outcome.runAt;
    return {
      ...request,
      outcome: { ...request.outcome, runAt: this.heldUntil(request.outcome.runAt) },
    };
  }
}
