import { describe, expect, it } from "vitest";
import { NotFoundError } from "../errors.js";
import { decideAdvance } from "./advance.js";
import { decideCancel, decideClear, decideMark, decideNote } from "./operations.js";
import {
  MemoryRun,
  T0,
  advanceCtx,
  jobView,
  snapshotOf,
  statesOf,
  withTasks,
  writtenOf,
} from "./run-fixtures.js";
import type { RunSnapshot } from "./store-types.js";

const NOW = T0 + 60_000;
// a -> b -> c, and d alone
const tasks = [
  { id: "a", fn: "f", retries: 1 },
  { id: "b", fn: "f", dependsOn: ["a"], retries: 2 },
  { id: "c", fn: "f", dependsOn: ["b"] },
  { id: "d", fn: "f" },
];

/** A failed run: a success, b failed after 3 tries, c upstream_failed, d success. */
function failedRun(): RunSnapshot {
  const s = snapshotOf(tasks, {}, { state: "failed", finishedAt: T0 + 500, needsPlan: false });
  const err = { name: "Error", message: "boom" };
  return withTasks(s, {
    a: { state: "success", tryNumber: 1, finishedAt: T0 + 100 },
    b: {
      state: "failed",
      tryNumber: 3,
      maxTries: 3,
      error: err,
      finishedAt: T0 + 400,
      note: "flaky",
    },
    c: { state: "upstream_failed", finishedAt: T0 + 400 },
    d: { state: "success", tryNumber: 1, finishedAt: T0 + 100 },
  });
}

describe("decideClear", () => {
  it("resets the task and its downstream, raises maxTries, keeps notes and reopens a failed run", () => {
    const change = decideClear(failedRun(), ["b"], { downstream: true }, NOW);
    expect(writtenOf(change)).toEqual({ b: "none", c: "none" });
    expect(change.tasks?.[0]).toMatchObject({
      tryNumber: 3,
      maxTries: 6,
      error: null,
      finishedAt: null,
      note: "flaky",
    });
    expect(change.run).toEqual({ state: "running", finishedAt: null, lastProgressAt: NOW });
    expect(change.planned).toBe(false);
  });

  it("reruns the cleared tasks to success when the advance follows it", () => {
    const run = new MemoryRun(failedRun());
    run.apply(decideClear(run.snapshot, ["b"], { downstream: true }, NOW), NOW);
    expect(run.snapshot.run.needsPlan).toBe(true);
    run.apply(decideAdvance(run.snapshot, advanceCtx(NOW))!, NOW);
    const b = run.snapshot.tasks.find((t) => t.taskId === "b")!;
    expect(b).toMatchObject({ state: "queued", tryNumber: 4 });
    run.endJob(b.jobId!, "succeeded", NOW + 1);
    run.apply(decideAdvance(run.snapshot, advanceCtx(NOW + 2))!, NOW + 2);
    const c = run.snapshot.tasks.find((t) => t.taskId === "c")!;
    run.endJob(c.jobId!, "succeeded", NOW + 3);
    run.apply(decideAdvance(run.snapshot, advanceCtx(NOW + 4))!, NOW + 4);
    expect(run.snapshot.run).toMatchObject({ state: "success", finishedAt: NOW + 4 });
  });

  it("clears only failed tasks with onlyFailed, and only the given one without downstream", () => {
    expect(
      writtenOf(decideClear(failedRun(), ["a"], { downstream: true, onlyFailed: true }, NOW)),
    ).toEqual({
      b: "none",
      c: "none",
    });
    expect(writtenOf(decideClear(failedRun(), ["a"], { downstream: false }, NOW))).toEqual({
      a: "none",
    });
  });

  it("cancels an active task's job and detaches it from the cleared task", () => {
    const s = withTasks(snapshotOf(tasks), { d: { state: "running", tryNumber: 1, jobId: "9" } }, [
      jobView("9", "running", { startedAt: T0 }),
    ]);
    const change = decideClear(s, ["d"], { downstream: false }, NOW);
    expect(change.cancelJobs).toEqual(["9"]);
    expect(change.tasks?.[0]).toMatchObject({ state: "none", jobId: null, maxTries: 2 });
    expect(change.run).toEqual({ lastProgressAt: NOW });
  });

  it("names unknown task ids", () => {
    expect(() => decideClear(failedRun(), ["b", "x", "y"], { downstream: false }, NOW)).toThrow(
      NotFoundError,
    );
    expect(() => decideClear(failedRun(), ["b", "x", "y"], { downstream: false }, NOW)).toThrow(
      /has no task "x", "y"/,
    );
  });
});

describe("decideMark", () => {
  it("marks a failed task success, clears its failed downstream and lets the run succeed", () => {
    const run = new MemoryRun(failedRun());
    const change = decideMark(run.snapshot, "b", "success", NOW);
    expect(writtenOf(change)).toEqual({ b: "success", c: "none" });
    expect(change.tasks?.[0]).toMatchObject({ error: null, note: "flaky", finishedAt: NOW });
    expect(change).toMatchObject({ run: { state: "running", finishedAt: null }, planned: false });
    run.apply(change, NOW);
    run.apply(decideAdvance(run.snapshot, advanceCtx(NOW))!, NOW);
    expect(statesOf(run.snapshot)).toMatchObject({ c: "queued" });
  });

  it("marks the task and its downstream, cancelling an active job", () => {
    const s = withTasks(snapshotOf(tasks), { a: { state: "running", tryNumber: 1, jobId: "5" } }, [
      jobView("5", "running", { startedAt: T0 }),
    ]);
    const change = decideMark(s, "a", "failed", NOW, { downstream: true });
    expect(writtenOf(change)).toEqual({ a: "failed", b: "failed", c: "failed" });
    expect(change.cancelJobs).toEqual(["5"]);
  });

  it("marks skipped and re-plans: the all_success downstream is skipped", () => {
    const run = new MemoryRun(snapshotOf(tasks.slice(0, 3)));
    run.apply(decideMark(run.snapshot, "a", "skipped", NOW), NOW);
    run.apply(decideAdvance(run.snapshot, advanceCtx(NOW))!, NOW);
    expect(statesOf(run.snapshot)).toEqual({ a: "skipped", b: "skipped", c: "skipped" });
    expect(run.snapshot.run.state).toBe("success");
  });
});

describe("decideCancel", () => {
  it("fails the running try, skips what never ran, cancels jobs and fails the run with the note", () => {
    const s = withTasks(
      snapshotOf(tasks),
      {
        a: { state: "running", tryNumber: 1, jobId: "1" },
        d: { state: "queued", tryNumber: 1, jobId: "2" },
      },
      [jobView("1", "running", { startedAt: T0 }), jobView("2", "queued")],
    );
    const change = decideCancel(s, NOW, "wrong params");
    expect(writtenOf(change)).toEqual({ a: "failed", b: "skipped", c: "skipped", d: "skipped" });
    expect(change?.cancelJobs).toEqual(["1", "2"]);
    expect(change?.tasks?.[0]?.error).toMatchObject({
      code: "RUN_CANCELLED",
      message: "the run was cancelled: wrong params",
    });
    expect(change?.run).toMatchObject({ state: "failed", finishedAt: NOW, note: "wrong params" });
  });

  it("treats a queued task whose job has started as running", () => {
    const s = withTasks(snapshotOf(tasks), { d: { state: "queued", tryNumber: 1, jobId: "2" } }, [
      jobView("2", "running", { startedAt: T0 }),
    ]);
    expect(writtenOf(decideCancel(s, NOW, null))).toMatchObject({ d: "failed", a: "skipped" });
  });

  it("cancels a queued run and does nothing to a finished one", () => {
    const queued = decideCancel(snapshotOf(tasks, {}, { state: "queued" }), NOW, null);
    expect(queued?.run?.state).toBe("failed");
    expect(decideCancel(failedRun(), NOW, "late")).toBeNull();
  });
});

describe("operations on a stopped run", () => {
  /** Stopped: a success, b stopped (its job 2 stopped), c and d waiting. */
  function stoppedRun(): RunSnapshot {
    return withTasks(
      snapshotOf(tasks, {}, { state: "stopped" }),
      {
        a: { state: "success", tryNumber: 1, jobId: "1" },
        b: { state: "stopped", tryNumber: 1, jobId: "2" },
      },
      [jobView("1", "succeeded"), jobView("2", "stopped")],
    );
  }

  it("cancel fails the run and the stopped task, and cancels its stopped job", () => {
    const change = decideCancel(stoppedRun(), NOW, "abandoned");
    expect(change?.run?.state).toBe("failed");
    expect(change?.cancelJobs).toEqual(["2"]);
    expect(writtenOf(change)).toMatchObject({ b: "failed", c: "skipped", d: "skipped" });
  });

  it("clear and mark of a stopped task cancel its stopped job (never left stopped forever)", () => {
    const cleared = decideClear(stoppedRun(), ["b"], { downstream: false }, NOW);
    expect(cleared.cancelJobs).toEqual(["2"]);
    expect(cleared.tasks?.find((t) => t.taskId === "b")).toMatchObject({
      state: "none",
      jobId: null,
    });
    const marked = decideMark(stoppedRun(), "b", "success", NOW);
    expect(marked.cancelJobs).toEqual(["2"]);
    expect(writtenOf(marked)).toMatchObject({ b: "success" });
  });
});

describe("decideNote", () => {
  it("sets the run's or a task's note and leaves needsPlan as it is", () => {
    expect(decideNote(failedRun(), null, "see ticket 12", NOW)).toEqual({
      run: { note: "see ticket 12" },
      planned: true,
    });
    const change = decideNote(snapshotOf(tasks), "c", "slow", NOW);
    expect(change.planned).toBe(false);
    expect(change.tasks).toEqual([
      expect.objectContaining({ taskId: "c", note: "slow", state: "none" }),
    ]);
    expect(() => decideNote(failedRun(), "zz", "x", NOW)).toThrow(NotFoundError);
  });
});
