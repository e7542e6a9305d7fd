/**
 * @module bench/peer-report
 * The table of `npm run bench -- --peers`: per figure, Kairos embedded (SQLite) beside
 * BullMQ and Graphile Worker from the same run, the best peer, Kairos's ratio to it, and the
 * issue's target (processing at c=10 and c=100: Kairos >= 2x the best peer; the burst start
 * lag p99 <= 20 ms). Figures are medians over the rounds. Targets are information only.
 *
 * The ratio always reads "how many times better Kairos is": Kairos / best peer for
 * throughput, best peer / Kairos for a lag (lower is better there).
 */
import type { BenchOptions } from "./args.js";
import { aggregate, median, medianSummary } from "./aggregate.js";
import type { PeerSetup } from "./peers.js";
import {
  BULLMQ_VERSION,
  PEER_SHAPES,
  PEER_SYSTEMS,
  type PeerLag,
  type PeerOutcomes,
  type PeerResult,
  type PeerRuns,
  type PeerShape,
  type PeerSystem,
  type PeerThroughput,
} from "./peer-types.js";
import { REDIS_DURABILITY } from "./peer-redis.js";
import { GRAPHILE_PRESET, GRAPHILE_VERSION } from "./pg-types.js";
import type { Outcomes, Status, TargetCheck } from "./report.js";

/** Kairos >= this many times the best peer's processing throughput (issue 14, item 3). */
export const PEER_THROUGHPUT_TARGET = 2;
/** Burst start lag p99, in ms (issue 14, item 3). */
export const BURST_LAG_P99_TARGET_MS = 20;

/** One figure of the peers table. */
export interface PeerRow {
  readonly shape: PeerShape;
  readonly scenario: string;
  readonly figure: "throughput" | "p50" | "p99";
  readonly unit: "jobs/s" | "ms";
  readonly kairos: number | null;
  readonly bullmq: number | null;
  readonly graphile: number | null;
  /** The best peer that has a figure (null when none has). */
  readonly bestPeer: PeerSystem | null;
  /** How many times better Kairos is than the best peer (see the module comment). */
  readonly ratio: number | null;
  readonly target: string | null;
  readonly status: Status | null;
}

/** A peer scenario's rounds folded into medians. */
export interface PeerAggregated {
  readonly result: PeerResult;
  readonly rounds: readonly PeerResult[];
  readonly failures: readonly string[];
  readonly peakRssBytes: number;
  readonly notes: readonly string[];
}

/** Medians over the successful rounds (peak RSS: the max); null when none succeeded. */
export function aggregatePeer(runs: PeerRuns | undefined): PeerAggregated | null {
  if (runs === undefined || "skipped" in runs) return null;
  const reports = runs.runs.flatMap((o) => (o.ok ? [o.report] : []));
  const failures = runs.runs.flatMap((o) => (o.ok ? [] : [o.error]));
  if (reports.length === 0) return null;
  const rounds = reports.map((r) => r.result);
  const first = rounds[0]!;
  let result: PeerResult;
  if (first.kind === "throughput") {
    const all = rounds as PeerThroughput[];
    result = {
      ...first,
      elapsedMs: median(all.map((r) => r.elapsedMs)),
      jobsPerSec: median(all.map((r) => r.jobsPerSec)),
    };
  } else {
    const all = rounds as PeerLag[];
    result = {
      ...first,
      lag: medianSummary(all.map((r) => r.lag)),
      enqueueMs: median(all.map((r) => r.enqueueMs)),
      lateEnqueues: Math.max(...all.map((r) => r.lateEnqueues)),
    };
  }
  return {
    result,
    rounds,
    failures,
    peakRssBytes: Math.max(...reports.map((r) => r.peakRssBytes)),
    notes: [...new Set(reports.flatMap((r) => r.notes))],
  };
}

/**
 * The best of the peers' figures (the highest when `better` is "higher", the lowest when
 * "lower"; peers without a figure are left out) and how many times better Kairos is than it.
 * Null ratio when Kairos or every peer has no figure, or a figure is zero.
 */
export function compareWithPeers(
  kairos: number | null,
  peers: Readonly<Record<PeerSystem, number | null>>,
  better: "higher" | "lower",
): { bestPeer: PeerSystem | null; best: number | null; ratio: number | null } {
  let bestPeer: PeerSystem | null = null;
  let best: number | null = null;
  for (const system of PEER_SYSTEMS) {
    const v = peers[system];
    if (v === null) continue;
    if (best === null || (better === "higher" ? v > best : v < best)) {
      best = v;
      bestPeer = system;
    }
  }
  if (kairos === null || best === null) return { bestPeer, best, ratio: null };
  const [num, den] = better === "higher" ? [kairos, best] : [best, kairos];
  return { bestPeer, best, ratio: den === 0 ? null : num / den };
}

/** PASS when `value` is at least `threshold`, MISS below it, n/a without a value. */
export function atLeast(value: number | null, threshold: number): Status {
  return value === null ? "n/a" : value >= threshold ? "PASS" : "MISS";
}

/** PASS when `value` is at most `threshold`, MISS above it, n/a without a value. */
export function atMost(value: number | null, threshold: number): Status {
  return value === null ? "n/a" : value <= threshold ? "PASS" : "MISS";
}

/** Throughput (jobs/s) or lag summary of one aggregated result, as the row needs it. */
function figureOf(
  result: PeerResult | { kind: string } | null | undefined,
  figure: PeerRow["figure"],
): number | null {
  if (result === null || result === undefined) return null;
  if (figure === "throughput") {
    return result.kind === "throughput" ? (result as PeerThroughput).jobsPerSec : null;
  }
  return result.kind === "lag" ? (result as PeerLag).lag[figure] : null;
}

function label(shape: PeerShape, options: BenchOptions): string {
  const n = options.jobs.toLocaleString("en-US");
  switch (shape) {
    case "enqueue":
      return `enqueue ${n} in batches of 1,000`;
    case "process-c10":
      return `processing c=10, ${n} jobs`;
    case "process-c100":
      return `processing c=100, ${n} jobs`;
    case "lag-burst":
      return `start lag, ${options.lagJobs.toLocaleString("en-US")} due at one instant`;
  }
}

/** The peers targets, for the table and the JSON. */
export function checkPeerTargets(rows: readonly PeerRow[]): TargetCheck[] {
  return rows.flatMap((r): TargetCheck[] => {
    if (r.status === null) return [];
    if (r.figure === "throughput") {
      return [
        {
          id: `${r.shape}-vs-best-peer`,
          description: `Kairos embedded ${r.shape} >= ${PEER_THROUGHPUT_TARGET}x the best peer (BullMQ, Graphile Worker) in the same run`,
          value: r.ratio,
          threshold: PEER_THROUGHPUT_TARGET,
          status: r.status,
        },
      ];
    }
    return [
      {
        id: `${r.shape}-${r.figure}`,
        description: `Kairos embedded start-lag ${r.figure} <= ${BURST_LAG_P99_TARGET_MS} ms, burst at one instant`,
        value: r.kairos,
        threshold: BURST_LAG_P99_TARGET_MS,
        status: r.status,
      },
    ];
  });
}

/** One row per figure, for the shapes that have peer scenarios in `peers`. */
export function buildPeerRows(
  kairos: Outcomes,
  peers: PeerOutcomes,
  options: BenchOptions,
): PeerRow[] {
  const rows: PeerRow[] = [];
  for (const shape of PEER_SHAPES) {
    if (!PEER_SYSTEMS.some((s) => peers[`${s}-${shape}`] !== undefined)) continue;
    const k = aggregate(kairos[shape])?.report.result ?? null;
    const figures: PeerRow["figure"][] = shape === "lag-burst" ? ["p50", "p99"] : ["throughput"];
    for (const figure of figures) {
      const values = {
        bullmq: figureOf(aggregatePeer(peers[`bullmq-${shape}`])?.result, figure),
        graphile: figureOf(aggregatePeer(peers[`graphile-${shape}`])?.result, figure),
      };
      const kv = figureOf(k, figure);
      const cmp = compareWithPeers(kv, values, figure === "throughput" ? "higher" : "lower");
      const processing = shape === "process-c10" || shape === "process-c100";
      const target = processing
        ? `>= ${PEER_THROUGHPUT_TARGET.toFixed(2)}x best peer`
        : figure === "p99"
          ? `kairos <= ${BURST_LAG_P99_TARGET_MS} ms`
          : null;
      const status = processing
        ? atLeast(cmp.ratio, PEER_THROUGHPUT_TARGET)
        : figure === "p99"
          ? atMost(kv, BURST_LAG_P99_TARGET_MS)
          : null;
      rows.push({
        shape,
        scenario: label(shape, options),
        figure,
        unit: figure === "throughput" ? "jobs/s" : "ms",
        kairos: kv,
        ...values,
        bestPeer: cmp.bestPeer,
        ratio: cmp.ratio,
        target,
        status,
      });
    }
  }
  return rows;
}

function formatValue(value: number | null, unit: string): string {
  if (value === null) return "-";
  return unit === "jobs/s" ? Math.round(value).toLocaleString("en-US") : value.toFixed(1);
}

/** What each system ran on, one line each. */
export function peerSetupLines(setup: PeerSetup): string[] {
  const bull =
    "skipped" in setup.bullmq
      ? `BullMQ ${BULLMQ_VERSION}: SKIPPED: ${setup.bullmq.skipped}`
      : `BullMQ ${BULLMQ_VERSION} on redis-server ${setup.bullmq.redisVersion}, ${REDIS_DURABILITY}, ` +
        `a fresh server per run; completed jobs kept (its default)`;
  const graphile =
    "skipped" in setup.graphile
      ? `Graphile Worker ${GRAPHILE_VERSION}: SKIPPED: ${setup.graphile.skipped}`
      : `Graphile Worker ${GRAPHILE_VERSION}, preset ${JSON.stringify(GRAPHILE_PRESET)}, ` +
        `1 worker process, on ${setup.graphile.postgresVersion.split(",")[0]} ` +
        `(fsync on, synchronous_commit on), a fresh database per run`;
  return [
    "Kairos embedded: SQLite, WAL, synchronous = NORMAL, a fresh file per run",
    bull,
    graphile,
  ];
}

/** The aligned peers table, with what each system ran on and the notes. */
export function renderPeerTable(
  rows: readonly PeerRow[],
  setup: PeerSetup,
  peers: PeerOutcomes,
): string {
  const header = [
    "scenario",
    "figure",
    "kairos",
    "bullmq",
    "graphile",
    "unit",
    "kairos vs best peer",
    "target",
    "met?",
  ];
  const rightAligned = new Set([2, 3, 4, 6]);
  const cells = rows.map((r, i) => [
    i > 0 && rows[i - 1]!.scenario === r.scenario ? "" : r.scenario,
    r.figure,
    formatValue(r.kairos, r.unit),
    formatValue(r.bullmq, r.unit),
    formatValue(r.graphile, r.unit),
    r.unit,
    r.ratio === null ? "" : `${r.ratio.toFixed(2)}x (${r.bestPeer})`,
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
    "Peers: the same workload in the same rounds",
    ...peerSetupLines(setup),
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...cells.map(line),
  ];
  const notes = peerNoteLines(peers);
  if (notes.length > 0) out.push("", ...notes);
  out.push(
    "",
    "kairos vs best peer: Kairos / best peer for throughput, best peer / Kairos for a lag " +
      "(above 1x, Kairos is ahead).",
  );
  return out.join("\n");
}

function roundFigure(r: PeerResult): string {
  return r.kind === "throughput"
    ? Math.round(r.jobsPerSec).toLocaleString("en-US")
    : `${r.lag.p50}/${r.lag.p99}/${r.lag.max}`;
}

function peerNoteLines(peers: PeerOutcomes): string[] {
  const lines: string[] = [];
  for (const [name, runs] of Object.entries<PeerRuns>(peers)) {
    if ("skipped" in runs) continue;
    for (const o of runs.runs) {
      if (!o.ok) lines.push(`${name}: FAILED: ${o.error.split("\n").slice(0, 6).join("\n    ")}`);
    }
    const agg = aggregatePeer(runs);
    if (agg === null) continue;
    const unit = agg.result.kind === "throughput" ? "jobs/s" : "ms p50/p99/max";
    const extra = [`rounds ${agg.rounds.map(roundFigure).join(", ")} ${unit}`];
    if (agg.result.kind === "lag") extra.push(`enqueue ${agg.result.enqueueMs.toFixed(0)} ms`);
    extra.push(...agg.notes, `peak RSS ${(agg.peakRssBytes / (1024 * 1024)).toFixed(1)} MB`);
    lines.push(`${name}: ${extra.join("; ")}`);
  }
  return lines;
}

/** The `peers` member of `--json`: setup, rows (every figure and ratio), targets, rounds. */
export function peersJson(rows: readonly PeerRow[], setup: PeerSetup, peers: PeerOutcomes) {
  return {
    setup: {
      ...setup,
      kairos: { store: "sqlite", journalMode: "WAL", synchronous: "NORMAL" },
      bullmq: { version: BULLMQ_VERSION, durability: REDIS_DURABILITY, ...setup.bullmq },
      graphile: { version: GRAPHILE_VERSION, preset: GRAPHILE_PRESET, ...setup.graphile },
    },
    rows,
    targets: checkPeerTargets(rows),
    scenarios: Object.fromEntries(
      Object.entries(peers).map(([name, runs]) => [name, { ...runs, ...aggregatePeer(runs) }]),
    ),
  };
}
