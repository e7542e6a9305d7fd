/** Tests of the workflow normalizer: defaults, durations and dates. */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { normalizeWorkflow, parseWorkflowDate, WORKFLOW_DEFAULTS } from "./definition.js";

describe("normalizeWorkflow", () => {
  it("applies the documented defaults", () => {
    const def = normalizeWorkflow({ name: "etl", tasks: [{ id: "a", fn: "f" }] });
    expect(def).toEqual({
      name: "etl",
      tasks: [
        {
          id: "a",
          fn: "f",
          payload: undefined,
          dependsOn: [],
          triggerRule: "all_success",
          retries: 0,
          retryDelayMs: 300_000,
          retryExponentialBackoff: false,
          maxRetryDelayMs: 86_400_000,
          timeoutMs: null,
          concurrency: null,
        },
      ],
      schedule: null,
      startDate: null,
      endDate: null,
      catchup: false,
      runSemantics: "dataInterval",
      maxActiveRuns: 16,
      maxActiveTasks: 16,
      params: {},
    });
    expect(WORKFLOW_DEFAULTS.catchup).toBe(false);
  });

  it("parses durations, the schedule and dates in the schedule's timezone", () => {
    const def = normalizeWorkflow({
      name: "etl",
      tasks: [
        { id: "a", fn: "f" },
        {
          id: "b",
          fn: "g",
          dependsOn: ["a"],
          triggerRule: "one_failed",
          retries: 2,
          retryDelay: "30s",
          retryExponentialBackoff: true,
          maxRetryDelay: "10m",
          timeout: 5_000,
          concurrency: { key: "wh", limit: 1 },
        },
      ],
      schedule: { cron: "0 3 * * *", timezone: "Europe/Paris" },
      startDate: "2026-01-01",
      endDate: "2026-02-01T00:00:00Z",
      catchup: true,
      maxActiveRuns: 1,
      params: { full: false },
    });
    expect(def.tasks[1]).toMatchObject({
      retryDelayMs: 30_000,
      maxRetryDelayMs: 600_000,
      timeoutMs: 5_000,
      triggerRule: "one_failed",
      concurrency: { key: "wh", limit: 1 },
    });
    expect(def.schedule).toEqual({ kind: "cron", cron: "0 3 * * *", timezone: "Europe/Paris" });
    expect(def.startDate).toBe(Date.parse("2025-12-31T23:00:00Z")); // midnight in Paris (CET)
    expect(def.endDate).toBe(Date.parse("2026-02-01T00:00:00Z"));
    expect(def.catchup).toBe(true);
    expect(def.maxActiveRuns).toBe(1);
  });

  it("caps maxRetryDelay at 24h like Airflow", () => {
    const def = normalizeWorkflow({
      name: "w",
      tasks: [{ id: "a", fn: "f", maxRetryDelay: "3d" }],
    });
    expect(def.tasks[0]?.maxRetryDelayMs).toBe(86_400_000);
  });

  it("an every schedule is in ms and its dates in UTC", () => {
    const def = normalizeWorkflow({
      name: "w",
      tasks: [],
      schedule: { every: "1h" },
      startDate: "2026-03-29",
    });
    expect(def.schedule).toEqual({ kind: "every", everyMs: 3_600_000 });
    expect(def.startDate).toBe(Date.parse("2026-03-29T00:00:00Z"));
  });

  it("throws a ValidationError naming the field for a bad duration or date", () => {
    expect(() =>
      normalizeWorkflow({ name: "w", tasks: [{ id: "a", fn: "f", timeout: "5 min" }] }),
    ).toThrow(/workflow "w" task "a" timeout/);
    expect(() => normalizeWorkflow({ name: "w", tasks: [], startDate: "yesterday" })).toThrow(
      ValidationError,
    );
  });
});

describe("parseWorkflowDate", () => {
  it.each([
    ["2026-03-29", "Europe/Paris", "2026-03-28T23:00:00.000Z"],
    ["2026-07-01", "Europe/Paris", "2026-06-30T22:00:00.000Z"],
    ["2026-07-01", "UTC", "2026-07-01T00:00:00.000Z"],
    ["2026-07-01T12:00:00+02:00", "UTC", "2026-07-01T10:00:00.000Z"],
    ["2026-07-01T12:00Z", "Europe/Paris", "2026-07-01T12:00:00.000Z"],
  ])("%s in %s is %s", (input, tz, iso) => {
    expect(new Date(parseWorkflowDate(input, tz, "startDate")).toISOString()).toBe(iso);
  });

  it("midnight inside a DST gap is the first instant after it", () => {
    // America/Santiago skips 00:00-01:00 on 2026-09-06.
    const at = parseWorkflowDate("2026-09-06", "America/Santiago", "startDate");
    expect(new Date(at).toISOString()).toBe("2026-09-06T04:00:00.000Z");
  });

  it.each(["2026-02-30", "2026-07-01T12:00:00", "2026/07/01", "", 1.5])("rejects %s", (input) => {
    expect(() => parseWorkflowDate(input, "UTC", "startDate")).toThrow(
      /startDate .* is not a date/,
    );
  });
});
