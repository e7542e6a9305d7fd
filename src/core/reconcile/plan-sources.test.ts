/**
 * planReconcile and where objects come from: api-sourced objects are never touched nor
 * shadowed by the file, and config-sourced ones missing from it are pruned only with prune.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { NOW, actions, apply, applied, empty, fn, plan, sched } from "./plan-fixtures.js";

describe("planReconcile: sources and prune", () => {
  it("never touches api-sourced objects", () => {
    const store = applied({ functions: [fn("report")], schedules: [sched("a")] });
    store.schedules.push({ ...store.schedules[0]!, id: "api-1", name: "from-api", source: "api" });
    store.functions.push({
      name: "inline-fn",
      kind: "inline",
      specJson: "{}",
      source: "api",
      createdAt: 0,
      updatedAt: 0,
    });
    for (const prune of [false, true]) {
      const p = plan({ functions: [fn("report")], schedules: [sched("a")] }, store, prune);
      expect(actions(p)).toEqual(["unchanged function report", "unchanged schedule a"]);
      expect(p.changes).toEqual([]);
    }
  });

  it("refuses to declare a name that belongs to an api-sourced object", () => {
    const store = empty();
    store.schedules.push({
      ...applied({ functions: [fn("report")], schedules: [sched("a")] }).schedules[0]!,
      source: "api",
    });
    store.functions.push({
      name: "report",
      kind: "inline",
      specJson: "{}",
      source: "api",
      createdAt: 0,
      updatedAt: 0,
    });
    const run = () => plan({ functions: [fn("report")], schedules: [sched("a")] }, store);
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(/function "report" already exists and was created through the API/);
    expect(run).toThrow(
      /schedule "a" already exists .*rename the schedule in the config file, or delete/,
    );
  });

  it("prunes config-sourced objects missing from the file only with prune", () => {
    const store = applied({
      functions: [fn("report"), fn("old")],
      schedules: [sched("a"), sched("gone")],
    });
    const declared = { functions: [fn("report")], schedules: [sched("a")] };
    const held = plan(declared, store);
    expect(actions(held)).toEqual([
      "unchanged function report",
      "would_prune function old",
      "unchanged schedule a",
      "would_prune schedule gone",
    ]);
    expect(held.changes).toEqual([]);
    const pruned = plan(declared, store, true);
    expect(actions(pruned)).toEqual([
      "unchanged function report",
      "prune function old",
      "unchanged schedule a",
      "prune schedule gone",
    ]);
    expect(pruned.changes).toEqual([
      { op: "delete_schedule", name: "gone" },
      { op: "delete_function", name: "old" },
    ]);
    const after = apply(store, pruned.changes, NOW);
    expect(actions(plan(declared, after, true))).toEqual([
      "unchanged function report",
      "unchanged schedule a",
    ]);
  });

  it("refuses to prune a function an api schedule still uses", () => {
    const store = applied({ functions: [fn("report"), fn("old")], schedules: [] });
    store.schedules.push({
      ...applied({ functions: [fn("old")], schedules: [sched("x", { fn: "old" })] }).schedules[0]!,
      source: "api",
    });
    const declared = { functions: [fn("report")], schedules: [] };
    expect(actions(plan(declared, store))).toContain("would_prune function old");
    expect(() => plan(declared, store, true)).toThrow(/cannot prune function "old": schedule "x"/);
  });

  it("takes over a function registered by define(): the declared spec wins, and is never pruned", () => {
    const store = empty();
    store.functions.push({
      name: "report",
      kind: "inline",
      specJson: '{"options":{"maxAttempts":9}}',
      source: "define",
      createdAt: 0,
      updatedAt: 0,
    });
    const p = plan({ functions: [fn("report")], schedules: [] }, store);
    expect(actions(p)).toEqual(["update function report"]);
    expect(p.items[0]).toMatchObject({
      fields: expect.arrayContaining([{ field: "source", from: "define", to: "config" }]),
    });
    expect(p.changes).toEqual([
      { op: "upsert_function", fn: expect.objectContaining({ name: "report", source: "config" }) },
    ]);
    const after = apply(store, p.changes, NOW);
    expect(actions(plan({ functions: [fn("report")], schedules: [] }, after))).toEqual([
      "unchanged function report",
    ]);
    // Not declared: a define registration is left alone, even with prune.
    expect(actions(plan({ functions: [], schedules: [] }, store, true))).toEqual([]);
  });
});
