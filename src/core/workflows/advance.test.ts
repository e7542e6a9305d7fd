import { describe, expect, it } from "vitest";
import { decideAdvance, type TaskJobRequest } from "./advance.js";
import { retryDelayFor } from "./retry-delay.js";
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

function step(run: MemoryRun, now: number, requests: TaskJobRequest[] = []) {
  const change = decideAdvance(run.snapshot, advanceCtx(now, requests));
  if (change !== null) run.apply(change, now);
  return change;
}

function jobOf(run: MemoryRun, taskId: string): string {
  return run.snapshot.tasks.find((t) => t.taskId === taskId)?.jobId ?? "";
}

const chain = [
  { id: "a", fn: "fa", payload: { day: "{{ logicalDate }}", n: "{{ tryNumber }}" } },
  { id: "b", fn: "fb", dependsOn: ["a"] },
];

describe("decideAdvance: dispatch", () => {
  it("queues the roots of a fresh run with try 1, a rendered payload and the task-try origin", () => {
    const requests: TaskJobRequest[] = [];
    const change = decideAdvance(snapshotOf(chain), advanceCtx(NOW, requests));
    expect(writtenOf(change)).toEqual({ a: "queued" });
    expect(change?.tasks?.[0]).toMatchObject({ tryNumber: 1, queuedAt: NOW, error: null });
    expect(change?.jobs?.[0]?.job.origin).toEqual({ kind: "workflow", id: "7", key: "a#1" });
    expect(requests[0]).toMatchObject({
      fn: "fa",
      tryNumber: 1,
      runAt: NOW,
      payload: { day: "2026-01-01T00:00:00.000Z", n: 1 },
    });
    expect(change).toMatchObject({ planned: true, run: { lastProgressAt: NOW } });
  });

  it("holds tasks past maxActiveTasks as scheduled", () => {
    const tasks = ["x", "y", "z"].map((id) => ({ id, fn: "f" }));
    const change = decideAdvance(snapshotOf(tasks, { maxActiveTasks: 2 }), advanceCtx(NOW));
    expect(writtenOf(change)).toEqual({ x: "queued", y: "queued", z: "scheduled" });
  });

  it("does not advance a queued run", () => {
    expect(decideAdvance(snapshotOf(chain, {}, { state: "queued" }), advanceCtx(NOW))).toBeNull();
  });

  it("returns null when nothing changes and no plan was asked", () => {
    const s = withTasks(
      snapshotOf(chain, {}, { needsPlan: false }),
      { a: { state: "queued", tryNumber: 1, jobId: "1" } },
      [jobView("1", "queued")],
    );
    expect(decideAdvance(s, advanceCtx(NOW))).toBeNull();
    expect(decideAdvance({ ...s, run: { ...s.run, needsPlan: true } }, advanceCtx(NOW))).toEqual({
      planned: true,
    });
  });

  it("never writes a task whose job is still live (a finishing job's hook owns that row)", () => {
    const s = withTasks(
      snapshotOf(chain, {}, { needsPlan: false }),
      { a: { state: "queued", tryNumber: 1, jobId: "1" } },
      [jobView("1", "running", { startedAt: NOW - 5 })],
    );
    const change = decideAdvance(s, advanceCtx(NOW));
    expect(change?.tasks ?? []).toEqual([]);
  });

  it("fails a try whose payload cannot be rendered, and asks for another plan", () => {
    const tasks = [{ id: "a", fn: "f", payload: "{{ params.nope }}" }];
    const change = decideAdvance(snapshotOf(tasks), advanceCtx(NOW));
    expect(change?.tasks?.[0]).toMatchObject({ state: "failed", tryNumber: 1 });
    expect(change?.tasks?.[0]?.error?.code).toBe("VALIDATION");
    expect(change?.jobs).toBeUndefined();
    expect(change?.planned).toBe(false);
  });
});

describe("decideAdvance: try outcomes", () => {
  function ended(
    decl: object,
    outcome: "succeeded" | "failed" | "timed_out" | "cancelled",
    code?: string,
  ): RunSnapshot {
    const s = snapshotOf([{ ...chain[0], ...decl } as (typeof chain)[0], chain[1]!]);
    const error = outcome === "succeeded" ? null : { name: "Error", message: "boom", code };
    return withTasks(
      s,
      { a: { state: "running", tryNumber: 1, jobId: "1", outcome, startedAt: T0 } },
      [jobView("1", outcome, { startedAt: T0, finishedAt: T0 + 1000, error })],
    );
  }

  it.each([
    ["succeeded", {}, undefined, { a: "success", b: "queued" }, "running"],
    ["failed", { retries: 1 }, undefined, { a: "up_for_retry" }, "running"],
    ["failed", {}, undefined, { a: "failed", b: "upstream_failed" }, "failed"],
    ["timed_out", { retries: 0 }, "JOB_TIMEOUT", { a: "failed", b: "upstream_failed" }, "failed"],
    ["failed", { retries: 3 }, "TASK_SKIPPED", { a: "skipped", b: "skipped" }, "success"],
    ["failed", { retries: 3 }, "TASK_FAILED", { a: "failed", b: "upstream_failed" }, "failed"],
    ["cancelled", { retries: 3 }, undefined, { a: "failed", b: "upstream_failed" }, "failed"],
  ] as const)("%s %j code %s -> %j, run %s", (outcome, decl, code, states, runState) => {
    const change = decideAdvance(ended(decl, outcome, code), advanceCtx(NOW));
    expect(writtenOf(change)).toEqual(states);
    expect(change?.run?.state ?? "running").toBe(runState);
    if (runState !== "running") expect(change?.run?.finishedAt).toBe(NOW);
    const a = change?.tasks?.find((t) => t.taskId === "a");
    expect(a?.finishedAt).toBe(T0 + 1000);
    expect(a?.error?.message ?? null).toBe(outcome === "succeeded" ? null : "boom");
  });

  it("retries after the fixed delay from the try's end, then dispatches try 2", () => {
    const early = T0 + 1000;
    const change = decideAdvance(
      ended({ retries: 2, retryDelay: "30s" }, "failed"),
      advanceCtx(early),
    );
    expect(change?.tasks?.[0]).toMatchObject({ state: "up_for_retry", retryDueAt: T0 + 31_000 });
    expect(change?.run?.nextPlanAt).toBe(T0 + 31_000);
    const run = new MemoryRun(ended({ retries: 2, retryDelay: "30s" }, "failed"));
    step(run, early);
    expect(decideAdvance(run.snapshot, advanceCtx(T0 + 30_999))).toBeNull();
    const requests: TaskJobRequest[] = [];
    step(run, T0 + 31_000, requests);
    expect(statesOf(run.snapshot)).toMatchObject({ a: "queued" });
    expect(requests[0]).toMatchObject({ tryNumber: 2, payload: { n: 2 } });
    expect(run.snapshot.run.nextPlanAt).toBeNull();
  });

  it("spreads an exponential retry delay with the deterministic jitter", () => {
    const decl = { retries: 3, retryDelay: "10s", retryExponentialBackoff: true };
    const s = ended(decl, "failed");
    const second = withTasks(s, { a: { ...s.tasks[0], tryNumber: 2 } });
    const change = decideAdvance(second, advanceCtx(T0 + 1000));
    const delay = retryDelayFor(
      { retryDelayMs: 10_000, exponentialBackoff: true },
      { runId: "7", taskId: "a", tryNumber: 2 },
    );
    expect(delay).toBeGreaterThanOrEqual(20_000);
    expect(delay).toBeLessThan(40_000);
    expect(change?.tasks?.[0]?.retryDueAt).toBe(T0 + 1000 + delay);
  });

  it("ends a run whose tasks can never run as a deadlock, naming them in the note", () => {
    const s = withTasks(snapshotOf(chain, {}, { note: "nightly" }), {
      a: { state: "removed" },
    });
    const change = decideAdvance(s, advanceCtx(NOW));
    expect(change?.run?.state).toBe("failed");
    expect(change?.run?.note).toMatch(/^nightly\ndeadlock: .*stuck: b /);
  });

  it("records a late outcome on a finished run without reopening it or the task", () => {
    const s = withTasks(
      snapshotOf(chain, {}, { state: "failed", finishedAt: NOW }),
      { a: { state: "failed", tryNumber: 1, jobId: "1", outcome: "succeeded" } },
      [jobView("1", "succeeded", { finishedAt: NOW })],
    );
    const change = decideAdvance(s, advanceCtx(NOW + 1));
    expect(change).toEqual({
      tasks: [expect.objectContaining({ state: "failed" })],
      planned: true,
    });
  });

  it("keeps a task marked by hand when its cancelled job's outcome arrives", () => {
    const s = withTasks(
      snapshotOf(chain),
      { a: { state: "success", tryNumber: 1, jobId: "1", outcome: "cancelled" } },
      [jobView("1", "cancelled", { error: { name: "cancelled", message: "by hand" } })],
    );
    expect(writtenOf(decideAdvance(s, advanceCtx(NOW)))).toEqual({ a: "success", b: "queued" });
  });
});

describe("decideAdvance: whole runs", () => {
  it("runs a chain to success through job outcomes only", () => {
    const run = new MemoryRun(snapshotOf(chain));
    step(run, NOW);
    run.startJob(jobOf(run, "a"), NOW + 1);
    run.endJob(jobOf(run, "a"), "succeeded", NOW + 2);
    step(run, NOW + 3);
    expect(statesOf(run.snapshot)).toEqual({ a: "success", b: "queued" });
    run.endJob(jobOf(run, "b"), "succeeded", NOW + 4);
    step(run, NOW + 5);
    expect(run.snapshot.run).toMatchObject({ state: "success", finishedAt: NOW + 5 });
  });
});
