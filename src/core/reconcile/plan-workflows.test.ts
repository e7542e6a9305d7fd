/** planReconcile for workflows: create, update (field diffs), unchanged, prune, conflicts, nextRunAfter. */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import {
  normalizeWorkflow,
  type WorkflowDeclaration,
  type WorkflowDefinition,
} from "../workflows/definition.js";
import type { StoredWorkflow } from "../workflows/store-types.js";
import { formatPlan } from "./format.js";
import { NOW, actions, apply, empty, fn, plan, type Store } from "./plan-fixtures.js";

function wf(extra: Partial<WorkflowDeclaration> = {}): WorkflowDefinition {
  return normalizeWorkflow({
    name: "etl",
    tasks: [
      { id: "extract", fn: "extract" },
      { id: "load", fn: "load", dependsOn: ["extract"] },
    ],
    schedule: { cron: "0 3 * * *" },
    ...extra,
  });
}

const FUNCTIONS = [fn("extract"), fn("load")];

function declare(...workflows: WorkflowDefinition[]) {
  return { functions: FUNCTIONS, schedules: [], workflows };
}

/** A store holding `workflows` applied a day ago, with runtime state. */
function storedWith(...workflows: WorkflowDefinition[]): Store {
  const before = apply(empty(), plan(declare(...workflows), empty()).changes, NOW - 86_400_000);
  return {
    ...before,
    workflows: (before.workflows ?? []).map((w) => ({
      ...w,
      paused: true,
      pauseNote: "maintenance",
      latestLogicalDate: NOW - 3_600_000,
      nextRunAfter: NOW + 3_600_000,
    })),
  };
}

function apiWorkflow(definition: WorkflowDefinition): StoredWorkflow {
  return {
    name: definition.name,
    definition,
    source: "api",
    paused: false,
    pauseNote: null,
    latestLogicalDate: null,
    nextRunAfter: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

describe("planReconcile: workflows", () => {
  it("creates a workflow after its functions, its next run due now when it has a schedule", () => {
    const manual = wf({ name: "manual", schedule: undefined });
    const p = plan(declare(wf(), manual), empty());
    expect(actions(p)).toEqual([
      "create function extract",
      "create function load",
      "create workflow etl",
      "create workflow manual",
    ]);
    expect(p.changes.map((c) => c.op)).toEqual([
      "upsert_function",
      "upsert_function",
      "put_workflow",
      "put_workflow",
    ]);
    expect(p.changes.slice(2)).toEqual([
      { op: "put_workflow", definition: wf(), nextRunAfter: NOW },
      { op: "put_workflow", definition: manual, nextRunAfter: null },
    ]);
  });

  it("plans unchanged against its own result, and keeps runtime state", () => {
    const store = storedWith(wf());
    const p = plan(declare(wf()), store);
    expect(actions(p)).toEqual([
      "unchanged function extract",
      "unchanged function load",
      "unchanged workflow etl",
    ]);
    expect(p.changes).toEqual([]);
  });

  it("updates with field diffs: tasks added, removed and changed by id, limits, params", () => {
    const store = storedWith(wf());
    const changed = wf({
      tasks: [
        { id: "extract", fn: "extract", retries: 2, retryDelay: "30s" },
        { id: "report", fn: "load", dependsOn: ["extract"] },
      ],
      maxActiveRuns: 1,
      params: { full: false },
    });
    const p = plan(declare(changed), store);
    expect(p.items.at(-1)).toEqual({
      kind: "workflow",
      name: "etl",
      action: "update",
      fields: [
        { field: "maxActiveRuns", from: 16, to: 1 },
        { field: "params", from: {}, to: { full: false } },
        { field: "tasks.extract.retries", from: 0, to: 2 },
        { field: "tasks.extract.retryDelay", from: 300_000, to: 30_000 },
        { field: "tasks.report", from: null, to: { fn: "load", dependsOn: ["extract"] } },
        { field: "tasks.load", from: { fn: "load", dependsOn: ["extract"] }, to: null },
      ],
    });
    // Timing unchanged: the stored next run is kept.
    expect(p.changes).toEqual([
      { op: "put_workflow", definition: changed, nextRunAfter: NOW + 3_600_000 },
    ]);
    const after = apply(store, p.changes, NOW);
    expect(after.workflows?.[0]).toMatchObject({
      paused: true,
      pauseNote: "maintenance",
      latestLogicalDate: NOW - 3_600_000,
      definition: changed,
    });
    expect(actions(plan(declare(changed), after))).toContain("unchanged workflow etl");
  });

  it.each([
    ["schedule", { schedule: { cron: "0 4 * * *" } }, "schedule.cron"],
    ["startDate", { startDate: "2026-01-01" }, "startDate"],
    ["endDate", { endDate: "2027-01-01" }, "endDate"],
    ["catchup", { catchup: true }, "catchup"],
    ["runSemantics", { runSemantics: "trigger" as const }, "runSemantics"],
  ])("recomputes the next run now when %s changes", (_, extra, field) => {
    const p = plan(declare(wf(extra)), storedWith(wf()));
    expect(p.items.at(-1)?.fields?.map((f) => f.field)).toEqual([field]);
    expect(p.changes).toEqual([{ op: "put_workflow", definition: wf(extra), nextRunAfter: NOW }]);
  });

  it("has no next run when the schedule is removed", () => {
    const p = plan(declare(wf({ schedule: undefined })), storedWith(wf()));
    expect(p.items.at(-1)?.fields).toEqual([
      { field: "schedule.cron", from: "0 3 * * *", to: null },
      { field: "schedule.timezone", from: "UTC", to: null },
    ]);
    expect(p.changes).toMatchObject([{ op: "put_workflow", nextRunAfter: null }]);
  });

  it("shows a new task order alone", () => {
    const reversed = wf({
      tasks: [
        { id: "load", fn: "load" },
        { id: "extract", fn: "extract" },
      ],
    });
    const stored = storedWith(
      wf({
        tasks: [
          { id: "extract", fn: "extract" },
          { id: "load", fn: "load" },
        ],
      }),
    );
    expect(plan(declare(reversed), stored).items.at(-1)?.fields).toEqual([
      { field: "tasks (order)", from: ["extract", "load"], to: ["load", "extract"] },
    ]);
  });

  it("reports a removed config workflow as would_prune, and deletes it only with prune", () => {
    const store = storedWith(wf(), wf({ name: "old" }));
    expect(actions(plan(declare(wf()), store)).at(-1)).toBe("would_prune workflow old");
    expect(plan(declare(wf()), store).changes).toEqual([]);
    const pruned = plan(declare(wf()), store, true);
    expect(actions(pruned).at(-1)).toBe("prune workflow old");
    expect(pruned.changes).toEqual([{ op: "delete_workflow", name: "old" }]);
  });

  it("never prunes an API workflow, and refuses to declare one's name", () => {
    const store: Store = { ...empty(), workflows: [apiWorkflow(wf())] };
    expect(actions(plan(declare(), store, true))).toEqual([
      "create function extract",
      "create function load",
    ]);
    expect(() => plan(declare(wf()), store)).toThrow(ValidationError);
    expect(() => plan(declare(wf()), store)).toThrow(
      /workflow "etl" already exists and was created through the API/,
    );
  });

  it("refuses a workflow declared twice", () => {
    expect(() => plan(declare(wf(), wf()), empty())).toThrow(/workflow "etl" is declared twice/);
  });

  it("refuses to prune a function a remaining workflow task runs", () => {
    const store = storedWith(wf());
    const declared = { functions: [fn("extract")], schedules: [], workflows: [wf()] };
    expect(() => plan(declared, store, true)).toThrow(
      /cannot prune function "load": task "load" of workflow "etl"/,
    );
  });

  it("deletes workflows before the functions they used", () => {
    const store = storedWith(wf());
    const p = plan({ functions: [], schedules: [] }, store, true);
    expect(p.changes).toEqual([
      { op: "delete_workflow", name: "etl" },
      { op: "delete_function", name: "extract" },
      { op: "delete_function", name: "load" },
    ]);
  });

  it("prints workflows like schedules", () => {
    const store = storedWith(wf(), wf({ name: "old" }));
    const changed = wf({
      tasks: [
        { id: "extract", fn: "extract", timeout: "5m" },
        { id: "load", fn: "load", dependsOn: ["extract"] },
      ],
      startDate: "2026-01-01",
      schedule: { every: "1h" },
    });
    const text = formatPlan(plan(declare(changed, wf({ name: "new" })), store));
    expect(text.split("\n").slice(2)).toEqual([
      '~ update workflow etl: schedule.cron "0 3 * * *" -> (none), schedule.timezone "UTC" -> (none), ' +
        "schedule.every (none) -> 1h, startDate (none) -> 2026-01-01T00:00:00.000Z, " +
        "tasks.extract.timeout (none) -> 5m",
      "+ create workflow new",
      "! would prune workflow old (run with --prune to delete)",
      "",
      "Plan: 1 to create, 1 to update, 2 unchanged, 0 to prune (1 would be pruned with --prune).",
    ]);
  });
});
