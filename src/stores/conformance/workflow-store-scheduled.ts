/**
 * @module stores/conformance/workflow-store-scheduled
 * Conformance of `createScheduledRuns`: a compare-and-set on the workflow's cursor
 * (`latestLogicalDate`), stale when the cursor moved or the workflow is paused or gone,
 * existing runs skipped (never a second run for a logical date), skipped intervals recorded.
 */
import { describe, expect, it } from "vitest";
import type { ScheduledRunsRequest } from "../../ports/workflow-store.js";
import {
  HOUR,
  T0,
  createRun,
  definition,
  mustGetRun,
  newRun,
  putWorkflow,
  type WorkflowSuiteContext,
} from "./workflow-store-fixtures.js";

/** A batch creating scheduled runs at `dates` from cursor `expected`, moving it to the last. */
function batch(
  dates: readonly number[],
  expected: number | null,
  overrides: Partial<ScheduledRunsRequest> = {},
): ScheduledRunsRequest {
  return {
    workflow: "etl",
    expectedLatestLogicalDate: expected,
    runs: dates.map((d) => ({ ...newRun(definition(), d), runType: "scheduled" as const })),
    skipped: [],
    latestLogicalDate: dates.at(-1) ?? expected,
    nextRunAfter: (dates.at(-1) ?? T0) + 2 * HOUR,
    now: T0 + 10 * HOUR,
    ...overrides,
  };
}

export function defineScheduledRunTests(ctx: WorkflowSuiteContext): void {
  describe("createScheduledRuns", () => {
    it("creates the runs, moves the cursor and records runs and skipped intervals in history", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const outcome = await store.createScheduledRuns(
        batch([T0 + 2 * HOUR], null, {
          skipped: [
            {
              logicalDate: T0,
              dataInterval: { start: T0, end: T0 + HOUR },
              reason: "catchup_disabled",
            },
            {
              logicalDate: T0 + HOUR,
              dataInterval: { start: T0 + HOUR, end: T0 + 2 * HOUR },
              reason: "catchup_disabled",
            },
          ],
        }),
      );
      expect(outcome.kind).toBe("applied");
      if (outcome.kind !== "applied") return;
      expect(outcome.existing).toBe(0);
      expect(outcome.created).toHaveLength(1);
      const [run] = outcome.created;
      expect(run).toMatchObject({
        runType: "scheduled",
        state: "queued",
        logicalDate: T0 + 2 * HOUR,
      });
      expect((await mustGetRun(store, run!.id)).tasks).toHaveLength(3);
      expect(await store.getWorkflow("etl")).toMatchObject({
        latestLogicalDate: T0 + 2 * HOUR,
        nextRunAfter: T0 + 4 * HOUR,
        updatedAt: T0 + 10 * HOUR,
      });
      const history = await store.workflowHistory("etl");
      expect(
        history
          .map((e) => [e.kind, e.logicalDate, e.runId, e.reason])
          .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      ).toEqual([
        ["interval_skipped", T0, null, "catchup_disabled"],
        ["interval_skipped", T0 + HOUR, null, "catchup_disabled"],
        ["run_created", T0 + 2 * HOUR, run!.id, "scheduled"],
      ]);
      expect(history.every((e) => e.workflow === "etl" && e.at === T0 + 10 * HOUR)).toBe(true);
      expect(await store.workflowHistory("etl", 1)).toHaveLength(1);
    });

    it("is stale when the cursor moved: nothing is written", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      expect((await store.createScheduledRuns(batch([T0], null))).kind).toBe("applied");
      const before = await store.getWorkflow("etl");
      expect(await store.createScheduledRuns(batch([T0 + HOUR], null))).toEqual({ kind: "stale" });
      expect(await store.createScheduledRuns(batch([T0 + HOUR], T0 - HOUR))).toEqual({
        kind: "stale",
      });
      expect(await store.getWorkflow("etl")).toEqual(before);
      expect(await store.listRuns()).toHaveLength(1);
      expect(await store.workflowHistory("etl")).toHaveLength(1);
      expect((await store.createScheduledRuns(batch([T0 + HOUR], T0))).kind).toBe("applied");
    });

    it("is stale for a paused or unknown workflow", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      await store.setWorkflowPaused("etl", true, null, T0);
      expect(await store.createScheduledRuns(batch([T0], null))).toEqual({ kind: "stale" });
      expect(await store.listRuns()).toEqual([]);
      expect((await store.getWorkflow("etl"))?.latestLogicalDate).toBeNull();
      expect(await store.createScheduledRuns(batch([T0], null, { workflow: "nope" }))).toEqual({
        kind: "stale",
      });
    });

    it("skips logical dates that have a run (counted as existing) and creates the others", async () => {
      const store = ctx.workflows();
      await putWorkflow(store);
      const manual = await createRun(store, definition(), T0 + HOUR);
      const outcome = await store.createScheduledRuns(batch([T0, T0 + HOUR, T0 + 2 * HOUR], null));
      expect(outcome.kind).toBe("applied");
      if (outcome.kind !== "applied") return;
      expect(outcome.existing).toBe(1);
      expect(outcome.created.map((r) => r.logicalDate)).toEqual([T0, T0 + 2 * HOUR]);
      expect(await store.findRun("etl", T0 + HOUR)).toEqual(manual);
      expect((await store.getWorkflow("etl"))?.latestLogicalDate).toBe(T0 + 2 * HOUR);
    });
  });
}
