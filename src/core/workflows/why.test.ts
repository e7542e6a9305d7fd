/**
 * Tests of explainTask: each structured answer, from the planner's own view of the run.
 */
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../errors.js";
import type { TaskState } from "./states.js";
import { compileTopology } from "./topology.js";
import { explainTask } from "./why.js";

const states = (entries: Record<string, TaskState>): Map<string, TaskState> =>
  new Map(Object.entries(entries));

const T = compileTopology([
  { id: "a" },
  { id: "b" },
  { id: "join", upstream: ["a", "b"] },
  { id: "c1", upstream: ["a"] },
  { id: "c2", upstream: ["a"] },
]);

describe("explainTask", () => {
  it("names the upstreams a task waits for and its rule", () => {
    const why = explainTask(T, { states: states({ a: "success", b: "running" }) }, "join");
    expect(why).toEqual({
      kind: "trigger_rule",
      rule: "all_success",
      upstream: { total: 2, success: 1, failed: 0, upstreamFailed: 0, skipped: 0, removed: 0 },
      waitingFor: [{ taskId: "b", state: "running" }],
      never: false,
    });
  });

  it("says the maxActiveTasks cap holds a task whose rule is met", () => {
    const why = explainTask(
      T,
      { states: states({ a: "success", b: "running" }), maxActiveTasks: 2 },
      "c2",
    );
    expect(why).toEqual({ kind: "max_active_tasks", active: 2, maxActiveTasks: 2 });
  });

  it("gives the retry delay remaining on the injected clock", () => {
    const input = {
      states: states({ a: "up_for_retry" }),
      retryDueAt: new Map([["a", 9_000]]),
      now: 4_000,
    };
    expect(explainTask(T, input, "a")).toEqual({
      kind: "retry_delay",
      dueAt: 9_000,
      remainingMs: 5_000,
    });
  });

  it("reports the transitions this plan makes for the task", () => {
    const why = explainTask(T, { states: states({ a: "failed", b: "success" }) }, "join");
    expect(why).toMatchObject({
      kind: "planned",
      transitions: [{ from: "none", to: "upstream_failed" }],
    });
  });

  it("reports active and finished tasks as they are", () => {
    expect(explainTask(T, { states: states({ a: "running" }) }, "a")).toEqual({
      kind: "active",
      state: "running",
    });
    expect(explainTask(T, { states: states({ a: "skipped" }) }, "a")).toEqual({
      kind: "finished",
      state: "skipped",
    });
  });

  it("says a task can never run when its upstreams are finished but its rule waits (removed)", () => {
    const why = explainTask(T, { states: states({ a: "success", b: "removed" }) }, "join");
    expect(why).toMatchObject({ kind: "trigger_rule", waitingFor: [], never: true });
  });

  it("throws NotFoundError for an unknown task", () => {
    expect(() => explainTask(T, { states: new Map() }, "nope")).toThrow(NotFoundError);
  });
});
