/**
 * @module bench/types
 * Shapes shared by the benchmark parent (CLI, report) and the child processes that run one
 * scenario each. Everything crosses the IPC channel as plain JSON.
 */

/** Every scenario the bench knows, in the order it runs them. */
export const SCENARIOS = [
  "floor-a",
  "floor-b",
  "enqueue",
  "process-c10",
  "process-c100",
  "lag-burst",
  "lag-spread",
] as const;

export type ScenarioName = (typeof SCENARIOS)[number];

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
  /** A fresh temp dir created (and removed) by the parent; the SQLite file lives in it. */
  readonly dir: string;
}

/** Jobs per second over a timed section. */
export interface ThroughputResult {
  readonly kind: "throughput";
  readonly jobs: number;
  readonly elapsedMs: number;
  readonly jobsPerSec: number;
}

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

export type ScenarioResult = ThroughputResult | LagResult;

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
