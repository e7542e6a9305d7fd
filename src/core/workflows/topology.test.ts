/**
 * Tests of compileTopology: the compiled arrays (upstream rows, topological order, leaves) and
 * the validation errors that name the offending task or cycle.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { compileTopology, upstreamsOf, type PlannerTask } from "./topology.js";

const ids = (t: ReturnType<typeof compileTopology>, xs: Iterable<number>): string[] =>
  [...xs].map((i) => t.ids[i] ?? "?");

describe("compileTopology", () => {
  const tasks: PlannerTask[] = [
    { id: "load", upstream: ["transform"] },
    { id: "extract" },
    { id: "transform", upstream: ["extract", "extract"], triggerRule: "none_failed" },
    { id: "notify", upstream: ["extract"], triggerRule: "always" },
  ];

  it("orders upstreams before downstreams, ties in declaration order", () => {
    const t = compileTopology(tasks);
    expect(ids(t, t.order)).toEqual(["extract", "transform", "notify", "load"]);
  });

  it("keeps each task's rule, all_success by default", () => {
    expect(compileTopology(tasks).rules).toEqual([
      "all_success",
      "all_success",
      "none_failed",
      "always",
    ]);
  });

  it("counts a repeated upstream once (Airflow upstreams are a set)", () => {
    const t = compileTopology(tasks);
    expect(ids(t, upstreamsOf(t, 2))).toEqual(["extract"]);
  });

  it("leaves are the tasks nothing depends on", () => {
    const t = compileTopology(tasks);
    expect(ids(t, t.leaves)).toEqual(["load", "notify"]);
  });

  it("an empty workflow compiles to nothing", () => {
    const t = compileTopology([]);
    expect(t.order).toHaveLength(0);
    expect(t.leaves).toEqual([]);
  });

  it("rejects a duplicate id, naming it", () => {
    expect(() => compileTopology([{ id: "a" }, { id: "a" }])).toThrow(
      /task id "a" is declared twice/,
    );
  });

  it("rejects an unknown upstream, naming both tasks", () => {
    expect(() => compileTopology([{ id: "a", upstream: ["b"] }])).toThrow(
      /task "a" depends on unknown task "b"/,
    );
  });

  it("rejects a task depending on itself", () => {
    expect(() => compileTopology([{ id: "a", upstream: ["a"] }])).toThrow(/"a" depends on itself/);
  });

  it("rejects an unknown trigger rule", () => {
    const bad = [{ id: "a", triggerRule: "dummy" }] as unknown as PlannerTask[];
    expect(() => compileTopology(bad)).toThrow(ValidationError);
  });

  it("rejects a cycle, naming it in dependency order", () => {
    const cyclic: PlannerTask[] = [
      { id: "start" },
      { id: "a", upstream: ["start", "c"] },
      { id: "b", upstream: ["a"] },
      { id: "c", upstream: ["b"] },
      { id: "after", upstream: ["c"] },
    ];
    expect(() => compileTopology(cyclic)).toThrow(ValidationError);
    expect(() => compileTopology(cyclic)).toThrow(
      /cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)/,
    );
  });
});
