/**
 * @module bench/backlog-report
 * The rows and targets of `process-c10-backlog` (issue 14, item 4): its throughput against
 * process-c10's of the same run (target >= 0.80x) and its worker process's peak RSS (target
 * <= 150 MB), plus the worker's start-up as information.
 */
import type { BacklogWorkerReport, ScenarioResult } from "./types.js";

/** Throughput with a million-row backlog, as a share of the empty table's. */
export const BACKLOG_RATIO_TARGET = 0.8;
/** Peak RSS of the worker process with the backlog in the store, MB. */
export const BACKLOG_RSS_TARGET_MB = 150;

const MB = 1024 * 1024;

type Status = "PASS" | "MISS" | "n/a";

interface BacklogCheck {
  readonly id: string;
  readonly description: string;
  readonly value: number | null;
  readonly threshold: number;
  readonly status: Status;
}

/** The worker's report carried by the scenario's result, if any. */
export function backlogWorker(result: ScenarioResult | undefined): BacklogWorkerReport | null {
  return result?.kind === "throughput" ? (result.worker ?? null) : null;
}

/**
 * The two targets, from the scenario's median throughput and worker report and process-c10's
 * median throughput (null when a figure is missing).
 */
export function backlogTargets(
  backlogJobsPerSec: number | null,
  emptyJobsPerSec: number | null,
  worker: BacklogWorkerReport | null,
): BacklogCheck[] {
  const ratio =
    backlogJobsPerSec === null || emptyJobsPerSec === null || emptyJobsPerSec === 0
      ? null
      : backlogJobsPerSec / emptyJobsPerSec;
  const rssMb = worker === null ? null : worker.peakRssBytes / MB;
  const status = (v: number | null, ok: (x: number) => boolean): Status =>
    v === null ? "n/a" : ok(v) ? "PASS" : "MISS";
  return [
    {
      id: "process-c10-backlog-vs-empty",
      description: `processing c=10 with the backlog stored >= ${BACKLOG_RATIO_TARGET.toFixed(2)}x process-c10`,
      value: ratio,
      threshold: BACKLOG_RATIO_TARGET,
      status: status(ratio, (v) => v >= BACKLOG_RATIO_TARGET),
    },
    {
      id: "process-c10-backlog-rss",
      description: `worker peak RSS with the backlog stored <= ${BACKLOG_RSS_TARGET_MB} MB`,
      value: rssMb,
      threshold: BACKLOG_RSS_TARGET_MB,
      status: status(rssMb, (v) => v <= BACKLOG_RSS_TARGET_MB),
    },
  ];
}

/** The figure rows after the throughput row: ratio, peak RSS (both targets), start-up. */
export function backlogRows(
  scenario: string,
  checks: readonly BacklogCheck[],
  worker: BacklogWorkerReport | null,
) {
  const blank = { vsFloorA: null, vsFloorB: null, peakRssMb: null };
  const [ratio, rss] = checks;
  return [
    {
      ...blank,
      scenario,
      figure: "/process-c10",
      value: ratio?.value ?? null,
      unit: "x",
      target: `>= ${BACKLOG_RATIO_TARGET.toFixed(2)}x`,
      status: ratio?.status ?? "n/a",
    },
    {
      ...blank,
      scenario,
      figure: "worker peak RSS",
      value: rss?.value ?? null,
      unit: "MB",
      target: `<= ${BACKLOG_RSS_TARGET_MB} MB`,
      status: rss?.status ?? "n/a",
    },
    {
      ...blank,
      scenario,
      figure: "first job",
      value: worker?.firstJobMs ?? null,
      unit: "ms",
      target: null,
      status: null,
    },
  ];
}
