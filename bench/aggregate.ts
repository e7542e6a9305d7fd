/**
 * @module bench/aggregate
 * Folds the rounds of one scenario into one figure set: the MEDIAN of each figure over the
 * successful rounds (throughput, and each lag percentile taken per round), the MAX of peak
 * RSS. On a shared 2-core machine a neighbour's burst can halve one round; the median of
 * rounds interleaved across scenarios is far steadier than any single run.
 */
import type {
  BacklogWorkerReport,
  ChildReport,
  LagResult,
  LatencySummary,
  ScenarioResult,
  ScenarioRuns,
  ScheduleResult,
  ThroughputResult,
  WorkflowResult,
} from "./types.js";

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A scenario's figures over its rounds. */
export interface Aggregated {
  /** Medians (and max peak RSS) over the successful rounds. */
  readonly report: ChildReport;
  /** Each successful round's result, in run order. */
  readonly rounds: readonly ScenarioResult[];
  /** Error text of each failed round. */
  readonly failures: readonly string[];
}

/** The median of each figure of several latency summaries. */
export function medianSummary(summaries: readonly LatencySummary[]): LatencySummary {
  const pick = (key: keyof LatencySummary) => median(summaries.map((s) => s[key]));
  return {
    count: pick("count"),
    p50: pick("p50"),
    p99: pick("p99"),
    max: pick("max"),
    mean: pick("mean"),
    min: pick("min"),
  };
}

/**
 * process-c10-backlog's worker figures over the rounds: medians of the timings and CPU, the
 * max of the peak RSS (like the scenarios' own peak); none when no round carried them.
 */
function mergeWorkers(
  all: readonly ThroughputResult[],
): { worker: BacklogWorkerReport } | Record<string, never> {
  const workers = all.flatMap((r) => (r.worker === undefined ? [] : [r.worker]));
  const first = workers[0];
  if (first === undefined) return {};
  const firstJobs = workers.flatMap((w) => (w.firstJobMs === null ? [] : [w.firstJobMs]));
  return {
    worker: {
      jobs: first.jobs,
      elapsedMs: median(workers.map((w) => w.elapsedMs)),
      openMs: median(workers.map((w) => w.openMs)),
      startMs: median(workers.map((w) => w.startMs)),
      firstJobMs: firstJobs.length > 0 ? median(firstJobs) : null,
      cpuUsPerJob: median(workers.map((w) => w.cpuUsPerJob)),
      baselineRssBytes: median(workers.map((w) => w.baselineRssBytes)),
      peakRssBytes: Math.max(...workers.map((w) => w.peakRssBytes)),
    },
  };
}

/** floor-b's enqueue figure over the rounds (median), when the rounds carry it. */
function mergeEnqueue(all: readonly ThroughputResult[]): { enqueueJobsPerSec?: number } {
  const values = all.map((r) => r.enqueueJobsPerSec).filter((v): v is number => v !== undefined);
  return values.length > 0 ? { enqueueJobsPerSec: median(values) } : {};
}

function mergeResults(results: readonly ScenarioResult[]): ScenarioResult {
  const first = results[0]!;
  if (first.kind === "throughput") {
    const all = results as readonly ThroughputResult[];
    return {
      kind: "throughput",
      jobs: first.jobs,
      elapsedMs: median(all.map((r) => r.elapsedMs)),
      jobsPerSec: median(all.map((r) => r.jobsPerSec)),
      ...mergeEnqueue(all),
      ...mergeWorkers(all),
    };
  }
  if (first.kind === "schedule") return mergeSchedule(results as readonly ScheduleResult[]);
  if (first.kind === "workflow") return mergeWorkflow(results as readonly WorkflowResult[]);
  const all = results as readonly LagResult[];
  const events = all.map((r) => r.eventLag).filter((e): e is LatencySummary => e !== null);
  return {
    kind: "lag",
    jobs: first.jobs,
    lag: medianSummary(all.map((r) => r.lag)),
    eventLag: events.length > 0 ? medianSummary(events) : null,
    enqueueMs: median(all.map((r) => r.enqueueMs)),
    lateEnqueues: Math.max(...all.map((r) => r.lateEnqueues)),
  };
}

/**
 * Schedule rounds: medians of the figures; the fire counts (expected, seen, duplicates, not
 * started, catch-ups, missed, skipped, errors) are SUMMED, so a round that lost or doubled a
 * slot stays visible.
 */
function mergeSchedule(all: readonly ScheduleResult[]): ScheduleResult {
  const first = all[0]!;
  const sum = (pick: (r: ScheduleResult) => number) => all.reduce((acc, r) => acc + pick(r), 0);
  const summaries = (pick: (r: ScheduleResult) => LatencySummary | null) => {
    const present = all.map(pick).filter((s): s is LatencySummary => s !== null);
    return present.length > 0 ? medianSummary(present) : null;
  };
  const cpu = all.map((r) => r.cpuUsPerFire).filter((v): v is number => v !== null);
  return {
    kind: "schedule",
    schedules: first.schedules,
    windowMs: first.windowMs,
    lag: summaries((r) => r.lag),
    firedLag: summaries((r) => r.firedLag),
    firesExpected: sum((r) => r.firesExpected),
    firesSeen: sum((r) => r.firesSeen),
    duplicateFires: sum((r) => r.duplicateFires),
    notStarted: sum((r) => r.notStarted),
    firesPerSec: median(all.map((r) => r.firesPerSec)),
    cpuUsPerFire: cpu.length > 0 ? median(cpu) : null,
    setupMs: median(all.map((r) => r.setupMs)),
    createMs: median(all.map((r) => r.createMs)),
    recursored: median(all.map((r) => r.recursored)),
    catchUpFires: sum((r) => r.catchUpFires),
    missed: sum((r) => r.missed),
    skipped: sum((r) => r.skipped),
    errors: sum((r) => r.errors),
    windowPeakRssBytes: Math.max(...all.map((r) => r.windowPeakRssBytes)),
  };
}

/** Workflow rounds: the median of each figure (hand-off percentiles taken per round). */
function mergeWorkflow(all: readonly WorkflowResult[]): WorkflowResult {
  const summaries = (pick: (r: WorkflowResult) => LatencySummary | null) => {
    const present = all.map(pick).filter((s): s is LatencySummary => s !== null);
    return present.length > 0 ? medianSummary(present) : null;
  };
  const m = (pick: (r: WorkflowResult) => number) => median(all.map(pick));
  return {
    ...all[0]!,
    totalMs: m((r) => r.totalMs),
    handoff: summaries((r) => r.handoff),
    handlerHandoff: summaries((r) => r.handlerHandoff),
    updateRuns: m((r) => r.updateRuns),
    updateRunMs: m((r) => r.updateRunMs),
    decideMs: m((r) => r.decideMs),
    cpuMs: m((r) => r.cpuMs),
  };
}

const CPU_NOTE = /^CPU (\d+) µs\/job$/;

/**
 * The rounds' notes, each once; the per-round `CPU N µs/job` notes become one, with every
 * round's figure in round order.
 */
export function mergeNotes(perRound: readonly (readonly string[])[]): string[] {
  const cpu: string[] = [];
  const others = new Set<string>();
  for (const notes of perRound) {
    for (const note of notes) {
      const match = CPU_NOTE.exec(note);
      if (match) cpu.push(match[1]!);
      else others.add(note);
    }
  }
  const merged = [...others];
  if (cpu.length > 0) {
    merged.push(`CPU ${cpu.join(", ")} µs/job${cpu.length > 1 ? " (by round)" : ""}`);
  }
  return merged;
}

/** Null when the scenario was skipped or every round failed. */
export function aggregate(runs: ScenarioRuns | undefined): Aggregated | null {
  if (runs === undefined || "skipped" in runs) return null;
  const reports: ChildReport[] = [];
  const failures: string[] = [];
  for (const run of runs.runs) {
    if (run.ok) reports.push(run.report);
    else failures.push(run.failure.error);
  }
  if (reports.length === 0) return null;
  const notes = mergeNotes(reports.map((r) => r.notes));
  const report: ChildReport = {
    scenario: reports[0]!.scenario,
    result: mergeResults(reports.map((r) => r.result)),
    baselineRssBytes: median(reports.map((r) => r.baselineRssBytes)),
    peakRssBytes: Math.max(...reports.map((r) => r.peakRssBytes)),
    notes,
  };
  return { report, rounds: reports.map((r) => r.result), failures };
}
