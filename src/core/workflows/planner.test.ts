/**
 * Tests of planRun: trigger-rule transitions with their reasons, skip and failure propagation
 * in one call, retries becoming due on the injected clock, the maxActiveTasks cap, the
 * deterministic order, and a 10,000-task fan-out/fan-in (no timing assertion).
 */
import { describe, expect, it } from "vitest";
import { planRun } from "./planner.js";
import type { TaskState } from "./states.js";
import { compileTopology, type PlannerTask } from "./topology.js";

const states = (entries: Record<string, TaskState>): Map<string, TaskState> =>
  new Map(Object.entries(entries));
const moves = (plan: ReturnType<typeof planRun>): string[] =>
  plan.transitions.map((t) => `${t.taskId}:${t.from}->${t.to}`);

const ETL = compileTopology([
  { id: "extract" },
  { id: "transform", upstream: ["extract"] },
  { id: "load", upstream: ["transform"] },
  { id: "cleanup", upstream: ["load"], triggerRule: "all_done" },
]);

describe("planRun", () => {
  it("a fresh run schedules and dispatches only its roots", () => {
    const plan = planRun(ETL, { states: new Map() });
    expect(moves(plan)).toEqual(["extract:none->scheduled", "extract:scheduled->queued"]);
    expect(plan.transitions[0]?.reason).toEqual({
      kind: "trigger_rule_met",
      rule: "all_success",
      upstream: { total: 0, success: 0, failed: 0, upstreamFailed: 0, skipped: 0, removed: 0 },
    });
  });

  it("a success schedules the next task; running tasks are left alone", () => {
    const plan = planRun(ETL, { states: states({ extract: "success", transform: "running" }) });
    expect(moves(plan)).toEqual([]);
    const next = planRun(ETL, { states: states({ extract: "success" }) });
    expect(moves(next)).toEqual(["transform:none->scheduled", "transform:scheduled->queued"]);
  });

  it("a failure propagates upstream_failed down the chain in one call; all_done still runs", () => {
    const plan = planRun(ETL, { states: states({ extract: "failed" }) });
    expect(moves(plan)).toEqual([
      "transform:none->upstream_failed",
      "load:none->upstream_failed",
      "cleanup:none->scheduled",
      "cleanup:scheduled->queued",
    ]);
    expect(plan.transitions[0]?.reason).toMatchObject({
      kind: "trigger_rule_unmeetable",
      rule: "all_success",
      upstream: { total: 1, failed: 1 },
    });
  });

  it("a skip propagates as skipped through all_success tasks (Airflow)", () => {
    const plan = planRun(ETL, { states: states({ extract: "skipped" }) });
    expect(moves(plan).slice(0, 2)).toEqual(["transform:none->skipped", "load:none->skipped"]);
  });

  it("none_failed_min_one_success after a branch: the skipped branch does not block the join", () => {
    const t = compileTopology([
      { id: "branch" },
      { id: "left", upstream: ["branch"] },
      { id: "right", upstream: ["branch"] },
      { id: "join", upstream: ["left", "right"], triggerRule: "none_failed_min_one_success" },
    ]);
    const plan = planRun(t, {
      states: states({ branch: "success", left: "success", right: "skipped" }),
    });
    expect(moves(plan)).toEqual(["join:none->scheduled", "join:scheduled->queued"]);
  });

  it("fails fast: all_success ends upstream_failed while another upstream is still running", () => {
    const t = compileTopology([{ id: "a" }, { id: "b" }, { id: "c", upstream: ["a", "b"] }]);
    const plan = planRun(t, { states: states({ a: "failed", b: "running" }) });
    expect(moves(plan)).toEqual(["c:none->upstream_failed"]);
  });

  describe("retries", () => {
    const retry = {
      states: states({ extract: "up_for_retry" }),
      retryDueAt: new Map([["extract", 5_000]]),
    };

    it("an up_for_retry task stays put before its due time and reports when to plan again", () => {
      const plan = planRun(ETL, { ...retry, now: 4_999 });
      expect(moves(plan)).toEqual([]);
      expect(plan.nextRetryAt).toBe(5_000);
    });

    it("at its due time it is scheduled again and dispatched", () => {
      const plan = planRun(ETL, { ...retry, now: 5_000 });
      expect(moves(plan)).toEqual(["extract:up_for_retry->scheduled", "extract:scheduled->queued"]);
      expect(plan.transitions[0]?.reason).toEqual({ kind: "retry_due", dueAt: 5_000 });
      expect(plan.nextRetryAt).toBeNull();
    });

    it("its downstream keeps waiting: up_for_retry is not done", () => {
      const t = compileTopology([
        { id: "a" },
        { id: "b", upstream: ["a"], triggerRule: "all_done" },
      ]);
      const plan = planRun(t, {
        states: states({ a: "up_for_retry" }),
        retryDueAt: new Map([["a", 10]]),
        now: 0,
      });
      expect(moves(plan)).toEqual([]);
    });
  });

  describe("maxActiveTasks", () => {
    const fan = compileTopology([
      { id: "root" },
      ...["t1", "t2", "t3", "t4", "t5"].map((id) => ({ id, upstream: ["root"] })),
    ]);

    it("dispatches only as many as the cap leaves free, holding the rest scheduled", () => {
      const plan = planRun(fan, {
        states: states({ root: "success", t1: "running" }),
        maxActiveTasks: 3,
      });
      expect(moves(plan)).toEqual([
        "t2:none->scheduled",
        "t3:none->scheduled",
        "t4:none->scheduled",
        "t5:none->scheduled",
        "t2:scheduled->queued",
        "t3:scheduled->queued",
      ]);
      expect(plan.heldByCap).toEqual(["t4", "t5"]);
      expect(plan.transitions.at(-1)?.reason).toEqual({
        kind: "dispatched",
        active: 2,
        maxActiveTasks: 3,
      });
    });

    it("a full run dispatches nothing, and already-scheduled tasks go first when slots free up", () => {
      const full = planRun(fan, {
        states: states({ root: "success", t1: "queued", t2: "running", t3: "scheduled" }),
        maxActiveTasks: 2,
      });
      expect(full.transitions.filter((t) => t.to === "queued")).toEqual([]);
      expect(full.heldByCap).toEqual(["t3", "t4", "t5"]);
      const freed = planRun(fan, {
        states: states({
          root: "success",
          t1: "success",
          t2: "running",
          t3: "scheduled",
          t4: "scheduled",
        }),
        maxActiveTasks: 2,
      });
      expect(moves(freed)).toEqual(["t5:none->scheduled", "t3:scheduled->queued"]);
    });

    it("rejects a cap below 1", () => {
      expect(() => planRun(fan, { states: new Map(), maxActiveTasks: 0 })).toThrow(
        /maxActiveTasks must be >= 1/,
      );
    });
  });

  it("is deterministic: the same input always gives the same plan, whatever the map order", () => {
    const a = planRun(ETL, { states: states({ extract: "failed", transform: "none" }) });
    const b = planRun(ETL, { states: states({ transform: "none", extract: "failed" }) });
    expect(b).toEqual(a);
  });

  it("plans a 10,000-task fan-out/fan-in in one call", () => {
    const middle: PlannerTask[] = [];
    for (let i = 0; i < 9_998; i++) middle.push({ id: `m${i}`, upstream: ["root"] });
    const t = compileTopology([
      { id: "root" },
      ...middle,
      { id: "sink", upstream: middle.map((m) => m.id) },
    ]);
    const running = planRun(t, { states: states({ root: "success" }), maxActiveTasks: 16 });
    expect(running.transitions.filter((x) => x.to === "scheduled")).toHaveLength(9_998);
    expect(running.transitions.filter((x) => x.to === "queued")).toHaveLength(16);
    expect(running.heldByCap).toHaveLength(9_982);
    const done = new Map<string, TaskState>([["root", "success"]]);
    for (const m of middle) done.set(m.id, "success");
    expect(moves(planRun(t, { states: done }))).toEqual([
      "sink:none->scheduled",
      "sink:scheduled->queued",
    ]);
  });
});

describe("planRun: retries without a due time", () => {
  it("an up_for_retry task with no retryDueAt counts as due, reported with dueAt null", () => {
    const t = compileTopology([{ id: "a" }]);
    const plan = planRun(t, { states: new Map([["a", "up_for_retry" as const]]), now: 0 });
    expect(plan.transitions[0]).toEqual({
      taskId: "a",
      from: "up_for_retry",
      to: "scheduled",
      reason: { kind: "retry_due", dueAt: null },
    });
  });
});
