/**
 * `process-c10-backlog` (issue 14, item 4): its options and its two targets, from the
 * children's reports (no process is run here).
 */
import { describe, expect, it } from "vitest";
import { parseBenchArgs, UsageError, type BenchOptions } from "../../bench/args.js";
import { buildRows, checkTargets, type Outcomes } from "../../bench/report.js";
import type { BacklogWorkerReport, ChildOutcome, ScenarioName } from "../../bench/types.js";

const MB = 1024 * 1024;

function options(argv: string[]): BenchOptions {
  const parsed = parseBenchArgs(argv);
  if (parsed === "help") throw new Error("unexpected help");
  return parsed;
}

function worker(peakMb: number): BacklogWorkerReport {
  return {
    jobs: 20_000,
    elapsedMs: 2_000,
    openMs: 20,
    startMs: 10,
    firstJobMs: 15,
    cpuUsPerJob: 70,
    baselineRssBytes: 60 * MB,
    peakRssBytes: peakMb * MB,
  };
}

function run(scenario: ScenarioName, jobsPerSec: number, peakMb?: number): ChildOutcome {
  const w = peakMb === undefined ? {} : { worker: worker(peakMb) };
  return {
    ok: true,
    report: {
      scenario,
      result: { kind: "throughput", jobs: 20_000, elapsedMs: 1, jobsPerSec, ...w },
      baselineRssBytes: 0,
      peakRssBytes: (peakMb ?? 100) * MB,
      notes: [],
    },
  };
}

describe("bench: process-c10-backlog", () => {
  it("seeds 1,000,000 queued jobs of the worker's function by default, 100,000 with --quick", () => {
    expect(options([])).toMatchObject({ backlogJobs: 1_000_000, backlogShape: "same" });
    expect(options(["--quick"]).backlogJobs).toBe(100_000);
    expect(options(["--backlog", "5000", "--backlog-shape", "other-due"])).toMatchObject({
      backlogJobs: 5_000,
      backlogShape: "other-due",
    });
    expect(() => options(["--backlog-shape", "mixed"])).toThrow(UsageError);
    expect(() => options(["--backlog", "-1"])).toThrow(UsageError);
  });

  it("marks the ratio to process-c10 (>= 0.80x) and the worker's peak RSS (<= 150 MB)", () => {
    const outcomes: Outcomes = {
      "process-c10": { runs: [run("process-c10", 10_000)] },
      "process-c10-backlog": {
        runs: [run("process-c10-backlog", 7_000, 160), run("process-c10-backlog", 9_000, 120)],
      },
    };
    const byId = new Map(checkTargets(outcomes).map((t) => [t.id, t]));
    // Medians of the rounds' throughput; the max of their peak RSS.
    expect(byId.get("process-c10-backlog-vs-empty")).toMatchObject({ value: 0.8, status: "PASS" });
    expect(byId.get("process-c10-backlog-rss")).toMatchObject({ value: 160, status: "MISS" });
    const rows = buildRows(outcomes, options(["--only", "process-c10,process-c10-backlog"]));
    expect(rows.filter((r) => r.target !== null).map((r) => [r.figure, r.status])).toEqual([
      ["throughput", "n/a"],
      ["/process-c10", "PASS"],
      ["worker peak RSS", "MISS"],
    ]);
  });

  it("has no backlog targets when the scenario did not run", () => {
    const outcomes: Outcomes = { "process-c10": { runs: [run("process-c10", 10_000)] } };
    expect(checkTargets(outcomes).some((t) => t.id.startsWith("process-c10-backlog"))).toBe(false);
  });
});
