/**
 * @module bench/wf-report
 * Figures and targets of the workflow scenarios (wf-chain, wf-fanout), shared by the SQLite
 * report (bench/report.ts, rows of its table) and the PostgreSQL one (bench/pg-main.ts, a
 * table of its own below Kairos vs Graphile). Targets are information only, as everywhere.
 *
 * Planner overhead per task = summed wall time of the workflow store's `updateRun` calls
 * during the run (each reads the run's snapshot, runs `decideAdvance` and writes the change,
 * in one transaction) / the run's tasks. On PostgreSQL it includes round trips and waiting
 * for the run's lock.
 */
import { aggregate } from "./aggregate.js";
import type { ScenarioRuns, WorkflowResult, WorkflowScenarioName } from "./types.js";

type Status = "PASS" | "MISS" | "n/a";

/** The stores the workflow targets are stated for. */
export type WfStore = "sqlite" | "postgres";

/** Hand-off p50 target (ms) per store: Airflow needs 1.5-2.8 s between tasks. */
export const HANDOFF_P50_TARGET_MS: Readonly<Record<WfStore, number>> = {
  sqlite: 5,
  postgres: 20,
};

/** Planner overhead target, ms per task (both stores). */
export const PLANNER_TARGET_MS_PER_TASK = 0.5;

/** A row in the shape of bench/report.ts's Row (figures only). */
export interface WfRow {
  readonly scenario: string;
  readonly figure: string;
  readonly value: number | null;
  readonly unit: string;
  readonly target: string | null;
  readonly status: Status | null;
}

/** A target check in the shape of bench/report.ts's TargetCheck. */
export interface WfTarget {
  readonly id: string;
  readonly description: string;
  readonly value: number | null;
  readonly threshold: number;
  readonly status: Status;
}

export type WfOutcomes = Partial<Record<WorkflowScenarioName, ScenarioRuns>>;

/** The median figures of one workflow scenario, or null. */
export function workflowResult(runs: ScenarioRuns | undefined): WorkflowResult | null {
  const r = aggregate(runs)?.report.result;
  return r?.kind === "workflow" ? r : null;
}

/** updateRun wall time per task of the run, ms. */
export function plannerMsPerTask(r: WorkflowResult): number {
  return r.updateRunMs / r.tasks;
}

export function workflowLabel(name: WorkflowScenarioName): string {
  return name === "wf-chain"
    ? "kairos workflow chain, 200 no-op tasks"
    : "kairos workflow fan-out/fan-in, 10,000 no-op tasks, c=100";
}

function status(value: number | null, threshold: number): Status {
  return value === null ? "n/a" : value <= threshold ? "PASS" : "MISS";
}

/** The two workflow targets on `store`. */
export function workflowTargets(outcomes: WfOutcomes, store: WfStore): WfTarget[] {
  const chain = workflowResult(outcomes["wf-chain"]);
  const fanout = workflowResult(outcomes["wf-fanout"]);
  const handoff = chain?.handoff?.p50 ?? null;
  const planner = fanout === null ? null : plannerMsPerTask(fanout);
  const threshold = HANDOFF_P50_TARGET_MS[store];
  return [
    {
      id: "wf-chain-handoff-p50",
      description: `workflow hand-off p50 <= ${threshold} ms (task end -> successor start)`,
      value: handoff,
      threshold,
      status: status(handoff, threshold),
    },
    {
      id: "wf-fanout-planner-per-task",
      description: `workflow planner overhead <= ${PLANNER_TARGET_MS_PER_TASK} ms per task (updateRun)`,
      value: planner,
      threshold: PLANNER_TARGET_MS_PER_TASK,
      status: status(planner, PLANNER_TARGET_MS_PER_TASK),
    },
  ];
}

/** The rows of one workflow scenario (none when it did not run). */
export function workflowRows(
  name: WorkflowScenarioName,
  r: WorkflowResult,
  targets: readonly WfTarget[],
): WfRow[] {
  const scenario = workflowLabel(name);
  const row = (figure: string, value: number | null, unit: string, t?: WfTarget): WfRow => ({
    scenario,
    figure,
    value,
    unit,
    target: t ? `<= ${t.threshold} ${unit}` : null,
    status: t ? t.status : null,
  });
  const planner = plannerMsPerTask(r);
  if (name === "wf-chain") {
    const t = targets.find((x) => x.id === "wf-chain-handoff-p50");
    return [
      row("hand-off p50", r.handoff?.p50 ?? null, "ms", t),
      row("hand-off p99", r.handoff?.p99 ?? null, "ms"),
      row("hand-off max", r.handoff?.max ?? null, "ms"),
      row("total", r.totalMs, "ms"),
      row("planner/task", planner, "ms"),
    ];
  }
  const t = targets.find((x) => x.id === "wf-fanout-planner-per-task");
  return [
    row("total", r.totalMs, "ms"),
    row("tasks/s", (r.tasks * 1000) / r.totalMs, "tasks/s"),
    row("planner/task", planner, "ms", t),
    row("decide/task", r.decideMs / r.tasks, "ms"),
    row("wall/task", r.totalMs / r.tasks, "ms"),
  ];
}

/** One note line of a workflow scenario: the rounds and the raw planner counters. */
export function workflowNote(name: WorkflowScenarioName, runs: ScenarioRuns | undefined): string {
  const agg = aggregate(runs);
  if (agg === null) return `${name}: no successful round`;
  const rounds = agg.rounds
    .filter((x): x is WorkflowResult => x.kind === "workflow")
    .map((x) =>
      name === "wf-chain"
        ? `${x.handoff?.p50 ?? "-"}/${x.handoff?.p99 ?? "-"} ms in ${Math.round(x.totalMs)} ms`
        : `${Math.round(x.totalMs)} ms, ${plannerMsPerTask(x).toFixed(3)} ms/task`,
    );
  const r = agg.report.result as WorkflowResult;
  const h = r.handlerHandoff;
  return [
    `${name}: rounds ${rounds.join(", ")}`,
    `updateRun ${r.updateRuns} calls, ${Math.round(r.updateRunMs)} ms (decide ${Math.round(r.decideMs)} ms)`,
    `CPU ${Math.round(r.cpuMs)} ms`,
    ...(h
      ? [`handler end -> next handler start p50/p99 ${h.p50.toFixed(2)}/${h.p99.toFixed(2)} ms`]
      : []),
    ...agg.report.notes,
  ].join("; ");
}

/** A plain-text table of the workflow rows (the PostgreSQL report appends it). */
export function renderWorkflowTable(
  outcomes: WfOutcomes,
  store: WfStore,
  names: readonly WorkflowScenarioName[],
): string {
  const targets = workflowTargets(outcomes, store);
  const rows = names.flatMap((n) => {
    const r = workflowResult(outcomes[n]);
    return r === null ? [] : workflowRows(n, r, targets);
  });
  const cells = rows.map((r, i) => [
    i > 0 && rows[i - 1]!.scenario === r.scenario ? "" : r.scenario,
    r.figure,
    r.value === null ? "-" : r.value.toFixed(r.unit === "ms" && r.value < 10 ? 3 : 1),
    r.unit,
    r.target ?? "",
    r.status ?? "",
  ]);
  const header = ["workflow scenario", "figure", "value", "unit", "target", "status"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => (i === 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const notes = names.map((n) => workflowNote(n, outcomes[n]));
  return [
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...cells.map(line),
    "",
    ...notes,
  ].join("\n");
}
