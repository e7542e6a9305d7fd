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

/** One attempt whose outcome is known, for `finishMany`. */
export interface FinishItem {
  readonly job: ClaimedJob;
  readonly outcome: AttemptOutcome;
  readonly cancelRequested: boolean;
  /** When its handler started here; null for a job that never started (prefetched). */
  readonly startedAt: number | null;
}

/** Decides nothing itself beyond `decideFinalization`; writes and reports. */
export class OutcomeWriter {
  /** Finalizations decided but not yet written. */
  private readonly pending = new Set<Promise<void>>();
  /** Results dropped (already finalized, lease lost, lost the race). */
  dropped = 0;
  /** Finalizations of attempts that ran here, applied. */
  finalized = 0;
  /** Jobs handed back to the queue (finalization `released`), applied. */
  released = 0;

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

  /**
   * Decide several attempts' outcomes and write them together: their log lines in one flush,
   * then every finalization submitted at once, so the batcher commits them in one store write
   * (the hand-back at shutdown). Resolves when they are written.
   */
  async finishMany(items: readonly FinishItem[]): Promise<void> {
    const writes: { job: ClaimedJob; f: Finalization; startedAt: number | null }[] = [];
    const now = this.caps.clock.now();
    for (const { job, outcome, cancelRequested, startedAt } of items) {
      const decision = decideFinalization(job, outcome, now, this.caps.random, cancelRequested);
      if (decision.action === "drop") this.drop(job, decision.reason);
      else writes.push({ job, f: decision.finalization, startedAt });
    }
    if (writes.length === 0) return;
    const all = (async () => {
      await this.caps.logs.flush();
      const applied = await Promise.all(writes.map((w) => this.submit(w.job, w.f)));
      writes.forEach((w, i) => this.applied(w.job, w.f, w.startedAt, applied[i] ?? false));
    })();
    this.pending.add(all);
    await all.finally(() => this.pending.delete(all));
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
    // Its log lines first; nothing to wait for when none is buffered or being written.
    if (!this.caps.logs.idleFor(job.id)) await this.caps.logs.flushFor(job.id);
    this.applied(job, f, startedAt, await this.submit(job, f));
  }

  private submit(job: ClaimedJob, f: Finalization): Promise<boolean> {
    return this.caps.batcher.submit({
      jobId: job.id,
      leaseToken: job.leaseToken,
      outcome: f,
      originKind: job.origin.kind,
    });
  }

  private applied(
    job: ClaimedJob,
    f: Finalization,
    startedAt: number | null,
    applied: boolean,
  ): void {
    if (!applied) {
      this.drop(job, "lost_race");
      return;
    }
    if (startedAt !== null) this.finalized++;
    if (f.kind === "released") this.released++;
    this.emit(job, f, startedAt);
    this.caps.applied(job, f, startedAt !== null);
  }

  private emit(job: ClaimedJob, f: Finalization, startedAt: number | null): void {
    const { events } = this.caps;
    const at = this.caps.clock.now();
    const { id: jobId, fn, attempt, origin } = job;
    // Each event built in one literal (no spread of a shared base): one allocation per event.
    switch (f.kind) {
      case "succeeded":
        if (!events.has("job:succeeded")) return;
        events.emit("job:succeeded", {
          jobId,
          fn,
          attempt,
          at,
          origin,
          durationMs: at - (startedAt ?? at),
        });
        return;
      case "failed":
        events.emit("job:failed", { jobId, fn, attempt, at, origin, error: f.error });
        return;
      case "timed_out":
        events.emit("job:timed_out", { jobId, fn, attempt, at, origin, error: f.error });
        events.emit("job:failed", { jobId, fn, attempt, at, origin, error: f.error });
        return;
      case "retrying":
        events.emit("job:retrying", {
          jobId,
          fn,
          attempt,
          at,
          origin,
          error: f.error,
          runAt: f.runAt,
        });
        return;
      case "cancelled":
        events.emit("job:cancelled", { jobId, fn, attempt, at, origin });
        return;
      case "released":
        events.emit("job:released", { jobId, fn, attempt, at, origin });
        return;
    }
  }
}

/** A job that never started here (prefetched), to finish with `outcome`. */
export function unstarted(job: ClaimedJob, outcome: AttemptOutcome): FinishItem {
  return { job, outcome, cancelRequested: job.cancelRequestedAt !== null, startedAt: null };
}

/** Emit `job:started` for a job starting here (only when someone listens). */
export function emitStarted(events: EventBus, job: ClaimedJob, at: number, workerId: string): void {
  if (!events.has("job:started")) return;
  const { id: jobId, fn, attempt, runAt, origin } = job;
  events.emit("job:started", { jobId, fn, attempt, at, workerId, runAt, origin });
}
