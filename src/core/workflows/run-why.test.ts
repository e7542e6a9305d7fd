import { describe, expect, it } from "vitest";
import { NotFoundError } from "../errors.js";
import { T0, jobView, snapshotOf, withTasks } from "./run-fixtures.js";
import { duration, explainRunTask, type RunWhyContext } from "./run-why.js";
import type { RunSnapshot } from "./store-types.js";

const NOW = T0 + 60_000;
const ctx: RunWhyContext = { now: NOW, workflowPaused: false, leaderKnown: true, runningRuns: 1 };
const tasks = [
  { id: "a", fn: "fa" },
  { id: "b", fn: "fb" },
  { id: "c", fn: "fc", dependsOn: ["a", "b"], triggerRule: "all_success" },
  { id: "d", fn: "fd", retries: 2 },
];
const err = { name: "Error", message: "disk full" };

function run(
  patch: Parameters<typeof withTasks>[1],
  jobs = [jobView("1", "running", { startedAt: T0 })],
): RunSnapshot {
  return withTasks(snapshotOf(tasks, { maxActiveTasks: 2 }, { needsPlan: false }), patch, jobs);
}

describe("explainRunTask", () => {
  it.each([
    [
      "the upstreams it waits for and the rule",
      run({
        a: { state: "running", jobId: "1" },
        b: { state: "success" },
        d: { state: "running" },
      }),
      "c",
      ctx,
      "it waits for upstream a (running) under trigger rule all_success",
    ],
    [
      "maxActiveTasks holding it",
      run({ a: { state: "running" }, b: { state: "queued" }, d: { state: "scheduled" } }),
      "d",
      ctx,
      "it is scheduled but held by maxActiveTasks: 2 of 2 task slots of this run are queued or running",
    ],
    [
      "the retry delay remaining",
      run({
        d: {
          state: "up_for_retry",
          tryNumber: 1,
          maxTries: 3,
          retryDueAt: NOW + 90_000,
          error: err,
        },
      }),
      "d",
      ctx,
      "it waits for its retry delay: try 1 of 3 failed: Error: disk full; the next try is due at 2026-01-01T00:02:30.000Z, in 1 min 30 s",
    ],
    [
      "the run queued behind maxActiveRuns",
      snapshotOf(tasks, { maxActiveRuns: 1 }, { state: "queued" }),
      "a",
      ctx,
      'the run is queued behind maxActiveRuns: 1 of 1 runs of "wf" are running; it starts when one ends (oldest logical date first)',
    ],
    [
      "the workflow paused",
      run({}),
      "a",
      { ...ctx, workflowPaused: true },
      'the workflow "wf" is paused: no task of its runs is dispatched until it is resumed',
    ],
    [
      "a running try",
      run({ a: { state: "running", tryNumber: 1, maxTries: 1, jobId: "1" } }),
      "a",
      ctx,
      "it is running (try 1 of 1, job 1) since 2026-01-01T00:00:00.000Z",
    ],
    [
      "a failed task, with how",
      run({ d: { state: "failed", tryNumber: 3, maxTries: 3, error: err, finishedAt: T0 } }),
      "d",
      ctx,
      "it failed at 2026-01-01T00:00:00.000Z after try 3 of 3: Error: disk full; clear it to run it again",
    ],
    [
      "a task that can never run",
      run({ a: { state: "removed" }, b: { state: "success" } }),
      "c",
      ctx,
      "it can never run: its trigger rule all_success cannot be met by its upstreams' final states; clear or mark tasks to go on",
    ],
    [
      "a finished run that left it",
      snapshotOf(tasks, {}, { state: "failed", finishedAt: T0, note: "cancelled" }),
      "c",
      ctx,
      "the run ended failed at 2026-01-01T00:00:00.000Z before this task finished (it is none): cancelled",
    ],
  ])("says %s", (_, s, taskId, context, summary) => {
    expect(explainRunTask(s, taskId, context).summary).toBe(summary);
  });

  it("names the job holding the concurrency key and the missing worker for a queued task", () => {
    const s = run({ a: { state: "queued", tryNumber: 1, jobId: "4", queuedAt: T0 } }, [
      jobView("4", "queued"),
    ]);
    const answer = explainRunTask(s, "a", {
      ...ctx,
      leaderKnown: false,
      concurrencyHolder: { key: "warehouse", limit: 1, jobIds: ["88"] },
      liveWorkers: 0,
    });
    expect(answer.state).toBe("queued");
    expect(answer.lines).toEqual([
      "it is queued (try 1 of 1): its job 4 waits for a worker since 2026-01-01T00:00:00.000Z",
      'its job waits on concurrency key "warehouse" (limit 1), held by job 88',
      'no live worker runs function "fa": start a worker that defines it',
      "no leader is known: no engine is scheduling runs or reaping stuck ones right now; start an engine",
    ]);
  });

  it("rejects an unknown task", () => {
    expect(() => explainRunTask(run({}), "zz", ctx)).toThrow(NotFoundError);
  });

  it.each([
    [450, "450 ms"],
    [12_000, "12 s"],
    [245_000, "4 min 5 s"],
    [9_000_000, "2 h 30 min"],
  ])("words %d ms as %s", (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});
