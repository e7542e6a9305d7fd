/**
 * The embedded targets of issue 14 item 3 that are read against the floors: processing at
 * c=10 and c=100 >= 0.25x floor (b), enqueue >= 0.3x the floor's enqueue (floor (b)'s inserts
 * in transactions of 1,000). From the children's reports; no process is run here.
 */
import { describe, expect, it } from "vitest";
import { mergeNotes } from "../../bench/aggregate.js";
import { parseBenchArgs, type BenchOptions } from "../../bench/args.js";
import { buildRows, checkTargets, type Outcomes } from "../../bench/report.js";
import type { ChildOutcome, ScenarioName } from "../../bench/types.js";

function options(argv: string[]): BenchOptions {
  const parsed = parseBenchArgs(argv);
  if (parsed === "help") throw new Error("unexpected help");
  return parsed;
}

function run(scenario: ScenarioName, jobsPerSec: number, enqueueJobsPerSec?: number): ChildOutcome {
  const enqueue = enqueueJobsPerSec === undefined ? {} : { enqueueJobsPerSec };
  return {
    ok: true,
    report: {
      scenario,
      result: { kind: "throughput", jobs: 20_000, elapsedMs: 1, jobsPerSec, ...enqueue },
      baselineRssBytes: 0,
      peakRssBytes: 0,
      notes: [],
    },
  };
}

describe("bench: targets read against floor (b)", () => {
  const outcomes: Outcomes = {
    "floor-b": {
      runs: [
        run("floor-b", 100_000, 200_000),
        run("floor-b", 80_000, 150_000),
        run("floor-b", 120_000, 190_000),
      ],
    },
    enqueue: { runs: [run("enqueue", 59_000)] },
    "process-c10": { runs: [run("process-c10", 25_000)] },
    "process-c100": { runs: [run("process-c100", 24_999)] },
  };

  it("checks each ratio against the median of floor (b)'s rounds", () => {
    const byId = new Map(checkTargets(outcomes).map((t) => [t.id, t]));
    // Medians: floor (b) 100,000 jobs/s, its enqueue 190,000 jobs/s.
    expect(byId.get("enqueue-vs-floor")).toMatchObject({ status: "PASS", threshold: 0.3 });
    expect(byId.get("enqueue-vs-floor")?.value).toBeCloseTo(59_000 / 190_000);
    expect(byId.get("process-c10-vs-floor-b")).toMatchObject({ value: 0.25, status: "PASS" });
    expect(byId.get("process-c100-vs-floor-b")).toMatchObject({ status: "MISS" });
  });

  it("prints the floor's enqueue and marks the three rows", () => {
    const rows = buildRows(
      outcomes,
      options(["--only", "floor-b,enqueue,process-c10,process-c100"]),
    );
    const enqueueFloor = rows.find((r) => r.scenario.includes("its enqueue"));
    expect(enqueueFloor).toMatchObject({ value: 190_000, unit: "jobs/s" });
    const enqueue = rows.find((r) => r.scenario.startsWith("kairos enqueueMany"));
    expect(enqueue).toMatchObject({ target: ">= 0.30x floor enqueue", status: "PASS" });
    expect(enqueue?.vsFloorB).toBeCloseTo(59_000 / 190_000);
    const c100 = rows.find((r) => r.scenario.startsWith("kairos processing c=100"));
    expect(c100).toMatchObject({ target: ">= 0.25x floor (b)", status: "MISS" });
  });

  it("says n/a when floor (b) did not run", () => {
    const byId = new Map(
      checkTargets({ "process-c10": outcomes["process-c10"]! }).map((t) => [t.id, t]),
    );
    expect(byId.get("process-c10-vs-floor-b")?.status).toBe("n/a");
    expect(byId.get("enqueue-vs-floor")?.status).toBe("n/a");
  });
});

describe("bench: notes over rounds", () => {
  it("keeps each note once and puts every round's CPU figure in one note", () => {
    expect(
      mergeNotes([
        ["CPU 61 µs/job", "final states: succeeded=20000"],
        ["CPU 44 µs/job", "final states: succeeded=20000"],
        ["CPU 43 µs/job"],
      ]),
    ).toEqual(["final states: succeeded=20000", "CPU 61, 44, 43 µs/job (by round)"]);
    expect(mergeNotes([["CPU 7 µs/job"]])).toEqual(["CPU 7 µs/job"]);
  });
});
