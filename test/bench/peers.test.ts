import { describe, expect, it } from "vitest";
import { parseBenchArgs, PEERS_DEFAULT_SCENARIOS, UsageError } from "../../bench/args.js";
import type { BenchOptions } from "../../bench/args.js";
import {
  aggregatePeer,
  atLeast,
  atMost,
  buildPeerRows,
  checkPeerTargets,
  compareWithPeers,
} from "../../bench/peer-report.js";
import { peerScenarios, splitPeerScenario, type PeerOutcomes } from "../../bench/peer-types.js";
import { checkPgTargets, type PgOutcomes } from "../../bench/pg-report.js";
import type { PgChildOutcome, PgScenarioName } from "../../bench/pg-types.js";
import type { Outcomes } from "../../bench/report.js";
import type { ChildOutcome, LatencySummary, ScenarioName } from "../../bench/types.js";

function options(argv: string[]): BenchOptions {
  const parsed = parseBenchArgs(argv);
  if (parsed === "help") throw new Error("unexpected help");
  return parsed;
}

function summary(p50: number, p99: number): LatencySummary {
  return { count: 2_000, p50, p99, max: p99, mean: p50, min: 0 };
}

function kairosThroughput(scenario: ScenarioName, jobsPerSec: number): ChildOutcome {
  return {
    ok: true,
    report: {
      scenario,
      result: { kind: "throughput", jobs: 20_000, elapsedMs: 1, jobsPerSec },
      baselineRssBytes: 0,
      peakRssBytes: 0,
      notes: [],
    },
  };
}

function peerThroughput(jobsPerSec: number) {
  return {
    ok: true as const,
    report: {
      result: { kind: "throughput" as const, jobs: 20_000, elapsedMs: 1, jobsPerSec },
      peakRssBytes: 0,
      notes: [],
    },
  };
}

describe("bench args: --peers", () => {
  it("is off by default, and the default run keeps every scenario", () => {
    const o = options([]);
    expect(o.peers).toBe(false);
    expect(o.scenarios).toContain("sched-10k");
  });

  it("alone, runs the compared scenarios and the floors, not the schedule or workflow ones", () => {
    const o = options(["--peers"]);
    expect(o.peers).toBe(true);
    expect(o.scenarios).toEqual(PEERS_DEFAULT_SCENARIOS);
    expect(o.scenarios).toEqual(expect.arrayContaining(["process-c10", "process-c100"]));
  });

  it("with --only, runs what --only names", () => {
    expect(options(["--peers", "--only", "process-c10"]).scenarios).toEqual(["process-c10"]);
  });

  it("is refused with --store postgres, saying what to do", () => {
    expect(() => parseBenchArgs(["--peers", "--store", "postgres"])).toThrow(UsageError);
    expect(() => parseBenchArgs(["--peers", "--store", "postgres"])).toThrow(/drop one/);
  });
});

describe("peer scenarios", () => {
  it("are the peers of the selected shapes only, both systems each", () => {
    expect(peerScenarios(["floor-a", "process-c10", "lag-spread"])).toEqual([
      "bullmq-process-c10",
      "graphile-process-c10",
    ]);
    expect(splitPeerScenario("graphile-lag-burst")).toEqual({
      system: "graphile",
      shape: "lag-burst",
    });
  });
});

describe("compareWithPeers", () => {
  it("throughput: the highest peer is the best, ratio Kairos / best", () => {
    const r = compareWithPeers(30_000, { bullmq: 10_000, graphile: 15_000 }, "higher");
    expect(r).toEqual({ bestPeer: "graphile", best: 15_000, ratio: 2 });
  });

  it("lag: the lowest peer is the best, ratio best / Kairos (above 1: Kairos ahead)", () => {
    const r = compareWithPeers(100, { bullmq: 500, graphile: 1_300 }, "lower");
    expect(r).toEqual({ bestPeer: "bullmq", best: 500, ratio: 5 });
  });

  it("leaves out a peer without a figure, and has no ratio without any", () => {
    expect(compareWithPeers(10, { bullmq: null, graphile: 4 }, "higher").ratio).toBe(2.5);
    expect(compareWithPeers(10, { bullmq: null, graphile: null }, "higher")).toEqual({
      bestPeer: null,
      best: null,
      ratio: null,
    });
    expect(compareWithPeers(null, { bullmq: 3, graphile: null }, "higher").ratio).toBeNull();
  });

  it("marks a target met at the threshold, not met below, n/a without a value", () => {
    expect(atLeast(2, 2)).toBe("PASS");
    expect(atLeast(1.99, 2)).toBe("MISS");
    expect(atLeast(null, 2)).toBe("n/a");
    expect(atMost(20, 20)).toBe("PASS");
    expect(atMost(20.5, 20)).toBe("MISS");
  });
});

describe("the peers table", () => {
  const o = options(["--peers", "--only", "process-c10,process-c100,lag-burst"]);
  const kairos: Outcomes = {
    "process-c10": { runs: [kairosThroughput("process-c10", 30_000)] },
    "process-c100": {
      runs: [
        kairosThroughput("process-c100", 20_000),
        kairosThroughput("process-c100", 26_000),
        kairosThroughput("process-c100", 50_000),
      ],
    },
    "lag-burst": {
      runs: [
        {
          ok: true,
          report: {
            scenario: "lag-burst",
            result: {
              kind: "lag",
              jobs: 2_000,
              lag: summary(50, 100),
              eventLag: null,
              enqueueMs: 1,
              lateEnqueues: 0,
            },
            baselineRssBytes: 0,
            peakRssBytes: 0,
            notes: [],
          },
        },
      ],
    },
  };
  const lag = (p99: number) => ({
    ok: true as const,
    report: {
      result: {
        kind: "lag" as const,
        jobs: 2_000,
        lag: summary(1, p99),
        enqueueMs: 1,
        lateEnqueues: 0,
      },
      peakRssBytes: 0,
      notes: [],
    },
  });
  const peers: PeerOutcomes = {
    "bullmq-process-c10": { runs: [peerThroughput(10_000)] },
    "graphile-process-c10": { runs: [peerThroughput(15_000)] },
    "bullmq-process-c100": { skipped: "redis-server not found" },
    "graphile-process-c100": {
      runs: [peerThroughput(12_000), { ok: false, error: "boom" }, peerThroughput(14_000)],
    },
    "bullmq-lag-burst": { runs: [lag(500)] },
    "graphile-lag-burst": { runs: [lag(1_300)] },
  };
  const rows = buildPeerRows(kairos, peers, o);

  it("puts each figure of Kairos beside both peers, with the ratio to the best and the target", () => {
    const c10 = rows.find((r) => r.shape === "process-c10")!;
    expect(c10).toMatchObject({
      kairos: 30_000,
      bullmq: 10_000,
      graphile: 15_000,
      bestPeer: "graphile",
      ratio: 2,
      status: "PASS",
    });
    expect(c10.target).toMatch(/2\.00x/);
  });

  it("uses medians of the successful rounds, and a skipped peer counts as no figure", () => {
    const c100 = rows.find((r) => r.shape === "process-c100")!;
    expect(c100).toMatchObject({ kairos: 26_000, bullmq: null, graphile: 13_000, ratio: 2 });
    expect(aggregatePeer(peers["graphile-process-c100"])?.failures).toEqual(["boom"]);
    expect(aggregatePeer(peers["bullmq-process-c100"])).toBeNull();
  });

  it("marks processing below 2x the best peer not met", () => {
    const slow = buildPeerRows(
      { ...kairos, "process-c10": { runs: [kairosThroughput("process-c10", 29_999)] } },
      peers,
      o,
    );
    expect(slow.find((r) => r.shape === "process-c10")!.status).toBe("MISS");
  });

  it("lag rows: ratio best peer / Kairos, and the p99 target is Kairos's own <= 20 ms", () => {
    const p99 = rows.find((r) => r.shape === "lag-burst" && r.figure === "p99")!;
    expect(p99).toMatchObject({ kairos: 100, bullmq: 500, bestPeer: "bullmq", ratio: 5 });
    expect(p99.status).toBe("MISS");
    const targets = checkPeerTargets(rows);
    expect(targets.map((t) => t.id)).toEqual([
      "process-c10-vs-best-peer",
      "process-c100-vs-best-peer",
      "lag-burst-p99",
    ]);
    expect(targets[0]).toMatchObject({ value: 2, threshold: 2, status: "PASS" });
  });
});

describe("the PostgreSQL bench's Graphile target", () => {
  function pgRun(scenario: PgScenarioName, jobsPerSec: number): PgChildOutcome {
    return {
      ok: true,
      report: {
        scenario,
        result: {
          kind: "throughput",
          jobs: 20_000,
          elapsedMs: 1,
          jobsPerSec,
          confirmMs: null,
          workers: [],
        },
        producerBaselineRssBytes: 0,
        producerPeakRssBytes: 0,
        notes: [],
      },
    };
  }

  it("is Kairos >= 1.5x Graphile Worker, at c=10 and c=100, 1 and 3 processes", () => {
    const o = options([
      "--store",
      "postgres",
      "--only",
      "process-c10,process-c100,process-c10-x3,process-c100-x3",
    ]);
    const outcomes: PgOutcomes = {
      "kairos-process-c10": { runs: [pgRun("kairos-process-c10", 15_000)] },
      "graphile-process-c10": { runs: [pgRun("graphile-process-c10", 10_000)] },
      "kairos-process-c100": { runs: [pgRun("kairos-process-c100", 14_999)] },
      "graphile-process-c100": { runs: [pgRun("graphile-process-c100", 10_000)] },
    };
    const targets = checkPgTargets(outcomes, o);
    const byId = new Map(targets.map((t) => [t.id, t]));
    expect(byId.get("process-c10-vs-graphile")).toMatchObject({ threshold: 1.5, status: "PASS" });
    expect(byId.get("process-c100-vs-graphile")).toMatchObject({ status: "MISS" });
    expect(byId.get("process-c10-x3-vs-graphile")?.status).toBe("n/a");
    expect(byId.get("process-c100-x3-vs-graphile")?.description).toMatch(/1\.5x/);
  });
});
