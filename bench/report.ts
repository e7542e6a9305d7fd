/**
 * @module bench/report
 * Turns the children's reports into rows (one per figure), checks the targets, and renders
 * either an aligned plain-text table or one JSON object. Targets are information only: a MISS
 * never changes the exit code, because the machines are shared and noisy.
 */
import os from "node:os";
import type { BenchOptions } from "./args.js";
import { aggregate } from "./aggregate.js";
import { backlogRows, backlogTargets, backlogWorker } from "./backlog-report.js";
import { workflowLabel, workflowNote, workflowRows, workflowTargets } from "./wf-report.js";
import {
  isScheduleScenario,
  isWorkflowScenario,
  SCHEDULE_COUNTS,
  type ChildReport,
  type LatencySummary,
  type ScenarioName,
  type ScenarioResult,
  type ScenarioRuns,
} from "./types.js";

export type Status = "PASS" | "MISS" | "n/a";

export interface Row {
  readonly scenario: string;
  readonly figure: string;
  /** Null when the scenario was skipped or failed. */
  readonly value: number | null;
  readonly unit: string;
  readonly vsFloorA: number | null;
  readonly vsFloorB: number | null;
  readonly target: string | null;
  readonly status: Status | null;
  /** Peak RSS of the scenario's process, on its first row only. */
  readonly peakRssMb: number | null;
}

export interface TargetCheck {
  readonly id: string;
  readonly description: string;
  readonly value: number | null;
  readonly threshold: number;
  readonly status: Status;
}

/** What happened to each scenario the bench meant to run. */
export type Outcomes = Partial<Record<ScenarioName, ScenarioRuns>>;

const MB = 1024 * 1024;

function label(name: ScenarioName, options: BenchOptions): string {
  const n = options.jobs.toLocaleString("en-US");
  const lag = options.lagJobs.toLocaleString("en-US");
  switch (name) {
    case "floor-a":
      return `floor (a) better-sqlite3, 1 tx/job, ${n} jobs`;
    case "floor-b":
      return `floor (b) better-sqlite3, batch 100, ${n} jobs`;
    case "enqueue":
      return `kairos enqueueMany x1,000, ${n} jobs`;
    case "process-c10":
      return `kairos processing c=10, ${n} jobs`;
    case "process-c100":
      return `kairos processing c=100, ${n} jobs`;
    case "process-c10-retained":
      return `kairos processing c=10, ${n} jobs, ${options.retainedJobs.toLocaleString("en-US")} finished jobs stored`;
    case "process-c10-backlog":
      return (
        `kairos processing c=10, ${n} of ${options.backlogJobs.toLocaleString("en-US")} queued` +
        (options.backlogShape === "same" ? ", " : ` (${options.backlogShape}: another fn), `) +
        `${options.retainedJobs.toLocaleString("en-US")} finished stored, fresh worker process`
      );
    case "lag-burst":
      return `kairos start lag, ${lag} due at one instant`;
    case "lag-spread":
      return `kairos start lag, ${lag} spread over 2 s`;
    case "wf-chain":
    case "wf-fanout":
      return workflowLabel(name);
    case "sched-1k":
    case "sched-10k":
    case "sched-100k":
      return (
        `kairos fire lag, ${SCHEDULE_COUNTS[name].toLocaleString("en-US")} schedules/min, ` +
        `${options.schedWindowMs / 1000} s`
      );
  }
}

/** The scenario's figures, as medians over its successful rounds. */
function report(outcomes: Outcomes, name: ScenarioName): ChildReport | null {
  return aggregate(outcomes[name])?.report ?? null;
}

/** The floor's enqueue (floor-b's inserts in transactions of 1,000), jobs/s. */
function floorEnqueue(outcomes: Outcomes): number | null {
  const r = report(outcomes, "floor-b");
  return r?.result.kind === "throughput" ? (r.result.enqueueJobsPerSec ?? null) : null;
}

function throughput(outcomes: Outcomes, name: ScenarioName): number | null {
  const r = report(outcomes, name);
  return r?.result.kind === "throughput" ? r.result.jobsPerSec : null;
}

function lag(outcomes: Outcomes, name: ScenarioName): LatencySummary | null {
  const r = report(outcomes, name);
  return r?.result.kind === "lag" ? r.result.lag : null;
}

function scheduleLag(outcomes: Outcomes, name: ScenarioName): LatencySummary | null {
  const r = report(outcomes, name);
  return r?.result.kind === "schedule" ? r.result.lag : null;
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function check(value: number | null, ok: (v: number) => boolean): Status {
  return value === null ? "n/a" : ok(value) ? "PASS" : "MISS";
}

/** The targets: three for jobs, two for workflows, one for schedules. */
export function checkTargets(outcomes: Outcomes): TargetCheck[] {
  const floorB = throughput(outcomes, "floor-b");
  const c10VsB = ratio(throughput(outcomes, "process-c10"), floorB);
  const c100VsB = ratio(throughput(outcomes, "process-c100"), floorB);
  const enqueueVsFloor = ratio(throughput(outcomes, "enqueue"), floorEnqueue(outcomes));
  const spreadP99 = lag(outcomes, "lag-spread")?.p99 ?? null;
  const burstP99 = lag(outcomes, "lag-burst")?.p99 ?? null;
  const sched10kP99 = scheduleLag(outcomes, "sched-10k")?.p99 ?? null;
  return [
    {
      id: "enqueue-vs-floor",
      description: "enqueueMany x1,000 >= 0.3x the floor's enqueue (floor (b)'s inserts)",
      value: enqueueVsFloor,
      threshold: 0.3,
      status: check(enqueueVsFloor, (v) => v >= 0.3),
    },
    {
      id: "process-c10-vs-floor-b",
      description: "processing at concurrency 10 >= 0.25x floor (b)",
      value: c10VsB,
      threshold: 0.25,
      status: check(c10VsB, (v) => v >= 0.25),
    },
    {
      id: "process-c100-vs-floor-b",
      description: "processing at concurrency 100 >= 0.25x floor (b)",
      value: c100VsB,
      threshold: 0.25,
      status: check(c100VsB, (v) => v >= 0.25),
    },
    {
      id: "lag-spread-p99",
      description: "start-lag p99 <= 5 ms, spread over 2 s",
      value: spreadP99,
      threshold: 5,
      status: check(spreadP99, (v) => v <= 5),
    },
    {
      id: "lag-burst-p99",
      description: "start-lag p99 <= 20 ms, burst at one instant",
      value: burstP99,
      threshold: 20,
      status: check(burstP99, (v) => v <= 20),
    },
    {
      id: "sched-10k-p99",
      description: "fire-lag p99 < 50 ms, 10,000 schedules every minute spread over the minute",
      value: sched10kP99,
      threshold: 50,
      status: check(sched10kP99, (v) => v < 50),
    },
    ...backlogChecks(outcomes),
    ...workflowTargets(outcomes, "sqlite"),
  ];
}

function backlogChecks(outcomes: Outcomes): TargetCheck[] {
  if (outcomes["process-c10-backlog"] === undefined) return [];
  return backlogTargets(
    throughput(outcomes, "process-c10-backlog"),
    throughput(outcomes, "process-c10"),
    backlogWorker(report(outcomes, "process-c10-backlog")?.result),
  );
}

/** One row per figure, in scenario order. */
export function buildRows(outcomes: Outcomes, options: BenchOptions): Row[] {
  const targets = new Map(checkTargets(outcomes).map((t) => [t.id, t]));
  const floorA = throughput(outcomes, "floor-a");
  const floorB = throughput(outcomes, "floor-b");
  const rows: Row[] = [];
  const blank = { vsFloorA: null, vsFloorB: null, target: null, status: null, peakRssMb: null };

  for (const name of options.scenarios) {
    const scenario = label(name, options);
    const r = report(outcomes, name);
    if (r === null) {
      rows.push({ ...blank, scenario, figure: "not run", value: null, unit: "" });
      continue;
    }
    const peakRssMb = r.peakRssBytes / MB;
    if (r.result.kind === "workflow" && isWorkflowScenario(name)) {
      const wf = workflowRows(name, r.result, [...targets.values()]);
      rows.push(...wf.map((w, i) => ({ ...blank, ...w, peakRssMb: i === 0 ? peakRssMb : null })));
      continue;
    }
    if (r.result.kind === "schedule") {
      rows.push(...scheduleRows(scenario, r.result, peakRssMb, targets.get("sched-10k-p99"), name));
      continue;
    }
    if (r.result.kind === "throughput") {
      const isProcessing =
        name === "process-c10" ||
        name === "process-c100" ||
        name === "process-c10-retained" ||
        name === "process-c10-backlog";
      const t =
        name === "process-c10" || name === "process-c100" || name === "enqueue"
          ? targets.get(name === "enqueue" ? "enqueue-vs-floor" : `${name}-vs-floor-b`)
          : undefined;
      const floorEnqueueFigure = name === "floor-b" ? r.result.enqueueJobsPerSec : undefined;
      rows.push({
        scenario,
        figure: "throughput",
        value: r.result.jobsPerSec,
        unit: "jobs/s",
        vsFloorA: isProcessing ? ratio(r.result.jobsPerSec, floorA) : null,
        vsFloorB: isProcessing
          ? ratio(r.result.jobsPerSec, floorB)
          : name === "enqueue"
            ? ratio(r.result.jobsPerSec, floorEnqueue(outcomes))
            : null,
        target: t ? (name === "enqueue" ? ">= 0.30x floor enqueue" : ">= 0.25x floor (b)") : null,
        status: t ? t.status : null,
        peakRssMb,
      });
      if (floorEnqueueFigure !== undefined) {
        rows.push({
          ...blank,
          scenario: "  its enqueue, transactions of 1,000",
          figure: "throughput",
          value: floorEnqueueFigure,
          unit: "jobs/s",
        });
      }
      if (name === "process-c10-backlog") {
        const checks = [...targets.values()].filter((c) => c.id.startsWith("process-c10-backlog"));
        rows.push(...backlogRows(scenario, checks, backlogWorker(r.result)));
      }
    } else if (r.result.kind === "lag") {
      const t = targets.get(name === "lag-spread" ? "lag-spread-p99" : "lag-burst-p99");
      const s = r.result.lag;
      rows.push({ ...blank, scenario, figure: "p50", value: s.p50, unit: "ms", peakRssMb });
      rows.push({
        ...blank,
        scenario,
        figure: "p99",
        value: s.p99,
        unit: "ms",
        target: t ? `<= ${t.threshold} ms` : null,
        status: t ? t.status : null,
      });
      rows.push({ ...blank, scenario, figure: "max", value: s.max, unit: "ms" });
    }
  }

  const peak = (kind: "kairos" | "floor" | "schedule"): number | null => {
    const kindOf = (n: ScenarioName) =>
      n === "floor-a" || n === "floor-b" ? "floor" : isScheduleScenario(n) ? "schedule" : "kairos";
    const peaks = options.scenarios
      .filter((n) => kindOf(n) === kind)
      .map((n) => report(outcomes, n)?.peakRssBytes)
      .filter((v): v is number => v !== undefined);
    return peaks.length > 0 ? Math.max(...peaks) / MB : null;
  };
  const kairosPeak = peak("kairos");
  const floorPeak = peak("floor");
  const schedulePeak = peak("schedule");
  if (kairosPeak !== null) {
    rows.push({
      ...blank,
      scenario: "peak RSS, Kairos scenarios",
      figure: "max",
      value: kairosPeak,
      unit: "MB",
    });
  }
  if (floorPeak !== null) {
    rows.push({
      ...blank,
      scenario: "peak RSS, floors",
      figure: "max",
      value: floorPeak,
      unit: "MB",
    });
  }
  if (schedulePeak !== null) {
    rows.push({
      ...blank,
      scenario: "peak RSS, schedule scenarios",
      figure: "max",
      value: schedulePeak,
      unit: "MB",
    });
  }
  return rows;
}

/** Rows of one schedule scenario: fire lag p50/p99/max, fires/s, CPU per fire, setup. */
function scheduleRows(
  scenario: string,
  result: Extract<ScenarioResult, { kind: "schedule" }>,
  peakRssMb: number,
  target: TargetCheck | undefined,
  name: ScenarioName,
): Row[] {
  const blank = { vsFloorA: null, vsFloorB: null, target: null, status: null, peakRssMb: null };
  const t = name === "sched-10k" ? target : undefined;
  const s = result.lag;
  return [
    { ...blank, scenario, figure: "p50", value: s?.p50 ?? null, unit: "ms", peakRssMb },
    {
      ...blank,
      scenario,
      figure: "p99",
      value: s?.p99 ?? null,
      unit: "ms",
      target: t ? `< ${t.threshold} ms` : null,
      status: t ? t.status : null,
    },
    { ...blank, scenario, figure: "max", value: s?.max ?? null, unit: "ms" },
    { ...blank, scenario, figure: "fires", value: result.firesPerSec, unit: "fires/s" },
    { ...blank, scenario, figure: "cpu/fire", value: result.cpuUsPerFire, unit: "µs" },
    { ...blank, scenario, figure: "setup", value: result.setupMs / 1000, unit: "s" },
  ];
}

function formatValue(value: number | null, unit: string): string {
  if (value === null) return "-";
  if (unit === "jobs/s" || unit === "µs") return Math.round(value).toLocaleString("en-US");
  if (unit === "x") return value.toFixed(2);
  if (unit === "ms" && value < 10 && !Number.isInteger(value)) return value.toFixed(3);
  return value.toFixed(1);
}

function formatRatio(value: number | null): string {
  return value === null ? "" : `${value.toFixed(2)}x`;
}

/** The aligned plain-text table, with notes and errors below it. */
export function renderTable(
  rows: readonly Row[],
  outcomes: Outcomes,
  options: BenchOptions,
): string {
  const header = [
    "scenario",
    "figure",
    "value",
    "unit",
    "/floor(a)",
    "/floor(b)",
    "rss MB",
    "target",
    "status",
  ];
  const rightAligned = new Set([2, 4, 5, 6]);
  // A scenario's label is printed on its first row only.
  const cells = rows.map((r, i) => [
    i > 0 && rows[i - 1]!.scenario === r.scenario ? "" : r.scenario,
    r.figure,
    formatValue(r.value, r.unit),
    r.unit,
    formatRatio(r.vsFloorA),
    formatRatio(r.vsFloorB),
    r.peakRssMb === null ? "" : r.peakRssMb.toFixed(1),
    r.target ?? "",
    r.status ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    c
      .map((v, i) => (rightAligned.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [
    machineLine(options),
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...cells.map(line),
  ];
  const notes = noteLines(outcomes, options);
  if (notes.length > 0) out.push("", ...notes);
  out.push("", "Targets are information only; the exit code is 0 either way.");
  return out.join("\n");
}

function roundFigure(result: ScenarioResult): string {
  if (result.kind === "workflow") return `${Math.round(result.totalMs)} ms`;
  if (result.kind === "throughput") return Math.round(result.jobsPerSec).toLocaleString("en-US");
  if (result.lag === null) return "-";
  return `${result.lag.p50}/${result.lag.p99}/${result.lag.max}`;
}

/** Kairos / floor per round, pairing runs of the same round (they ran seconds apart). */
function pairedRatios(outcomes: Outcomes, name: ScenarioName, floor: ScenarioName): number[] {
  const a = outcomes[name];
  const b = outcomes[floor];
  if (a === undefined || b === undefined || "skipped" in a || "skipped" in b) return [];
  const ratios: number[] = [];
  a.runs.forEach((run, i) => {
    const other = b.runs[i];
    if (!run.ok || !other?.ok) return;
    const x = run.report.result;
    const y = other.report.result;
    if (x.kind === "throughput" && y.kind === "throughput")
      ratios.push(x.jobsPerSec / y.jobsPerSec);
  });
  return ratios;
}

function noteLines(outcomes: Outcomes, options: BenchOptions): string[] {
  const lines: string[] = [];
  for (const name of options.scenarios) {
    const runs = outcomes[name];
    if (runs === undefined) continue;
    if ("skipped" in runs) {
      lines.push(`${name}: skipped: ${runs.skipped}`);
      continue;
    }
    const agg = aggregate(runs);
    const failures = runs.runs.flatMap((o) => (o.ok ? [] : [o.failure.error]));
    for (const error of failures) {
      lines.push(`${name}: FAILED: ${error.split("\n").slice(0, 6).join("\n    ")}`);
    }
    if (agg === null) continue;
    if (isWorkflowScenario(name)) {
      lines.push(workflowNote(name, runs));
      continue;
    }
    const r = agg.report;
    const unit = r.result.kind === "throughput" ? "jobs/s" : "ms p50/p99/max";
    if (r.result.kind === "schedule") {
      lines.push(`${name}: ${scheduleNotes(agg.rounds, r).join("; ")}`);
      continue;
    }
    const extra: string[] = [`rounds ${agg.rounds.map(roundFigure).join(", ")} ${unit}`];
    if (name === "process-c10-retained") {
      const empty = ratio(throughput(outcomes, name), throughput(outcomes, "process-c10"));
      if (empty !== null)
        extra.push(`${empty.toFixed(2)}x process-c10 (the same on an empty table)`);
    }
    if (
      name === "process-c10" ||
      name === "process-c100" ||
      name === "process-c10-retained" ||
      name === "process-c10-backlog"
    ) {
      for (const floor of ["floor-a", "floor-b"] as const) {
        const ratios = pairedRatios(outcomes, name, floor);
        if (ratios.length > 0) {
          extra.push(`per-round /${floor} ${ratios.map((x) => `${x.toFixed(2)}x`).join(", ")}`);
        }
      }
    }
    if (r.result.kind === "lag") {
      const e = r.result.eventLag;
      if (e !== null) extra.push(`job:started at-runAt p50/p99/max ${e.p50}/${e.p99}/${e.max} ms`);
      extra.push(`enqueue ${r.result.enqueueMs.toFixed(0)} ms`);
    }
    extra.push(...r.notes);
    extra.push(`baseline RSS ${(r.baselineRssBytes / MB).toFixed(1)} MB`);
    lines.push(`${name}: ${extra.join("; ")}`);
  }
  return lines;
}

function scheduleNotes(rounds: readonly ScenarioResult[], r: ChildReport): string[] {
  const x = r.result;
  if (x.kind !== "schedule") return [];
  const extra = [`rounds ${rounds.map(roundFigure).join(", ")} ms fire lag p50/p99/max`];
  const f = x.firedLag;
  if (f !== null) {
    extra.push(`of which slot -> schedule:fired p50/p99/max ${f.p50}/${f.p99}/${f.max} ms`);
  }
  extra.push(
    `fires expected ${x.firesExpected}, seen ${x.firesSeen}` +
      (x.duplicateFires > 0 ? `, DUPLICATES ${x.duplicateFires}` : ", no duplicates") +
      (x.notStarted > 0 ? `, ${x.notStarted} not started` : ""),
  );
  extra.push(...r.notes);
  extra.push(
    `window peak RSS ${(x.windowPeakRssBytes / MB).toFixed(1)} MB`,
    `baseline RSS ${(r.baselineRssBytes / MB).toFixed(1)} MB`,
  );
  return extra;
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    totalMemMb: Math.round(os.totalmem() / MB),
    loadAvg1m: os.loadavg()[0] ?? null,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

function machineLine(options: BenchOptions): string {
  const m = machine();
  const parts = [`Kairos bench — store ${options.store}${options.quick ? " (--quick)" : ""}`];
  if (options.scenarios.some((s) => !isScheduleScenario(s))) {
    parts.push(
      `${options.jobs.toLocaleString("en-US")} jobs, median of ${options.rounds} round(s)`,
    );
  }
  if (options.scenarios.some(isScheduleScenario)) {
    parts.push(
      `schedules: ${options.schedWindowMs / 1000} s window, median of ${options.schedRounds} round(s)`,
    );
  }
  return (
    `${parts.join(", ")}; ${m.cpus} cores (${m.cpuModel}), ` +
    `node ${m.node}, load ${m.loadAvg1m?.toFixed(2) ?? "?"}`
  );
}

/** The single JSON object printed by `--json`. */
export function renderJson(
  rows: readonly Row[],
  outcomes: Outcomes,
  options: BenchOptions,
): string {
  return JSON.stringify(
    {
      machine: machine(),
      options: {
        store: options.store,
        quick: options.quick,
        jobs: options.jobs,
        lagJobs: options.lagJobs,
        rounds: options.rounds,
        schedRounds: options.schedRounds,
        schedWindowMs: options.schedWindowMs,
        retainedJobs: options.retainedJobs,
        backlogJobs: options.backlogJobs,
        backlogShape: options.backlogShape,
        scenarios: options.scenarios,
      },
      rows,
      targets: checkTargets(outcomes),
      scenarios: Object.fromEntries(
        Object.entries(outcomes).map(([name, runs]) => [name, { ...runs, ...aggregate(runs) }]),
      ),
    },
    null,
    2,
  );
}
