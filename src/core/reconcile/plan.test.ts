/** planReconcile: create, update, unchanged, cursors, payloads, moves, masked diffs. */
import { describe, expect, it } from "vitest";
import { nextSlotAfter } from "../schedules/timing.js";
import { formatPlan } from "./format.js";
import { NOW, actions, apply, applied, empty, fn, plan, sched } from "./plan-fixtures.js";
import { functionSpecJson } from "./plan.js";

describe("planReconcile", () => {
  it("creates functions and schedules with defaults and a cursor at the next slot", () => {
    const declared = { functions: [fn("report")], schedules: [sched("hourly")] };
    const p = plan(declared, empty());
    expect(actions(p)).toEqual(["create function report", "create schedule hourly"]);
    expect(p.changes).toEqual([
      {
        op: "upsert_function",
        fn: {
          name: "report",
          kind: "command",
          specJson: functionSpecJson(declared.functions[0]!),
          source: "config",
        },
      },
      {
        op: "create_schedule",
        schedule: declared.schedules[0]!.declaration,
        initial: { nextSlotAt: Date.UTC(2026, 0, 1, 11), nextDueAt: Date.UTC(2026, 0, 1, 11) },
      },
    ]);
    expect(functionSpecJson(declared.functions[0]!)).toBe(
      '{"executor":{"command":["node","report.js"],"cwd":"/p","env":{},"timeoutMs":null},"options":{}}',
    );
  });

  it("plans all unchanged against the result of its own plan", () => {
    const declared = {
      functions: [fn("report"), fn("other")],
      schedules: [
        sched("hourly", { payloadJson: '{"a":1}' }, ["payloadJson"]),
        sched("every", { timing: { kind: "every", everyMs: 60_000 }, enabled: false }, ["enabled"]),
      ],
    };
    const first = plan(declared, empty());
    const store = apply(empty(), first.changes, NOW);
    const second = plan(declared, store, true, NOW + 5_000);
    expect(second.items.every((i) => i.action === "unchanged")).toBe(true);
    expect(second.changes).toEqual([]);
  });

  it("creates, updates and leaves unchanged by name", () => {
    const before = { functions: [fn("report")], schedules: [sched("a"), sched("b")] };
    const store = applied(before);
    const after = {
      functions: [fn("report", { options: { maxAttempts: 5 } })],
      schedules: [sched("a"), sched("b", { overlap: "allow_all" }, ["overlap"]), sched("c")],
    };
    const p = plan(after, store);
    expect(actions(p)).toEqual([
      "update function report",
      "unchanged schedule a",
      "update schedule b",
      "create schedule c",
    ]);
    expect(p.items[0]!.fields).toEqual([{ field: "options.maxAttempts", from: null, to: 5 }]);
    expect(p.items[2]!.fields).toEqual([{ field: "overlap", from: "skip", to: "allow_all" }]);
    expect(p.changes.map((c) => c.op)).toEqual([
      "upsert_function",
      "update_schedule",
      "create_schedule",
    ]);
  });

  it("keeps id and runtime state on a payload-only update (no cursor)", () => {
    const store = applied({ functions: [fn("report")], schedules: [sched("a")] });
    const p = plan(
      {
        functions: [fn("report")],
        schedules: [sched("a", { payloadJson: '{"x":1}' }, ["payloadJson"])],
      },
      store,
    );
    expect(p.changes).toEqual([
      { op: "update_schedule", name: "a", fields: { payloadJson: '{"x":1}' } },
    ]);
    expect(p.items[1]!.fields).toEqual([{ field: "payload", from: {}, to: { x: 1 } }]);
    const after = apply(store, p.changes, NOW).schedules[0]!;
    const before = store.schedules[0]!;
    expect(after).toEqual({ ...before, payloadJson: '{"x":1}', updatedAt: NOW });
  });

  it("recomputes the cursor when the timing changes", () => {
    const store = applied({ functions: [fn("report")], schedules: [sched("a")] });
    const timing = { kind: "cron", cron: "*/20 * * * *", timezone: "UTC" } as const;
    const p = plan({ functions: [fn("report")], schedules: [sched("a", { timing })] }, store);
    const next = Date.UTC(2026, 0, 1, 10, 40);
    expect(p.changes).toEqual([
      {
        op: "update_schedule",
        name: "a",
        fields: { timing },
        cursor: { nextSlotAt: next, nextDueAt: next },
      },
    ]);
    expect(p.items[1]!.fields).toEqual([{ field: "cron", from: "0 * * * *", to: "*/20 * * * *" }]);
    const after = apply(store, p.changes, NOW).schedules[0]!;
    expect(after).toMatchObject({
      id: "id-a",
      runCount: 7,
      lastStatus: "succeeded",
      nextSlotAt: next,
    });

    const every = { kind: "every", everyMs: 30_000 } as const;
    const q = plan(
      { functions: [fn("report")], schedules: [sched("a", { timing: every })] },
      store,
    );
    expect(q.items[1]!.fields).toEqual([
      { field: "cron", from: "0 * * * *", to: null },
      { field: "timezone", from: "UTC", to: null },
      { field: "every", from: null, to: 30_000 },
    ]);
    const slot = nextSlotAfter(every, NOW);
    expect(q.changes[0]).toMatchObject({ cursor: { nextSlotAt: slot, nextDueAt: slot } });
  });

  it("compares payloads as canonical JSON", () => {
    const store = applied({
      functions: [fn("report")],
      schedules: [sched("a", { payloadJson: '{"a":1,"b":2}' }, ["payloadJson"])],
    });
    // A store may hold a non-canonical text: it is the value that counts.
    store.schedules[0] = { ...store.schedules[0]!, payloadJson: '{ "b": 2, "a": 1 }' };
    const p = plan(
      {
        functions: [fn("report")],
        schedules: [sched("a", { payloadJson: '{"a":1,"b":2}' }, ["payloadJson"])],
      },
      store,
    );
    expect(actions(p)).toEqual(["unchanged function report", "unchanged schedule a"]);
  });

  it("leaves omitted fields as the store has them, and enforces declared ones", () => {
    const store = applied({ functions: [fn("report")], schedules: [sched("a")] });
    store.schedules[0] = {
      ...store.schedules[0]!,
      enabled: false,
      pauseNote: "paused by ops",
      jitterMs: 5,
    };
    const omitted = plan({ functions: [fn("report")], schedules: [sched("a")] }, store);
    expect(actions(omitted)).toEqual(["unchanged function report", "unchanged schedule a"]);

    const enabled = plan(
      { functions: [fn("report")], schedules: [sched("a", { enabled: true }, ["enabled"])] },
      store,
    );
    expect(enabled.items[1]).toEqual({
      kind: "schedule",
      name: "a",
      action: "update",
      fields: [{ field: "enabled", from: false, to: true }],
    });
    // Enabling a paused schedule restarts it from its next slot: the paused ones are not caught up.
    const next = Date.UTC(2026, 0, 1, 11);
    expect(enabled.changes).toEqual([
      {
        op: "update_schedule",
        name: "a",
        fields: { enabled: true },
        cursor: { nextSlotAt: next, nextDueAt: next },
      },
    ]);
  });

  it("moves a schedule to another function when it is declared under it", () => {
    const store = applied({ functions: [fn("report"), fn("other")], schedules: [sched("a")] });
    const p = plan(
      { functions: [fn("report"), fn("other")], schedules: [sched("a", { fn: "other" })] },
      store,
    );
    expect(p.items[2]!.fields).toEqual([{ field: "function", from: "report", to: "other" }]);
  });

  it("masks env and header values in function diffs", () => {
    const store = applied({ functions: [fn("report")], schedules: [] });
    const changed = fn("report", {
      executor: {
        command: ["node", "report.js"],
        env: { TOKEN: "s3cret" },
        cwd: "/p",
        timeoutMs: null,
      },
    });
    const p = plan({ functions: [changed], schedules: [] }, store);
    expect(p.items[0]!.fields).toEqual([
      { field: "executor.env.TOKEN", from: null, to: "(sensitive)" },
    ]);
    expect(formatPlan(p)).not.toContain("s3cret");
  });
});
