/**
 * Exhaustive tests of the workflow task and run state machines: every (from, to) pair against
 * a matrix written by hand from DESIGN.md and Airflow's task-instance lifecycle.
 */
import { describe, expect, it } from "vitest";
import {
  FINISHED_TASK_STATES,
  RUN_STATES,
  TASK_STATES,
  canTransitionRun,
  canTransitionTask,
  isActiveTask,
  isFinishedTask,
  isRunState,
  isTaskState,
} from "./states.js";

/**
 * Row = from, column = to, in TASK_STATES order: none, scheduled, queued, running, success,
 * failed, up_for_retry, upstream_failed, skipped, removed, stopped. "x" allowed.
 * - none -> scheduled (rule met) | skipped | upstream_failed (rule never met) | removed (cancel).
 * - scheduled -> queued (dispatched) | none (cleared) | removed.
 * - queued -> running | scheduled (handed back) | failed (dispatch_lost) | removed.
 * - running -> success | failed | up_for_retry (tries left) | skipped (SkipTask).
 * - up_for_retry -> scheduled (delay passed, Airflow) | none (cleared) | failed | removed.
 * - every finished state -> none (clear).
 * - queued, running -> stopped (its run was stopped); stopped -> queued (the run started again)
 *   | none (cleared) | success, failed, skipped (marked by hand).
 */
const ALLOWED: Record<string, string> = {
  none: ".x.....xxx.",
  scheduled: "x.x......x.",
  queued: ".x.x.x...xx",
  running: "....xxx.x.x",
  success: "x..........",
  failed: "x..........",
  up_for_retry: "xx...x...x.",
  upstream_failed: "x..........",
  skipped: "x..........",
  removed: "x..........",
  stopped: "x.x.xx..x..",
};

describe("task state machine", () => {
  for (const from of TASK_STATES) {
    TASK_STATES.forEach((to, column) => {
      const allowed = ALLOWED[from]?.[column] === "x";
      it(`${from} -> ${to} is ${allowed ? "allowed" : "forbidden"}`, () => {
        expect(canTransitionTask(from, to)).toBe(allowed);
      });
    });
  }

  it("finished states are Airflow's State.finished", () => {
    expect([...FINISHED_TASK_STATES].sort()).toEqual(
      ["failed", "removed", "skipped", "success", "upstream_failed"].sort(),
    );
    for (const s of TASK_STATES) expect(isFinishedTask(s)).toBe(FINISHED_TASK_STATES.includes(s));
  });

  it("only queued and running hold a dispatch slot", () => {
    expect(TASK_STATES.filter(isActiveTask)).toEqual(["queued", "running"]);
  });

  it("isTaskState accepts exactly the eleven names", () => {
    expect(TASK_STATES).toHaveLength(11);
    for (const s of TASK_STATES) expect(isTaskState(s)).toBe(true);
    for (const bad of ["None", "succeeded", "", null, 1]) expect(isTaskState(bad)).toBe(false);
  });
});

describe("run state machine", () => {
  const RUN_ALLOWED: Record<string, string> = {
    queued: ".x.xx",
    running: "..xxx",
    success: ".x...",
    failed: ".x...",
    stopped: "xx.x.",
  };
  for (const from of RUN_STATES) {
    RUN_STATES.forEach((to, column) => {
      const allowed = RUN_ALLOWED[from]?.[column] === "x";
      it(`${from} -> ${to} is ${allowed ? "allowed" : "forbidden"}`, () => {
        expect(canTransitionRun(from, to)).toBe(allowed);
      });
    });
  }

  it("isRunState accepts exactly queued, running, success, failed, stopped", () => {
    for (const s of RUN_STATES) expect(isRunState(s)).toBe(true);
    for (const bad of ["none", "cancelled", undefined]) expect(isRunState(bad)).toBe(false);
  });
});
