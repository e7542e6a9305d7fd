/**
 * Tests of decideRunState: success, failure by a leaf, deadlock with the stuck tasks named,
 * and the cases that keep a run running (Airflow's DagRun.update_state).
 */
import { describe, expect, it } from "vitest";
import { decideRunState } from "./run-state.js";
import type { TaskState } from "./states.js";
import { compileTopology } from "./topology.js";

const states = (entries: Record<string, TaskState>): Map<string, TaskState> =>
  new Map(Object.entries(entries));

const ETL = compileTopology([
  { id: "extract" },
  { id: "transform", upstream: ["extract"] },
  { id: "load", upstream: ["transform"] },
  { id: "report", upstream: ["extract"], triggerRule: "all_done" },
]);

describe("decideRunState", () => {
  it("a fresh run is running (its roots can run)", () => {
    expect(decideRunState(ETL, new Map())).toEqual({ state: "running" });
  });

  it("success when every task is finished and every leaf is success or skipped", () => {
    const s = states({
      extract: "success",
      transform: "skipped",
      load: "skipped",
      report: "success",
    });
    expect(decideRunState(ETL, s)).toEqual({ state: "success" });
  });

  it("failed when everything finished and a leaf is failed or upstream_failed, naming the leaves", () => {
    const s = states({
      extract: "failed",
      transform: "upstream_failed",
      load: "upstream_failed",
      report: "success",
    });
    expect(decideRunState(ETL, s)).toEqual({
      state: "failed",
      reason: "leaf_failed",
      failedLeaves: ["load"],
    });
  });

  it("a failed non-leaf does not fail the run when the leaves succeeded (Airflow judges leaves)", () => {
    const t = compileTopology([{ id: "a" }, { id: "b", upstream: ["a"], triggerRule: "all_done" }]);
    expect(decideRunState(t, states({ a: "failed", b: "success" }))).toEqual({ state: "success" });
  });

  it("stays running while a failed leaf has siblings still running (Airflow waits for them)", () => {
    const s = states({ extract: "success", transform: "running", report: "failed" });
    expect(decideRunState(ETL, s)).toEqual({ state: "running" });
  });

  it("stays running while a task waits to retry", () => {
    const s = states({ extract: "up_for_retry" });
    expect(decideRunState(ETL, s)).toEqual({ state: "running" });
  });

  it("stays running when the planner still has a transition to make", () => {
    expect(decideRunState(ETL, states({ extract: "failed" }))).toEqual({ state: "running" });
  });

  it("removed leaves are ignored", () => {
    const s = states({
      extract: "success",
      transform: "success",
      load: "removed",
      report: "success",
    });
    expect(decideRunState(ETL, s)).toEqual({ state: "success" });
  });

  it("fails as deadlocked when unfinished tasks can never run, naming them", () => {
    // A removed upstream is done but never a success: all_success waits on it forever (Airflow).
    const s = states({ extract: "success", transform: "removed", report: "success" });
    expect(decideRunState(ETL, s)).toEqual({
      state: "failed",
      reason: "deadlock",
      stuck: ["load"],
    });
  });
});
