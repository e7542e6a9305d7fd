import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { renderTaskPayload, templateIssues, type TaskTemplateVars } from "./payload-template.js";
import { FailTask, SkipTask, parseTaskTryKey, taskTryOrigin } from "./task-errors.js";

const T = Date.UTC(2026, 2, 1);
const vars: TaskTemplateVars = {
  logicalDate: T,
  dataInterval: { start: T, end: T + 3_600_000 },
  runId: "42",
  taskId: "load",
  tryNumber: 3,
  params: { full: true, n: 5, tags: ["a"], name: "x" },
};

describe("renderTaskPayload", () => {
  it.each([
    ["{{ logicalDate }}", "2026-03-01T00:00:00.000Z"],
    ["{{dataInterval.start}}", "2026-03-01T00:00:00.000Z"],
    ["{{  dataInterval.end  }}", "2026-03-01T01:00:00.000Z"],
    ["{{ runId }}", "42"],
    ["{{ taskId }}", "load"],
    ["{{ tryNumber }}", 3],
    ["{{ params.full }}", true],
    ["{{ params.tags }}", ["a"]],
    ["day={{ logicalDate }}/try={{ tryNumber }}", "day=2026-03-01T00:00:00.000Z/try=3"],
    ["tags={{ params.tags }} {{ params.name }}", 'tags=["a"] x'],
    ["no placeholder", "no placeholder"],
  ])("renders %j as %j", (template, expected) => {
    expect(renderTaskPayload(template, vars)).toEqual(expected);
  });

  it("renders every string of nested objects and arrays, leaving keys and other values", () => {
    const template = {
      "{{ runId }}": ["{{ params.n }}", 1, null, { d: "{{ taskId }}" }],
      ok: false,
    };
    expect(renderTaskPayload(template, vars)).toEqual({
      "{{ runId }}": [5, 1, null, { d: "load" }],
      ok: false,
    });
  });

  it.each([
    ["{{ logical_date }}", /unknown placeholder "\{\{ logical_date \}\}"/],
    ["{{ params.missing }}", /"\{\{ params.missing \}\}" names no param/],
  ])("rejects %j with a ValidationError naming it", (template, message) => {
    expect(() => renderTaskPayload({ x: template }, vars)).toThrow(ValidationError);
    expect(() => renderTaskPayload({ x: template }, vars)).toThrow(message);
  });
});

describe("templateIssues", () => {
  it("lists unknown placeholders with their path, and undeclared params when names are given", () => {
    const payload = { a: ["{{ ds }}"], b: "{{ params.full }} {{ params.zz }}", c: "{{ runId }}" };
    expect(templateIssues(payload)).toEqual([
      expect.stringMatching(/^payload\.a\[0\]: unknown placeholder "\{\{ ds \}\}"/),
    ]);
    expect(templateIssues(payload, ["full"])).toHaveLength(2);
    expect(templateIssues(payload, ["full"])[1]).toMatch(/^payload\.b: .*declare "zz"/);
  });
});

describe("task errors and origins", () => {
  it("carries the codes the advance decision reads", () => {
    expect(new SkipTask().code).toBe("TASK_SKIPPED");
    expect(new FailTask("bad input").code).toBe("TASK_FAILED");
    expect(new FailTask("bad input")).toBeInstanceOf(Error);
  });

  it("round-trips a task try key and rejects others", () => {
    expect(taskTryOrigin("9", "load.x", 2)).toEqual({ kind: "workflow", id: "9", key: "load.x#2" });
    expect(parseTaskTryKey("load.x#2")).toEqual({ taskId: "load.x", tryNumber: 2 });
    for (const bad of ["load", "a#0", "a#b", "#1", "a#1#2", "a b#1"]) {
      expect(parseTaskTryKey(bad)).toBeNull();
    }
  });
});
