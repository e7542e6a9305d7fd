import { describe, expect, it } from "vitest";
import type { ControlRequest } from "../control/types.js";
import { decideStart, decideStop } from "../control/decide.js";
import { decideAdvance } from "./advance.js";
import { advanceCtx, jobView, snapshotOf, T0, withTasks, writtenOf } from "./run-fixtures.js";
import { decideRunStart, decideRunStop, runControlView, runGeneration } from "./run-control.js";

const NOW = T0 + 60_000;
// a -> b -> c, and d alone
const tasks = [
  { id: "a", fn: "f" },
  { id: "b", fn: "f", dependsOn: ["a"] },
  { id: "c", fn: "f", dependsOn: ["b"] },
  { id: "d", fn: "f" },
];

const request = (over: Partial<ControlRequest>): ControlRequest => ({
  id: "1",
  targetKind: "run",
  targetId: "7",
  kind: "stop",
  generation: 1,
  status: "pending",
  requestedBy: "test",
  createdAt: T0,
  resolvedAt: null,
  error: null,
  ...over,
});

/** a succeeded, b running (job 2), d queued (job 4), c waiting. */
function midRun() {
  return withTasks(
    snapshotOf(tasks),
    {
      a: { state: "success", tryNumber: 1, jobId: "1" },
      b: { state: "running", tryNumber: 1, jobId: "2" },
      d: { state: "queued", tryNumber: 1, jobId: "4" },
    },
    [jobView("1", "succeeded"), jobView("2", "running"), jobView("4", "queued")],
  );
}

describe("run control view", () => {
  it("a run's generation is 1, or the highest a start created (failed ones included)", () => {
    expect(runGeneration([])).toBe(1);
    expect(
      runGeneration([
        request({ kind: "stop", generation: 1 }),
        request({ kind: "start", generation: 2, status: "failed" }),
      ]),
    ).toBe(2);
  });

  it("a stopped run is stopping while its stop is pending, and starting while its start is", () => {
    const stop = request({ kind: "stop", generation: 1 });
    expect(runControlView("stopped", [stop])).toEqual({ phase: "running", generation: 1 });
    const done = { ...stop, status: "completed" as const };
    expect(runControlView("stopped", [done])).toEqual({ phase: "stopped", generation: 1 });
    const start = request({ id: "2", kind: "start", generation: 2 });
    expect(runControlView("stopped", [done, start])).toEqual({ phase: "running", generation: 2 });
    expect(runControlView("queued", [])).toEqual({ phase: "running", generation: 1 });
    expect(runControlView("success", [done])).toEqual({ phase: "finished", generation: 1 });
  });

  it("a start is refused until the run's stop settles, then creates generation 2", () => {
    const stop = request({ kind: "stop", generation: 1 });
    const stopping = decideStart(runControlView("stopped", [stop]), [stop], "run 7");
    expect(stopping).toMatchObject({ action: "refuse", refusal: { reason: "stop_unresolved" } });
    const done = { ...stop, status: "completed" as const };
    expect(decideStart(runControlView("stopped", [done]), [done], "run 7")).toMatchObject({
      action: "create",
      generation: 2,
      status: "pending",
    });
  });

  it("a stop of a running run is pending; asked again it is the same request", () => {
    const first = decideStop(runControlView("running", []), [], "run 7");
    expect(first).toMatchObject({ action: "create", status: "pending", generation: 1 });
    const stop = request({ kind: "stop", generation: 1 });
    expect(decideStop(runControlView("stopped", [stop]), [stop], "run 7")).toEqual({
      action: "existing",
      request: stop,
    });
  });
});

describe("run stop step", () => {
  it("stops the run, lists its live task jobs, and leaves the tasks until their jobs stop", () => {
    const step = decideRunStop(midRun(), NOW);
    expect(step.change?.run).toMatchObject({ state: "stopped", nextPlanAt: null });
    expect(step.liveJobs).toEqual(["2", "4"]);
    expect(step.settled).toBe(false);
    expect(writtenOf(step.change)).toEqual({});
  });

  it("marks a task whose job has stopped `stopped`; settled once no job is live", () => {
    const s = withTasks({ ...midRun(), run: { ...midRun().run, state: "stopped" } }, {}, [
      jobView("2", "stopped"),
      jobView("4", "stopped"),
    ]);
    const step = decideRunStop(s, NOW);
    expect(writtenOf(step.change)).toEqual({ b: "stopped", d: "stopped" });
    expect(step.change?.run?.state).toBeUndefined();
    expect(step.settled).toBe(true);
    expect(step.finished).toBe(false);
  });

  it("applies a try that ended meanwhile as the planner would, and plans nothing", () => {
    const s = withTasks(midRun(), { b: { outcome: "succeeded" } }, [jobView("2", "succeeded")]);
    const step = decideRunStop(s, NOW);
    expect(writtenOf(step.change)).toEqual({ b: "success" });
    expect(step.change?.jobs).toBeUndefined();
    expect(step.liveJobs).toEqual(["4"]);
  });

  it("a stop step repeated changes nothing twice", () => {
    const s = withTasks(
      { ...midRun(), run: { ...midRun().run, state: "stopped" } },
      { b: { state: "stopped" }, d: { state: "stopped" } },
      [jobView("2", "stopped"), jobView("4", "stopped")],
    );
    expect(decideRunStop(s, NOW)).toEqual({
      change: null,
      liveJobs: [],
      settled: true,
      finished: false,
    });
  });

  it("a finished run is left as it is, reported finished", () => {
    const s = snapshotOf(tasks, {}, { state: "success" });
    expect(decideRunStop(s, NOW)).toMatchObject({ change: null, finished: true });
  });
});

describe("run start step", () => {
  /** The stopped run: a success, b and d stopped with stopped jobs, c waiting. */
  function stoppedRun() {
    return withTasks(
      snapshotOf(tasks, {}, { state: "stopped" }),
      {
        a: { state: "success", tryNumber: 1, jobId: "1" },
        b: { state: "stopped", tryNumber: 1, jobId: "2" },
        d: { state: "stopped", tryNumber: 1, jobId: "4" },
      },
      [jobView("1", "succeeded"), jobView("2", "stopped"), jobView("4", "stopped")],
    );
  }

  it("runs the run again, queues its stopped tasks with the same jobs, never touches a finished one", () => {
    const step = decideRunStart(stoppedRun(), NOW);
    expect(step.change?.run).toMatchObject({ state: "running", finishedAt: null });
    expect(step.change?.planned).toBe(false);
    expect(writtenOf(step.change)).toEqual({ b: "queued", d: "queued" });
    expect(step.restartJobs).toEqual(["2", "4"]);
    expect(step.change?.tasks?.find((t) => t.taskId === "b")).toMatchObject({
      jobId: "2",
      tryNumber: 1,
    });
  });

  it("a run stopped before it started goes back to queued (its maxActiveRuns slot again)", () => {
    const s = snapshotOf(tasks, {}, { state: "stopped", startedAt: null });
    expect(decideRunStart(s, NOW).change?.run?.state).toBe("queued");
  });

  it("does nothing to a run that is not stopped", () => {
    expect(decideRunStart(midRun(), NOW)).toEqual({ change: null, restartJobs: [] });
  });

  it("once started, the planner plans the rest as usual: c after b succeeds", () => {
    const started = withTasks(
      { ...stoppedRun(), run: { ...stoppedRun().run, state: "running" } },
      { b: { state: "queued", outcome: "succeeded" }, d: { state: "queued" } },
      [jobView("2", "succeeded"), jobView("4", "queued")],
    );
    const change = decideAdvance(started, advanceCtx(NOW));
    expect(writtenOf(change)).toMatchObject({ b: "success", c: "queued" });
  });

  it("a stopped task whose job ended meanwhile (cancelled) takes that outcome", () => {
    const s = withTasks(stoppedRun(), { b: { outcome: "cancelled" } }, [jobView("2", "cancelled")]);
    const change = decideAdvance({ ...s, run: { ...s.run, state: "stopped" } }, advanceCtx(NOW));
    expect(writtenOf(change)).toMatchObject({ b: "failed" });
  });
});
