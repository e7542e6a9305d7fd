import { describe, expect, it } from "vitest";
import { formatDuration, formatPlan } from "./format.js";

describe("formatPlan", () => {
  it("prints one Terraform-like line per item and a summary", () => {
    const text = formatPlan({
      items: [
        { kind: "function", name: "report", action: "create" },
        { kind: "schedule", name: "nightly", action: "create" },
        {
          kind: "schedule",
          name: "hourly",
          action: "update",
          fields: [
            { field: "cron", from: "0 * * * *", to: "*/30 * * * *" },
            { field: "jitter", from: 0, to: 90_000 },
            { field: "payload", from: {}, to: { b: 1, a: 2 } },
          ],
        },
        {
          kind: "schedule",
          name: "once",
          action: "update",
          fields: [{ field: "at", from: null, to: Date.UTC(2026, 11, 1, 9) }],
        },
        { kind: "schedule", name: "same", action: "unchanged" },
        { kind: "schedule", name: "old", action: "prune" },
        { kind: "function", name: "older", action: "would_prune" },
      ],
      changes: [],
    });
    expect(text.split("\n")).toEqual([
      "+ create function report",
      "+ create schedule nightly",
      '~ update schedule hourly: cron "0 * * * *" -> "*/30 * * * *", jitter 0s -> 1m30s, payload {} -> {"a":2,"b":1}',
      "~ update schedule once: at (none) -> 2026-12-01T09:00:00.000Z",
      "= unchanged schedule same",
      "- prune schedule old",
      "! would prune function older (run with --prune to delete)",
      "",
      "Plan: 2 to create, 2 to update, 1 unchanged, 1 to prune (1 would be pruned with --prune).",
    ]);
  });

  it("prints only the summary for an empty plan", () => {
    expect(formatPlan({ items: [], changes: [] })).toBe(
      "Plan: 0 to create, 0 to update, 0 unchanged, 0 to prune.",
    );
  });

  it("formats durations compactly", () => {
    expect([0, 1500, 60_000, 3_600_000, 90_061_001].map(formatDuration)).toEqual([
      "0s",
      "1s500ms",
      "1m",
      "1h",
      "1d1h1m1s1ms",
    ]);
  });
});
