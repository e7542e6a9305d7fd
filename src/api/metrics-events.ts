/**
 * @module api/metrics-events
 * The per-process counters and histograms of /metrics, fed by the engine's event bus. Each
 * process counts what it saw (its enqueues, its workers' jobs, its scheduler's fires while it
 * leads): sum them across replicas. `subscribe` returns the function that unsubscribes.
 */
import { Counter, Histogram, type Registry } from "prom-client";
import type { KairosEventMap, KairosEventName, KairosListener } from "../index.js";

/** The part of the engine the bus metrics listen to. */
export interface EventSource {
  on<E extends KairosEventName>(name: E, listener: KairosListener<E>): () => void;
}

/** Seconds buckets of an attempt's run time: 5 ms .. 30 min. */
const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800,
];
/** Seconds buckets of a lag (start or fire): 1 ms .. 10 min. */
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 600];
/** Seconds buckets of leadership re-acquisition. */
const REACQUIRE_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Help of kairos_stale_reports_total. */
const STALE_HELP =
  "Reports of a run that no longer owns its job (older generation, lost lease), dropped " +
  "(kind: result, checkpoint, stop, progress, heartbeat).";
/** At most this many running attempts are remembered for their duration (oldest dropped). */
const MAX_TRACKED_STARTS = 100_000;

/** The bus-fed metrics, registered on one registry. */
export class BusMetrics {
  readonly enqueued: Counter<"fn">;
  readonly claimed: Counter<"fn">;
  readonly finished: Counter<"fn" | "state">;
  readonly retried: Counter<"fn">;
  readonly recovered: Counter<"fn" | "outcome">;
  readonly dropped: Counter<"fn" | "reason">;
  readonly stale: Counter<"kind">;
  readonly duration: Histogram<"fn">;
  readonly startLag: Histogram<"fn">;
  readonly fires: Counter<"schedule" | "catch_up">;
  readonly notFired: Counter<"schedule" | "outcome" | "reason">;
  readonly fireLag: Histogram<"schedule">;
  readonly runsFinished: Counter<"workflow" | "state">;
  readonly stepDowns: Counter;
  readonly reacquire: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    const histogram = <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      buckets: number[],
    ) => new Histogram<L>({ name, help, labelNames, buckets, registers });
    this.enqueued = counter("kairos_jobs_enqueued_total", "Jobs enqueued by this process.", ["fn"]);
    this.claimed = counter("kairos_jobs_claimed_total", "Jobs started by this process's workers.", [
      "fn",
    ]);
    this.finished = counter(
      "kairos_jobs_finished_total",
      "Jobs finished for good, seen by this process (state: succeeded, failed, cancelled, timed_out).",
      ["fn", "state"],
    );
    this.retried = counter(
      "kairos_jobs_retried_total",
      "Failed or timed-out attempts that will be retried.",
      ["fn"],
    );
    this.recovered = counter(
      "kairos_jobs_recovered_total",
      "Jobs whose worker vanished, recovered by this process as leader.",
      ["fn", "outcome"],
    );
    this.dropped = counter(
      "kairos_job_results_dropped_total",
      "Results that arrived too late (job already finalized or lease lost) and were dropped.",
      ["fn", "reason"],
    );
    this.stale = counter("kairos_stale_reports_total", STALE_HELP, ["kind"]);
    this.duration = histogram(
      "kairos_job_duration_seconds",
      "Run time of attempts that ended in this process (succeeded, failed, timed out, retrying).",
      ["fn"],
      DURATION_BUCKETS,
    );
    this.startLag = histogram(
      "kairos_job_start_lag_seconds",
      "From a job's runAt to its handler's start.",
      ["fn"],
      LAG_BUCKETS,
    );
    this.fires = counter("kairos_schedule_fires_total", "Schedule slots that created a job.", [
      "schedule",
      "catch_up",
    ]);
    this.notFired = counter(
      "kairos_schedule_slots_not_fired_total",
      "Schedule slots that did not fire (outcome: skipped or missed).",
      ["schedule", "outcome", "reason"],
    );
    this.fireLag = histogram(
      "kairos_schedule_fire_lag_seconds",
      "From a schedule slot's time to the job it created.",
      ["schedule"],
      LAG_BUCKETS,
    );
    this.runsFinished = counter("kairos_runs_finished_total", "Workflow runs that ended.", [
      "workflow",
      "state",
    ]);
    this.stepDowns = counter(
      "kairos_leader_stepdowns_total",
      "Times this process stopped leading.",
      [],
    );
    this.reacquire = histogram(
      "kairos_leader_reacquire_seconds",
      "From losing leadership to leading again, in this process.",
      [],
      REACQUIRE_BUCKETS,
    );
  }

  /** Listen on the bus; returns the unsubscribe function. */
  subscribe(source: EventSource): () => void {
    const offs: (() => void)[] = [];
    const on = <E extends KairosEventName>(name: E, listener: KairosListener<E>) =>
      offs.push(source.on(name, listener));
    this.subscribeJobs(on);
    this.subscribeOthers(on);
    return () => offs.splice(0).forEach((off) => off());
  }

  private subscribeJobs(on: Subscribe): void {
    const starts = new StartTracker();
    let timedOut: string | null = null;
    on("job:queued", (e) => this.enqueued.inc({ fn: e.fn }));
    on("job:started", (e) => {
      this.claimed.inc({ fn: e.fn });
      this.startLag.observe({ fn: e.fn }, Math.max(0, e.at - e.runAt) / 1000);
      starts.started(e);
    });
    on("job:succeeded", (e) => {
      starts.ended(e);
      this.duration.observe({ fn: e.fn }, e.durationMs / 1000);
      this.finished.inc({ fn: e.fn, state: "succeeded" });
    });
    on("job:timed_out", (e) => {
      // The engine emits job:failed right after job:timed_out for the same attempt: count once.
      timedOut = attemptKey(e);
      this.observeEnd(starts, e);
      this.finished.inc({ fn: e.fn, state: "timed_out" });
    });
    on("job:failed", (e) => {
      if (timedOut === attemptKey(e)) {
        timedOut = null;
        return;
      }
      this.observeEnd(starts, e);
      this.finished.inc({ fn: e.fn, state: "failed" });
    });
    on("job:cancelled", (e) => {
      starts.ended(e);
      this.finished.inc({ fn: e.fn, state: "cancelled" });
    });
    on("job:retrying", (e) => {
      this.observeEnd(starts, e);
      this.retried.inc({ fn: e.fn });
    });
    on("job:released", (e) => starts.ended(e));
    on("job:recovered", (e) => this.recovered.inc({ fn: e.fn, outcome: e.outcome }));
    // A dropped result does not end the attempt's record: on a timeout the handler's late
    // result is dropped before job:retrying / job:timed_out, which still need the start.
    on("job:result_dropped", (e) => {
      this.dropped.inc({ fn: e.fn, reason: e.reason });
      // A late result is the `result` kind of stale report (one event, counted twice).
      this.stale.inc({ kind: "result" });
    });
    on("job:stale_report", (e) => this.stale.inc({ kind: e.kind }));
  }

  /** Failed, timed-out and retrying events carry no duration: measure from job:started. */
  private observeEnd(starts: StartTracker, e: KairosEventMap["job:failed"]): void {
    const startedAt = starts.ended(e);
    if (startedAt !== null)
      this.duration.observe({ fn: e.fn }, Math.max(0, e.at - startedAt) / 1000);
  }

  private subscribeOthers(on: Subscribe): void {
    on("schedule:fired", (e) => {
      this.fires.inc({ schedule: e.schedule, catch_up: String(e.catchUp) });
      this.fireLag.observe({ schedule: e.schedule }, Math.max(0, e.at - e.slotAt) / 1000);
    });
    on("schedule:skipped", (e) =>
      this.notFired.inc({ schedule: e.schedule, outcome: "skipped", reason: e.reason }),
    );
    on("schedule:missed", (e) =>
      this.notFired.inc({ schedule: e.schedule, outcome: "missed", reason: e.reason }),
    );
    on("run:finished", (e) => this.runsFinished.inc({ workflow: e.workflow, state: e.state }));
    let lostAt: number | null = null;
    on("leader:lost", (e) => {
      this.stepDowns.inc();
      lostAt = e.at;
    });
    on("leader:elected", (e) => {
      if (lostAt !== null) this.reacquire.observe(Math.max(0, e.at - lostAt) / 1000);
      lostAt = null;
    });
  }
}

type Subscribe = <E extends KairosEventName>(name: E, listener: KairosListener<E>) => void;

function attemptKey(e: { readonly jobId: string; readonly attempt: number }): string {
  return `${e.jobId}#${e.attempt}`;
}

/** When each attempt running here started, bounded (a lost end event cannot grow it forever). */
class StartTracker {
  private readonly starts = new Map<string, number>();

  started(e: KairosEventMap["job:started"]): void {
    if (this.starts.size >= MAX_TRACKED_STARTS) {
      const oldest = this.starts.keys().next();
      if (!oldest.done) this.starts.delete(oldest.value);
    }
    this.starts.set(attemptKey(e), e.at);
  }

  /** Forget the attempt; returns when it started here (null: not started here). */
  ended(e: { readonly jobId: string; readonly attempt: number }): number | null {
    const key = attemptKey(e);
    const at = this.starts.get(key);
    this.starts.delete(key);
    return at ?? null;
  }
}
