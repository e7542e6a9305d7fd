/**
 * @module bench/pg-report
 * The PostgreSQL bench's table: one row per figure, Kairos and Graphile Worker side by side,
 * the ratio Kairos / Graphile for throughput, and the targets:
 *
 * - processing throughput, Kairos >= 1.5x Graphile (each of c=10 and c=100, with 1 and with 3
 *   worker processes; issue 14);
 * - start lag spread over 2 s, Kairos p99 < 50 ms (1 and 3 worker processes).
 *
 * Figures are medians over the rounds (peak RSS: the max). Targets are information only.
 */
import type { BenchOptions } from "./args.js";
import { median, medianSummary } from "./aggregate.js";
import type { BenchPostgres } from "./pg-server.js";
import {
  GRAPHILE_PRESET,
  GRAPHILE_VERSION,
  PG_SCENARIOS,
  splitConcurrency,
  type PgChildReport,
  type PgDbStats,
  type PgLagResult,
  type PgScenario,
  type PgScenarioName,
  type PgScenarioResult,
  type PgScenarioRuns,
  type PgShape,
  type PgSystem,
  type PgThroughputResult,
} from "./pg-types.js";
import { machine, type Status, type TargetCheck } from "./report.js";

export type PgOutcomes = Partial<Record<PgScenarioName, PgScenarioRuns>>;

export interface PgRow {
  readonly scenario: string;
  readonly figure: string;
  readonly unit: string;
  readonly kairos: number | null;
  readonly graphile: number | null;
  /** Kairos / Graphile, for throughput figures. */
  readonly ratio: number | null;
  /** Peak RSS of the scenario's largest process (a worker; the producer for enqueue). */
  readonly kairosRssMb: number | null;
  readonly graphileRssMb: number | null;
  readonly target: string | null;
  readonly status: Status | null;
}

/** A scenario's figures over its rounds. */
export interface PgAggregated {
  readonly result: PgScenarioResult;
  readonly rounds: readonly PgChildReport[];
  readonly failures: readonly string[];
  /** Max over rounds and processes (workers and producer). */
  readonly peakRssBytes: number;
  readonly db: PgDbStats | null;
}

const MB = 1024 * 1024;

/** Kairos's processing throughput >= this many times Graphile Worker's (issue 14, item 2). */
export const PG_VS_GRAPHILE_TARGET = 1.5;

/**
 * Settings left out of the table's header (the JSON has them all): locale and formatting that
 * initdb writes, and the address of the private server.
 */
const COSMETIC_SETTINGS =
  /^(lc_\w+|DateStyle|TimeZone|log_timezone|default_text_search_config|listen_addresses|port|unix_socket_directories|dynamic_shared_memory_type)$/;

export function aggregatePg(runs: PgScenarioRuns | undefined): PgAggregated | null {
  if (runs === undefined) return null;
  const reports = runs.runs.flatMap((o) => (o.ok ? [o.report] : []));
  const failures = runs.runs.flatMap((o) => (o.ok ? [] : [o.failure.error]));
  if (reports.length === 0) return null;
  const results = reports.map((r) => r.result);
  const first = results[0]!;
  let result: PgScenarioResult;
  if (first.kind === "throughput") {
    const all = results as PgThroughputResult[];
    const confirms = all.map((r) => r.confirmMs).filter((v): v is number => v !== null);
    result = {
      ...first,
      elapsedMs: median(all.map((r) => r.elapsedMs)),
      jobsPerSec: median(all.map((r) => r.jobsPerSec)),
      confirmMs: confirms.length > 0 ? median(confirms) : null,
    };
  } else {
    const all = results as PgLagResult[];
    const events = all.flatMap((r) => (r.eventLag === null ? [] : [r.eventLag]));
    result = {
      ...first,
      lag: medianSummary(all.map((r) => r.lag)),
      eventLag: events.length > 0 ? medianSummary(events) : null,
      enqueueMs: median(all.map((r) => r.enqueueMs)),
      lateEnqueues: Math.max(...all.map((r) => r.lateEnqueues)),
    };
  }
  const peaks = reports.flatMap((r) => [
    r.producerPeakRssBytes,
    ...r.result.workers.map((w) => w.peakRssBytes),
  ]);
  const dbs = reports.flatMap((r) => (r.db ? [r.db] : []));
  const db =
    dbs.length > 0
      ? {
          xactCommit: median(dbs.map((d) => d.xactCommit)),
          walSync: median(dbs.map((d) => d.walSync)),
          walBytes: median(dbs.map((d) => d.walBytes)),
        }
      : null;
  return { result, rounds: reports, failures, peakRssBytes: Math.max(...peaks), db };
}

/** The two scenarios (Kairos, Graphile) of one figure. */
interface Pair {
  readonly shape: PgShape;
  readonly workers: 0 | 1 | 3;
  readonly kairos: PgScenario | undefined;
  readonly graphile: PgScenario | undefined;
}

function pairs(selected: readonly PgScenarioName[]): Pair[] {
  const out: Pair[] = [];
  for (const s of PG_SCENARIOS) {
    if (!selected.includes(s.name)) continue;
    let pair = out.find((p) => p.shape === s.shape && p.workers === s.workers);
    if (pair === undefined) {
      pair = { shape: s.shape, workers: s.workers, kairos: undefined, graphile: undefined };
      out.push(pair);
    }
    (pair as { -readonly [K in PgSystem]: PgScenario | undefined })[s.system] = s;
  }
  return out;
}

function pairLabel(pair: Pair, options: BenchOptions): string {
  const n = options.jobs.toLocaleString("en-US");
  const lag = options.lagJobs.toLocaleString("en-US");
  const procs = pair.workers === 1 ? "1 worker process" : `${pair.workers} worker processes`;
  const split = (total: number) =>
    pair.workers === 3 ? ` (${splitConcurrency(total, 3).join("+")})` : "";
  switch (pair.shape) {
    case "enqueue":
      return `enqueue ${n} in batches of 1,000`;
    case "process-c10":
      return `processing c=10${split(10)}, ${procs}, ${n} jobs`;
    case "process-c100":
      return `processing c=100${split(100)}, ${procs}, ${n} jobs`;
    case "lag-burst":
      return `start lag, ${lag} due at one instant, c=100, ${procs}`;
    case "lag-spread":
      return `start lag, ${lag} spread over 2 s, c=100, ${procs}`;
  }
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function check(value: number | null, ok: (v: number) => boolean): Status {
  return value === null ? "n/a" : ok(value) ? "PASS" : "MISS";
}

function throughputOf(agg: PgAggregated | null): number | null {
  return agg?.result.kind === "throughput" ? agg.result.jobsPerSec : null;
}

function lagOf(agg: PgAggregated | null): PgLagResult["lag"] | null {
  return agg?.result.kind === "lag" ? agg.result.lag : null;
}

function targetId(pair: Pair): string | null {
  const suffix = pair.workers === 3 ? "-x3" : "";
  if (pair.shape === "process-c10" || pair.shape === "process-c100") {
    return `${pair.shape}${suffix}-vs-graphile`;
  }
  if (pair.shape === "lag-spread") return `lag-spread${suffix}-p99`;
  return null;
}

/** The targets: Kairos/Graphile processing throughput >= 1.5x; spread lag p99 < 50 ms. */
export function checkPgTargets(outcomes: PgOutcomes, options: BenchOptions): TargetCheck[] {
  const targets: TargetCheck[] = [];
  for (const pair of pairs(options.pgScenarios)) {
    const id = targetId(pair);
    if (id === null) continue;
    const k = pair.kairos ? aggregatePg(outcomes[pair.kairos.name]) : null;
    const g = pair.graphile ? aggregatePg(outcomes[pair.graphile.name]) : null;
    const procs = pair.workers === 1 ? "1 worker process" : `${pair.workers} worker processes`;
    if (pair.shape === "lag-spread") {
      const p99 = lagOf(k)?.p99 ?? null;
      targets.push({
        id,
        description: `Kairos start-lag p99 < 50 ms, 2,000 jobs spread over 2 s, ${procs}`,
        value: p99,
        threshold: 50,
        status: check(p99, (v) => v < 50),
      });
    } else {
      const r = ratio(throughputOf(k), throughputOf(g));
      targets.push({
        id,
        description: `Kairos processing throughput >= ${PG_VS_GRAPHILE_TARGET}x Graphile Worker, ${pair.shape}, ${procs}`,
        value: r,
        threshold: PG_VS_GRAPHILE_TARGET,
        status: check(r, (v) => v >= PG_VS_GRAPHILE_TARGET),
      });
    }
  }
  return targets;
}

export function buildPgRows(outcomes: PgOutcomes, options: BenchOptions): PgRow[] {
  const targets = new Map(checkPgTargets(outcomes, options).map((t) => [t.id, t]));
  const rows: PgRow[] = [];
  const blank = {
    ratio: null,
    kairosRssMb: null,
    graphileRssMb: null,
    target: null,
    status: null,
  };
  let kairosPeak: number | null = null;
  let graphilePeak: number | null = null;
  for (const pair of pairs(options.pgScenarios)) {
    const scenario = pairLabel(pair, options);
    const k = pair.kairos ? aggregatePg(outcomes[pair.kairos.name]) : null;
    const g = pair.graphile ? aggregatePg(outcomes[pair.graphile.name]) : null;
    const rss = {
      kairosRssMb: k ? k.peakRssBytes / MB : null,
      graphileRssMb: g ? g.peakRssBytes / MB : null,
    };
    if (k) kairosPeak = Math.max(kairosPeak ?? 0, k.peakRssBytes / MB);
    if (g) graphilePeak = Math.max(graphilePeak ?? 0, g.peakRssBytes / MB);
    const id = targetId(pair);
    const t = id === null ? undefined : targets.get(id);
    if (pair.shape === "enqueue" || pair.shape.startsWith("process")) {
      const kv = throughputOf(k);
      const gv = throughputOf(g);
      const isProcessing = pair.shape !== "enqueue";
      rows.push({
        ...blank,
        ...rss,
        scenario,
        figure: "throughput",
        unit: "jobs/s",
        kairos: kv,
        graphile: gv,
        ratio: ratio(kv, gv),
        target: isProcessing && t ? `>= ${PG_VS_GRAPHILE_TARGET.toFixed(2)}x` : null,
        status: isProcessing && t ? t.status : null,
      });
      continue;
    }
    const kl = lagOf(k);
    const gl = lagOf(g);
    rows.push({
      ...blank,
      ...rss,
      scenario,
      figure: "p50",
      unit: "ms",
      kairos: kl?.p50 ?? null,
      graphile: gl?.p50 ?? null,
    });
    rows.push({
      ...blank,
      scenario,
      figure: "p99",
      unit: "ms",
      kairos: kl?.p99 ?? null,
      graphile: gl?.p99 ?? null,
      target: t ? `kairos < ${t.threshold} ms` : null,
      status: t ? t.status : null,
    });
    rows.push({
      ...blank,
      scenario,
      figure: "max",
      unit: "ms",
      kairos: kl?.max ?? null,
      graphile: gl?.max ?? null,
    });
  }
  if (kairosPeak !== null || graphilePeak !== null) {
    rows.push({
      ...blank,
      scenario: "peak RSS of one process, all scenarios",
      figure: "max",
      unit: "MB",
      kairos: kairosPeak,
      graphile: graphilePeak,
    });
  }
  return rows;
}

function formatValue(value: number | null, unit: string): string {
  if (value === null) return "-";
  if (unit === "jobs/s") return Math.round(value).toLocaleString("en-US");
  return value.toFixed(1);
}

export function renderPgTable(
  rows: readonly PgRow[],
  outcomes: PgOutcomes,
  options: BenchOptions,
  server: BenchPostgres,
): string {
  const header = [
    "scenario",
    "figure",
    "kairos",
    "graphile",
    "unit",
    "kairos/graphile",
    "rss MB k",
    "rss MB g",
    "target",
    "status",
  ];
  const rightAligned = new Set([2, 3, 5, 6, 7]);
  const cells = rows.map((r, i) => [
    i > 0 && rows[i - 1]!.scenario === r.scenario ? "" : r.scenario,
    r.figure,
    formatValue(r.kairos, r.unit),
    formatValue(r.graphile, r.unit),
    r.unit,
    r.ratio === null ? "" : `${r.ratio.toFixed(2)}x`,
    r.kairosRssMb === null ? "" : r.kairosRssMb.toFixed(1),
    r.graphileRssMb === null ? "" : r.graphileRssMb.toFixed(1),
    r.target ?? "",
    r.status ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    c
      .map((v, i) => (rightAligned.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const m = machine();
  const out = [
    `Kairos bench — store postgres${options.quick ? " (--quick)" : ""}, ` +
      `${options.jobs.toLocaleString("en-US")} jobs, median of ${options.rounds} round(s); ` +
      `${m.cpus} cores (${m.cpuModel}), node ${m.node}, load ${m.loadAvg1m?.toFixed(2) ?? "?"}`,
    `PostgreSQL: ${server.version}`,
    `settings: ${server.settings
      .filter((s) => !COSMETIC_SETTINGS.test(s.name))
      .map((s) => `${s.name}=${s.setting}`)
      .join(", ")}; everything else at PostgreSQL's defaults`,
    `Graphile Worker ${GRAPHILE_VERSION}, preset ${JSON.stringify(GRAPHILE_PRESET)}, ` +
      `pollInterval 2000 ms (its default)`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...cells.map(line),
  ];
  const notes = pgNoteLines(outcomes, options);
  if (notes.length > 0) out.push("", ...notes);
  out.push(
    "",
    "rss MB: peak RSS of the scenario's largest process (a worker; the producer for enqueue).",
    "Targets are information only; the exit code is 0 either way.",
  );
  return out.join("\n");
}

function roundFigure(result: PgScenarioResult): string {
  if (result.kind === "throughput") return Math.round(result.jobsPerSec).toLocaleString("en-US");
  return `${result.lag.p50}/${result.lag.p99}/${result.lag.max}`;
}

/** Kairos / Graphile per round: the two ran seconds apart in the same round. */
function pairedRatios(outcomes: PgOutcomes, pair: Pair): number[] {
  if (!pair.kairos || !pair.graphile) return [];
  const a = outcomes[pair.kairos.name]?.runs ?? [];
  const b = outcomes[pair.graphile.name]?.runs ?? [];
  const out: number[] = [];
  a.forEach((run, i) => {
    const other = b[i];
    if (!run.ok || !other?.ok) return;
    const x = run.report.result;
    const y = other.report.result;
    if (x.kind === "throughput" && y.kind === "throughput") out.push(x.jobsPerSec / y.jobsPerSec);
  });
  return out;
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

function pgNoteLines(outcomes: PgOutcomes, options: BenchOptions): string[] {
  const lines: string[] = [];
  for (const pair of pairs(options.pgScenarios)) {
    for (const s of [pair.kairos, pair.graphile]) {
      if (s === undefined) continue;
      const runs = outcomes[s.name];
      if (runs === undefined) continue;
      for (const o of runs.runs) {
        if (!o.ok) {
          lines.push(
            `${s.name}: FAILED: ${o.failure.error.split("\n").slice(0, 6).join("\n    ")}`,
          );
        }
      }
      const agg = aggregatePg(runs);
      if (agg === null) continue;
      const r = agg.result;
      const jobs = r.jobs;
      const extra: string[] = [
        `rounds ${agg.rounds.map((x) => roundFigure(x.result)).join(", ")} ${
          r.kind === "throughput" ? "jobs/s" : "ms p50/p99/max"
        }`,
      ];
      if (s.system === "kairos" && r.kind === "throughput" && pair.shape !== "enqueue") {
        const ratios = pairedRatios(outcomes, pair);
        if (ratios.length > 0) {
          extra.push(`per-round /graphile ${ratios.map((x) => `${x.toFixed(2)}x`).join(", ")}`);
        }
      }
      if (r.kind === "throughput" && r.confirmMs !== null) {
        extra.push(`last handler -> DB shows all done ${r.confirmMs.toFixed(0)} ms`);
      }
      if (r.kind === "lag") {
        if (r.eventLag !== null) {
          extra.push(
            `job:started at-runAt p50/p99/max ${r.eventLag.p50}/${r.eventLag.p99}/${r.eventLag.max} ms`,
          );
        }
        extra.push(`enqueue ${r.enqueueMs.toFixed(0)} ms`);
        if (r.lateEnqueues > 0) extra.push(`LATE ENQUEUES ${r.lateEnqueues}`);
      }
      const last = agg.rounds[agg.rounds.length - 1]!;
      const workers = last.result.workers;
      if (workers.length > 0) {
        const cpu = median(
          agg.rounds.map((x) => x.result.workers.reduce((acc, w) => acc + w.cpuMs, 0)),
        );
        extra.push(
          `worker CPU ${Math.round(cpu).toLocaleString("en-US")} ms (${Math.round(
            (cpu * 1000) / jobs,
          )} µs/job)`,
          `last round: handled ${workers.map((w) => w.handled).join("/")}, ` +
            `start ${workers.map((w) => w.startupMs.toFixed(0)).join("/")} ms, ` +
            `worker peak RSS ${workers.map((w) => mb(w.peakRssBytes)).join("/")} MB ` +
            `(baseline ${mb(workers[0]!.baselineRssBytes)})`,
        );
      }
      if (agg.db !== null) {
        extra.push(
          `DB (whole scenario, incl. setup): ${agg.db.xactCommit.toLocaleString("en-US")} commits ` +
            `(${(agg.db.xactCommit / jobs).toFixed(2)}/job), ` +
            `${agg.db.walSync.toLocaleString("en-US")} WAL flushes ` +
            `(${(agg.db.walSync / jobs).toFixed(2)}/job), ${mb(agg.db.walBytes)} MB WAL`,
        );
      }
      extra.push(...new Set(agg.rounds.flatMap((x) => x.notes)));
      extra.push(
        `producer peak RSS ${mb(Math.max(...agg.rounds.map((x) => x.producerPeakRssBytes)))} MB`,
      );
      lines.push(`${s.name}: ${extra.join("; ")}`);
    }
  }
  return lines;
}

export function renderPgJson(
  rows: readonly PgRow[],
  outcomes: PgOutcomes,
  options: BenchOptions,
  server: BenchPostgres,
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
        scenarios: options.pgScenarios,
      },
      postgres: { version: server.version, settings: server.settings },
      graphile: { version: GRAPHILE_VERSION, preset: GRAPHILE_PRESET, pollIntervalMs: 2000 },
      rows,
      targets: checkPgTargets(outcomes, options),
      scenarios: Object.fromEntries(
        Object.entries(outcomes).map(([name, runs]) => [name, { ...runs, ...aggregatePg(runs) }]),
      ),
    },
    null,
    2,
  );
}
