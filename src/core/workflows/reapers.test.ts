import { describe, expect, it } from "vitest";
import { decideDispatchLost, decideOrphan } from "./reapers.js";
import { T0, jobView, snapshotOf, withTasks, writtenOf } from "./run-fixtures.js";
import type { RunSnapshot } from "./store-types.js";

const HOUR = 3_600_000;
const NOW = T0 + 5 * HOUR;
const tasks = [
  { id: "a", fn: "f" },
  { id: "b", fn: "f", dependsOn: ["a"], retries: 1, retryDelay: "10s" },
  { id: "c", fn: "f", dependsOn: ["b"] },
];

function stalled(
  patch: Parameters<typeof withTasks>[1] = {},
  jobs = [jobView("1", "failed")],
): RunSnapshot {
  const s = snapshotOf(tasks, {}, { needsPlan: false, lastProgressAt: T0 + HOUR });
  return withTasks(
    s,
    { a: { state: "success", jobId: "1" }, b: { state: "scheduled" }, ...patch },
    jobs,
  );
}

describe("decideOrphan", () => {
  it("fails a run with no progress past the threshold, saying since when and what was left", () => {
    const change = decideOrphan(stalled(), NOW, 2 * HOUR);
    expect(writtenOf(change)).toEqual({ b: "skipped", c: "skipped" });
    expect(change?.run).toMatchObject({ state: "failed", finishedAt: NOW, nextPlanAt: null });
    expect(change?.run?.note).toBe(
      "orphaned: no progress since 2026-01-01T01:00:00.000Z (threshold 7200000 ms) and no task's job is live; " +
        "left unfinished: b (scheduled), c (none)",
    );
  });

  it.each([
    ["progress within the threshold", (s: RunSnapshot) => s, 5 * HOUR],
    [
      "a live job",
      (s: RunSnapshot) =>
        withTasks(s, { b: { state: "running", jobId: "2" } }, [jobView("2", "running")]),
      HOUR,
    ],
    [
      "a retry still waiting",
      (s: RunSnapshot) => withTasks(s, { b: { state: "up_for_retry", retryDueAt: NOW + 1 } }),
      HOUR,
    ],
    [
      "an outcome to apply",
      (s: RunSnapshot) => withTasks(s, { a: { outcome: "succeeded" } }),
      HOUR,
    ],
    ["a pending plan", (s: RunSnapshot) => ({ ...s, run: { ...s.run, needsPlan: true } }), HOUR],
    [
      "a finished run",
      (s: RunSnapshot) => ({ ...s, run: { ...s.run, state: "failed" as const } }),
      HOUR,
    ],
  ])("leaves a run with %s alone", (_, patch, threshold) => {
    expect(decideOrphan(patch(stalled()), NOW, threshold)).toBeNull();
  });
});

describe("decideDispatchLost", () => {
  function queued(tryNumber: number, maxTries: number, job = jobView("3", "queued")): RunSnapshot {
    return withTasks(
      snapshotOf(tasks),
      {
        a: { state: "success" },
        b: { state: "queued", tryNumber, maxTries, jobId: "3", queuedAt: T0 },
      },
      [job],
    );
  }

  it("cancels the job and retries the try when tries remain", () => {
    const change = decideDispatchLost(queued(1, 2), "b", NOW, HOUR);
    expect(change?.cancelJobs).toEqual(["3"]);
    expect(change?.tasks?.[0]).toMatchObject({
      state: "up_for_retry",
      retryDueAt: NOW + 10_000,
      finishedAt: NOW,
    });
    expect(change?.tasks?.[0]?.error).toMatchObject({
      name: "DispatchLost",
      code: "DISPATCH_LOST",
    });
    expect(change?.tasks?.[0]?.error?.message).toMatch(
      /queued at 2026-01-01T00:00:00.000Z as job 3, which never started/,
    );
    expect(change).toMatchObject({ run: { lastProgressAt: NOW }, planned: false });
  });

  it("fails the task when no try is left", () => {
    expect(writtenOf(decideDispatchLost(queued(2, 2), "b", NOW, HOUR))).toEqual({ b: "failed" });
  });

  it.each([
    ["queued within the threshold", queued(1, 2), 6 * HOUR, "b"],
    ["whose job started", queued(1, 2, jobView("3", "running", { startedAt: T0 })), HOUR, "b"],
    ["whose job ended", queued(1, 2, jobView("3", "succeeded")), HOUR, "b"],
    ["that is not queued", queued(1, 2), HOUR, "a"],
    ["that does not exist", queued(1, 2), HOUR, "zz"],
  ])("leaves a task %s alone", (_, s, threshold, taskId) => {
    expect(decideDispatchLost(s, taskId, NOW, threshold)).toBeNull();
  });
});
