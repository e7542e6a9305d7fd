/**
 * @module runtime/worker/outcome-writer
 * Writes what was decided about an attempt: the job's log lines first, then its finalization
 * through the FinalizeBatcher (group commit, guarded by the lease token), then the typed event.
 * A finalization that lost the race (another one won: lease recovery elsewhere, a racing
 * cancel) is dropped and counted, never applied. Every write in flight is tracked so the pool's
 * `stop` can wait for all of them.
 */
import {
  decideFinalization,
  type AttemptOutcome,
  type DropReason,
  type Finalization,
} from "../../core/jobs/finalization.js";
import type { RandomSource } from "../../core/retry/backoff.js";
import type { Clock } from "../../ports/clock.js";
import type { ClaimedJob } from "../../ports/job-store.js";
import type { EventBus } from "../event-bus.js";
import type { FinalizeBatcher } from "../finalize-batcher.js";
import type { LogBuffer } from "./log-buffer.js";

/** What the writer is handed. */
export interface OutcomeWriterCapabilities {
  readonly batcher: FinalizeBatcher;
  readonly logs: LogBuffer;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** A write applied: `started` is false for a job that never ran here (prefetched). */
  applied(job: ClaimedJob, finalization: Finalization, started: boolean): void;
}

/** Decides nothing itself beyond `decideFinalization`; writes and reports. */
export class OutcomeWriter {
  /** Finalizations decided but not yet written. */
  private readonly pending = new Set<Promise<void>>();
  /** Results dropped (already finalized, lease lost, lost the race). */
  dropped = 0;
  /** Finalizations of attempts that ran here, applied. */
  finalized = 0;

  constructor(private readonly caps: OutcomeWriterCapabilities) {}

  /** Decide the attempt's outcome (core) and write it, or drop it. */
  finish(
    job: ClaimedJob,
    outcome: AttemptOutcome,
    cancelRequested: boolean,
    startedAt: number | null,
  ): void {
    const decision = decideFinalization(
      job,
      outcome,
      this.caps.clock.now(),
      this.caps.random,
      cancelRequested,
    );
    if (decision.action === "drop") {
      this.drop(job, decision.reason);
      return;
    }
    const write = this.write(job, decision.finalization, startedAt);
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /** Count and report a result that will not be written. */
  drop(job: ClaimedJob, reason: DropReason): void {
    this.dropped++;
    this.caps.events.emit("job:result_dropped", {
      jobId: job.id,
      fn: job.fn,
      attempt: job.attempt,
      at: this.caps.clock.now(),
      reason,
    });
  }

  /** Resolves when every write decided so far is done. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.all([...this.pending, this.caps.batcher.flush()]);
    }
    await this.caps.batcher.flush();
  }

  private async write(job: ClaimedJob, f: Finalization, startedAt: number | null): Promise<void> {
    await this.caps.logs.flushFor(job.id);
    const applied = await this.caps.batcher.submit({
      jobId: job.id,
      leaseToken: job.leaseToken,
      outcome: f,
      originKind: job.origin.kind,
    });
    if (!applied) {
      this.drop(job, "lost_race");
      return;
    }
    if (startedAt !== null) this.finalized++;
    this.emit(job, f, startedAt);
    this.caps.applied(job, f, startedAt !== null);
  }

  private emit(job: ClaimedJob, f: Finalization, startedAt: number | null): void {
    const { events } = this.caps;
    const at = this.caps.clock.now();
    const base = { jobId: job.id, fn: job.fn, attempt: job.attempt, at };
    switch (f.kind) {
      case "succeeded":
        events.emit("job:succeeded", { ...base, durationMs: at - (startedAt ?? at) });
        return;
      case "failed":
        events.emit("job:failed", { ...base, error: f.error });
        return;
      case "timed_out":
        events.emit("job:timed_out", { ...base, error: f.error });
        events.emit("job:failed", { ...base, error: f.error });
        return;
      case "retrying":
        events.emit("job:retrying", { ...base, error: f.error, runAt: f.runAt });
        return;
      case "cancelled":
        events.emit("job:cancelled", base);
        return;
      case "released":
        events.emit("job:released", base);
        return;
    }
  }
}
