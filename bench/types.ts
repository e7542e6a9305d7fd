/**
 * @module bench/types
 * Shapes shared by the benchmark parent (CLI, report) and the child processes that run one
 * scenario each. Everything crosses the IPC channel as plain JSON.
 */

/** The job scenarios (and floors), in the order they run; `--rounds` applies to them. */
export const JOB_SCENARIOS = [
  "floor-a",
  "floor-b",
  "enqueue",
  "process-c10",
  "process-c100",
  "process-c10-retained",
  "process-c10-backlog",
  "lag-burst",
  "lag-spread",
] as const;

/**
 * The workflow scenarios (bench/workflow-scenarios.ts): they run after the job scenarios,
 * `--rounds` times; with `--store postgres` too, on the throwaway server.
 */
export const WORKFLOW_SCENARIOS = ["wf-chain", "wf-fanout"] as const;

/** The schedule-firing scenarios; they run after the others, `--sched-rounds` times. */
export const SCHEDULE_SCENARIOS = ["sched-1k", "sched-10k", "sched-100k"] as const;

/** Every scenario the bench knows, in the order it runs them. */
export const SCENARIOS = [...JOB_SCENARIOS, ...WORKFLOW_SCENARIOS, ...SCHEDULE_SCENARIOS] as const;

export type ScenarioName = (typeof SCENARIOS)[number];
export type WorkflowScenarioName = (typeof WORKFLOW_SCENARIOS)[number];

export function isWorkflowScenario(name: string): name is WorkflowScenarioName {
  return (WORKFLOW_SCENARIOS as readonly string[]).includes(name);
}
export type ScheduleScenarioName = (typeof SCHEDULE_SCENARIOS)[number];

/** Enabled schedules created by each schedule scenario. */
export const SCHEDULE_COUNTS: Readonly<Record<ScheduleScenarioName, number>> = {
  "sched-1k": 1_000,
  "sched-10k": 10_000,
  "sched-100k": 100_000,
};

export function isScheduleScenario(name: ScenarioName): name is ScheduleScenarioName {
  return (SCHEDULE_SCENARIOS as readonly string[]).includes(name);
}

/** True for the scenarios that exercise Kairos (as opposed to the bare better-sqlite3 floors). */
export function isKairosScenario(name: ScenarioName): boolean {
  return name !== "floor-a" && name !== "floor-b";
}

/** What the parent asks a child to run. */
export interface ScenarioRequest {
  readonly scenario: ScenarioName;
  /** Jobs for the throughput scenarios (20,000, or 2,000 with --quick). */
  readonly jobs: number;
  /** Jobs for each start-lag scenario. */
  readonly lagJobs: number;
  /** Measurement window of the schedule scenarios (60 s, or 20 s with --quick). */
  readonly schedWindowMs: number;
  /** Finished jobs seeded before `process-c10-retained` runs (1,000,000, or 100,000 with --quick). */
  readonly retainedJobs: number;
  /**
   * Queued jobs seeded, beside `retainedJobs` finished ones, before `process-c10-backlog`'s
   * worker starts (1,000,000, or 100,000 with --quick).
   */
  readonly backlogJobs: number;
  /** Whose jobs the backlog is (see `BACKLOG_SHAPES`). */
  readonly backlogShape: BacklogShape;
  /** A fresh temp dir created (and removed) by the parent; the SQLite file lives in it. */
  readonly dir: string;
  /** Workflow scenarios only: a store URL to use instead of a SQLite file in `dir`. */
  readonly storeUrl?: string;
  /** Workflow scenarios only: give up after this long. */
  readonly timeoutMs?: number;
}

/** Jobs per second over a timed section. */
export interface ThroughputResult {
  readonly kind: "throughput";
  readonly jobs: number;
  readonly elapsedMs: number;
  readonly jobsPerSec: number;
  /** floor-b only: the floor's enqueue, the same jobs inserted in transactions of 1,000. */
  readonly enqueueJobsPerSec?: number;
  /** `process-c10-backlog` only: the worker process's own figures. */
  readonly worker?: BacklogWorkerReport;
}

/**
 * `--backlog-shape` of `process-c10-backlog`: `same`, the backlog is the worker's own function
 * (queued, due); `other`, queued jobs of a function the worker does not define, ahead of its own
 * in claim order; `other-due`, the same left `scheduled` though due (a function whose workers
 * are down: no claim of theirs promotes them). With `other*`, the worker's own jobs (its count
 * plus 5,000) are seeded after the backlog.
 */
export const BACKLOG_SHAPES = ["same", "other", "other-due"] as const;
export type BacklogShape = (typeof BACKLOG_SHAPES)[number];

/** What `process-c10-backlog`'s scenario process asks its worker process (bench/backlog-worker.ts). */
export interface BacklogWorkerRequest {
  readonly dbFile: string;
  /** Stop after this many jobs succeeded. */
  readonly jobs: number;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly timeoutMs: number;
}

/** The worker process's figures: its timings from `createKairos` on, CPU and peak RSS. */
export interface BacklogWorkerReport {
  readonly jobs: number;
  /** `start()` called -> the `jobs`-th `job:succeeded`, ms. */
  readonly elapsedMs: number;
  /** `createKairos` (opening the store, migrations check) and `define`, ms. */
  readonly openMs: number;
  /** `start()` called -> resolved, ms. */
  readonly startMs: number;
  /** `start()` called -> first `job:started`, ms. */
  readonly firstJobMs: number | null;
  /** Process CPU (user + system) from `start()` to the last job, per job, µs. */
  readonly cpuUsPerJob: number;
  readonly baselineRssBytes: number;
  /** Peak RSS of the worker process (50 ms samples and VmHWM). */
  readonly peakRssBytes: number;
}

export type BacklogWorkerOutcome =
  | { readonly ok: true; readonly report: BacklogWorkerReport }
  | { readonly ok: false; readonly error: string };

/** Percentiles of a latency sample, in ms. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  readonly min: number;
}

/** Start lag of delayed jobs. */
export interface LagResult {
  readonly kind: "lag";
  readonly jobs: number;
  /** Handler start (measured inside the handler) minus the job's runAt. */
  readonly lag: LatencySummary;
  /** `job:started` event's `at - runAt`: the engine's own view, as a cross-check. */
  readonly eventLag: LatencySummary | null;
  /** How long enqueueing all the jobs took. */
  readonly enqueueMs: number;
  /** Jobs whose enqueue call returned only after their runAt (their lag includes it). */
  readonly lateEnqueues: number;
}

/** Schedule firing: N enabled cron schedules spread over the minute, one window of slots. */
export interface ScheduleResult {
  readonly kind: "schedule";
  readonly schedules: number;
  /** Nominal measurement window (the slots in [windowStart, windowStart + windowMs)). */
  readonly windowMs: number;
  /** Fire lag: `job:started` `at` minus the job's slot, for the window's slots; null if none. */
  readonly lag: LatencySummary | null;
  /** Part of it: `schedule:fired` seen by the listener (job committed) minus the slot. */
  readonly firedLag: LatencySummary | null;
  /** Slots in the window, summed over the schedules: each should fire exactly once. */
  readonly firesExpected: number;
  /** Distinct (schedule, slot) pairs of the window that fired. */
  readonly firesSeen: number;
  /** `schedule:fired` events for a (schedule, slot) of the window already seen. */
  readonly duplicateFires: number;
  /** Window fires whose job had not started when the bench stopped waiting. */
  readonly notStarted: number;
  /** All `schedule:fired` events between the two CPU readings, per second of wall time. */
  readonly firesPerSec: number;
  /** Process CPU (user + system) between the two readings, divided by those fires, in µs. */
  readonly cpuUsPerFire: number | null;
  /** From the first `schedules.create` until ready to start (creates plus re-cursoring). */
  readonly setupMs: number;
  /** The N `schedules.create` calls alone. */
  readonly createMs: number;
  /** Schedules whose first slot passed during setup, moved to their next slot before start. */
  readonly recursored: number;
  /** Fires of slots before the window with `catchUp: true` (should be 0). */
  readonly catchUpFires: number;
  /** `schedule:missed` / `schedule:skipped` / `schedule:error` events during the run. */
  readonly missed: number;
  readonly skipped: number;
  readonly errors: number;
  /** Peak of `process.memoryUsage.rss()` sampled every 50 ms during the window. */
  readonly windowPeakRssBytes: number;
}

/** One workflow run (wf-chain, wf-fanout); see bench/workflow-scenarios.ts. */
export interface WorkflowResult {
  readonly kind: "workflow";
  readonly shape: "chain" | "fanout";
  readonly tasks: number;
  /** `runs.trigger` called -> `run:finished` seen, in ms. */
  readonly totalMs: number;
  /** Chain only: successor's `job:started` at minus predecessor's `job:succeeded` at (ms). */
  readonly handoff: LatencySummary | null;
  /** Chain only: the same from the handlers' own end and start (performance.now). */
  readonly handlerHandoff: LatencySummary | null;
  /** `updateRun` calls during the run, and their summed wall time (ms). */
  readonly updateRuns: number;
  readonly updateRunMs: number;
  /** Summed time inside `updateRun`'s decide callback (decideAdvance + building jobs), ms. */
  readonly decideMs: number;
  /** Process CPU (user + system) from trigger to run:finished, ms. */
  readonly cpuMs: number;
}

export type ScenarioResult = ThroughputResult | LagResult | ScheduleResult | WorkflowResult;

/** What a child reports back. */
export interface ChildReport {
  readonly scenario: ScenarioName;
  readonly result: ScenarioResult;
  /** RSS right after the scenario's modules were loaded, before any database was opened. */
  readonly baselineRssBytes: number;
  /** Peak RSS of the child process (max of 50 ms samples and the kernel's VmHWM). */
  readonly peakRssBytes: number;
  /** Free-form remarks (final state counts, warnings). */
  readonly notes: readonly string[];
}

/** A child that failed. */
export interface ChildFailure {
  readonly scenario: ScenarioName;
  readonly error: string;
}

export type ChildOutcome = { ok: true; report: ChildReport } | { ok: false; failure: ChildFailure };

/** Every round of one scenario, or why it was skipped. */
export type ScenarioRuns = { readonly skipped: string } | { readonly runs: ChildOutcome[] };
