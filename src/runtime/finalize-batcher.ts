/**
 * @module runtime/finalize-batcher
 * Groups finalizations into one store transaction (group commit). Each `submit` resolves with
 * whether the store applied that finalization (compare-and-set on state and lease token).
 * A store error is retried a few times; if it persists the requests resolve `false` and the
 * jobs' leases expire, so lease recovery finishes them: nothing is lost, nothing applied twice.
 */
import type { FinalizeRequest, JobStore } from "../ports/job-store.js";
import type { Clock } from "../ports/clock.js";

interface Pending {
  readonly request: FinalizeRequest;
  readonly resolve: (applied: boolean) => void;
}

/** Batches finalizations; flushes on the next macrotask or when `maxBatch` is reached. */
export class FinalizeBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<JobStore, "finalize">,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
    private readonly maxBatch = 500,
    private readonly retries = 5,
  ) {}

  /** Queue one finalization; resolves true when it was applied, false when it lost the race. */
  submit(request: FinalizeRequest): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.queue.push({ request, resolve });
      if (this.queue.length >= this.maxBatch) {
        void this.flush();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Write everything queued so far; resolves when it is written (or given up). */
  flush(): Promise<void> {
    this.scheduled = false;
    if (this.queue.length === 0) return this.inFlight;
    const batch = this.queue;
    this.queue = [];
    // Serialize flushes so batches commit in submission order.
    this.inFlight = this.inFlight.then(() => this.write(batch));
    return this.inFlight;
  }

  private async write(batch: Pending[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const applied = await this.store.finalize(
          batch.map((p) => p.request),
          this.clock.now(),
        );
        batch.forEach((p, i) => p.resolve(applied[i] ?? false));
        return;
      } catch (error) {
        this.onError(error);
        if (attempt >= this.retries) {
          for (const p of batch) p.resolve(false);
          return;
        }
        await this.clock.sleep(50 * 2 ** attempt);
      }
    }
  }
}
