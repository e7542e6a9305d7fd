import { describe, expect, it } from "vitest";
import {
  gridRuns,
  paramFields,
  paramsFromForm,
  readDefinition,
  clearBody,
  runControlsFor,
  scheduleText,
  tryDuration,
  type RunDetail,
} from "../../dashboard/src/workflows-api.js";

describe("readDefinition", () => {
  it("reads tasks, schedule and params from a stored definition", () => {
    const d = readDefinition({
      name: "etl",
      tasks: [
        { id: "extract", fn: "x", dependsOn: [] },
        { id: "load", fn: "y", dependsOn: ["extract"] },
      ],
      schedule: { kind: "cron", cron: "0 3 * * *", timezone: "Europe/Paris" },
      params: { full: false },
    });
    expect(d.tasks).toEqual([
      { id: "extract", fn: "x", dependsOn: [] },
      { id: "load", fn: "y", dependsOn: ["extract"] },
    ]);
    expect(d.schedule).toBe("cron 0 3 * * * (Europe/Paris)");
    expect(d.params).toEqual({ full: false });
  });

  it("tolerates a definition missing its parts", () => {
    expect(readDefinition(null)).toEqual({ tasks: [], schedule: null, params: {} });
    expect(readDefinition({ tasks: [{ id: "a" }] }).tasks).toEqual([
      { id: "a", fn: "", dependsOn: [] },
    ]);
  });

  it("writes an interval schedule", () => {
    expect(scheduleText({ kind: "every", everyMs: 60000 })).toBe("every 60000 ms");
    expect(scheduleText(null)).toBeNull();
  });
});

describe("trigger params", () => {
  const fields = paramFields({ who: "x", n: 2, full: false, tags: ["a"] });

  it("gives each declared param an input of its default's type", () => {
    expect(fields).toEqual([
      { name: "who", kind: "string", initial: "x" },
      { name: "n", kind: "number", initial: "2" },
      { name: "full", kind: "boolean", initial: "false" },
      { name: "tags", kind: "json", initial: '["a"]' },
    ]);
  });

  it("reads the form back into typed params", () => {
    const form: Record<string, string> = { who: "bob", n: "3.5", full: "on", tags: '["b","c"]' };
    expect(paramsFromForm(fields, (k) => form[k] ?? null)).toEqual({
      params: { who: "bob", n: 3.5, full: true, tags: ["b", "c"] },
    });
  });

  it("an unchecked box is false; a bad number or JSON names the param", () => {
    const base: Record<string, string> = { who: "", n: "1", tags: "[]" };
    expect(paramsFromForm(fields, (k) => base[k] ?? null)).toEqual({
      params: { who: "", n: 1, full: false, tags: [] },
    });
    expect(paramsFromForm(fields, (k) => ({ ...base, n: "abc" })[k] ?? null)).toEqual({
      error: "n must be a number",
    });
    expect(paramsFromForm(fields, (k) => ({ ...base, tags: "[" })[k] ?? null)).toEqual({
      error: 'tags must be JSON (e.g. ["a"])',
    });
  });
});

describe("run actions", () => {
  it("offers stop for a live run, start for a stopped one, neither for a finished one", () => {
    expect(runControlsFor("running")).toEqual(["stop", "cancel"]);
    expect(runControlsFor("queued")).toEqual(["stop", "cancel"]);
    expect(runControlsFor("stopped")).toEqual(["start", "cancel"]);
    expect(runControlsFor("success")).toEqual([]);
    expect(runControlsFor("failed")).toEqual([]);
  });

  it("clears the task, the task and its downstream, or every failed task of the run", () => {
    const r = { tasks: [{ taskId: "a" }, { taskId: "b" }, { taskId: "c" }] } as RunDetail;
    expect(clearBody(r, "b", "task")).toEqual({ tasks: ["b"], downstream: false });
    expect(clearBody(r, "b", "downstream")).toEqual({ tasks: ["b"], downstream: true });
    expect(clearBody(r, "b", "failed")).toEqual({
      tasks: ["a", "b", "c"],
      downstream: false,
      onlyFailed: true,
    });
  });
});

describe("gridRuns", () => {
  it("puts the oldest run first with its tasks' states", () => {
    const run = (id: string, state: string, tasks: [string, string][]) =>
      ({
        id,
        state,
        logicalDate: `2026-12-0${id}T00:00:00.000Z`,
        tasks: tasks.map(([taskId, s]) => ({ taskId, state: s })),
      }) as unknown as RunDetail;
    expect(
      gridRuns([run("2", "running", [["a", "running"]]), run("1", "success", [["a", "success"]])]),
    ).toEqual([
      {
        id: "1",
        label: "2026-12-01T00:00:00.000Z",
        state: "success",
        taskStates: { a: "success" },
      },
      {
        id: "2",
        label: "2026-12-02T00:00:00.000Z",
        state: "running",
        taskStates: { a: "running" },
      },
    ]);
  });
});

describe("tryDuration", () => {
  const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
  it("says how long a finished try took, in a unit that fits", () => {
    expect(tryDuration({ startedAt: at(0), finishedAt: at(850) })).toBe("850 ms");
    expect(tryDuration({ startedAt: at(0), finishedAt: at(12_340) })).toBe("12.3 s");
    expect(tryDuration({ startedAt: at(0), finishedAt: at(245_000) })).toBe("4 min 5 s");
  });
  it("is null for a try that has not started or not ended", () => {
    expect(tryDuration({ startedAt: null, finishedAt: null })).toBeNull();
    expect(tryDuration({ startedAt: at(0), finishedAt: null })).toBeNull();
  });
});
