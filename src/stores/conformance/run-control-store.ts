/**
 * @module stores/conformance/run-control-store
 * The contract suite of the run half of every ControlStore adapter (ports/control-store
 * `stopRun`, `startRun`, `pendingRunRequests`, `resolveRequest`). Ports only: runs are made
 * through the WorkflowStore of the same open, and moved with its `updateRun`.
 *
 * `open` is called once per test and must return empty, migrated stores.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ControlRefusedError, NotFoundError } from "../../core/errors.js";
import { normalizeWorkflow } from "../../core/workflows/index.js";
import type { ControlStore } from "../../ports/control-store.js";
import type { StoredRun, WorkflowStore } from "../../ports/workflow-store.js";
import { T0 } from "./job-store-fixtures.js";

/** What the suite opens per test. */
export interface OpenedRunControlStore {
  readonly workflows: WorkflowStore;
  readonly control: ControlStore;
  close(): Promise<void>;
}

/** Declare the run-control conformance tests for one adapter. */
export function defineRunControlConformance(
  adapterName: string,
  open: () => Promise<OpenedRunControlStore>,
): void {
  describe(`ControlStore runs conformance: ${adapterName}`, () => {
    let s: OpenedRunControlStore;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    /** A started run of a one-task workflow (logical dates differ per call). */
    async function runningRun(day = 0): Promise<StoredRun> {
      const definition = normalizeWorkflow({ name: "wf", tasks: [{ id: "t", fn: "f" }] });
      await s.workflows.putWorkflow(definition, "api", null, T0);
      const created = await s.workflows.createRun(
        {
          workflow: "wf",
          logicalDate: T0 + day * 86_400_000,
          dataInterval: { start: T0, end: T0 + 1 },
          runType: "manual",
          params: {},
          definition,
        },
        T0,
      );
      if (created.kind !== "created") throw new Error("run not created");
      await s.workflows.startQueuedRuns("wf", T0);
      return created.run;
    }

    const setState = (runId: string, state: StoredRun["state"]) =>
      s.workflows.updateRun(runId, () => ({ run: { state }, planned: true }), T0 + 5);

    async function refusal(promise: Promise<unknown>): Promise<ControlRefusedError> {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ControlRefusedError);
      return error as ControlRefusedError;
    }

    it("records a stop of a running run pending; asked again, the same request", async () => {
      const run = await runningRun();
      const first = await s.control.stopRun(run.id, "cli", T0 + 1);
      expect(first.created).toBe(true);
      expect(first.request).toMatchObject({
        targetKind: "run",
        targetId: run.id,
        kind: "stop",
        generation: 1,
        status: "pending",
        requestedBy: "cli",
        createdAt: T0 + 1,
        resolvedAt: null,
      });
      const again = await s.control.stopRun(run.id, "api", T0 + 2);
      expect(again).toEqual({ request: first.request, created: false });
      expect(await s.control.listRequests("run", run.id)).toEqual([first.request]);
    });

    it("refuses a start while the stop is unresolved, even with the run already stopped", async () => {
      const run = await runningRun();
      const stop = await s.control.stopRun(run.id, "cli", T0 + 1);
      await setState(run.id, "stopped");
      const refused = await refusal(s.control.startRun(run.id, "cli", T0 + 2));
      expect(refused).toMatchObject({ reason: "stop_unresolved", stopId: stop.request.id });
      expect(refused.message).toContain("kairos runs show");
    });

    it("starts a stopped run as generation 2 once its stop resolved; starts racing get one request", async () => {
      const run = await runningRun();
      const stop = await s.control.stopRun(run.id, "cli", T0 + 1);
      await setState(run.id, "stopped");
      expect(await s.control.resolveRequest(stop.request.id, "completed", null, T0 + 2)).toBe(true);
      const outcomes = await Promise.all([
        s.control.startRun(run.id, "a", T0 + 3),
        s.control.startRun(run.id, "b", T0 + 3),
      ]);
      expect(outcomes.filter((o) => o.created)).toHaveLength(1);
      expect(outcomes[0].request.id).toBe(outcomes[1].request.id);
      expect(outcomes[0].request).toMatchObject({
        kind: "start",
        generation: 2,
        status: "pending",
      });
      // Starting (its start pending): a stop now stops generation 2.
      const next = await s.control.stopRun(run.id, "cli", T0 + 4);
      expect(next.request).toMatchObject({ kind: "stop", generation: 2, status: "pending" });
    });

    it("a stop of a stopped run with no pending request is recorded completed", async () => {
      const run = await runningRun();
      await setState(run.id, "stopped");
      const stop = await s.control.stopRun(run.id, "cli", T0 + 1);
      expect(stop.request).toMatchObject({ status: "completed", resolvedAt: T0 + 1 });
    });

    it("refuses a finished run and a start of a run that is not stopped; an unknown run is not found", async () => {
      const run = await runningRun();
      expect(await refusal(s.control.startRun(run.id, "cli", T0 + 1))).toMatchObject({
        reason: "not_stopped",
      });
      await setState(run.id, "success");
      expect(await refusal(s.control.stopRun(run.id, "cli", T0 + 2))).toMatchObject({
        reason: "finished",
      });
      await expect(s.control.stopRun("424242", "cli", T0)).rejects.toBeInstanceOf(NotFoundError);
      await expect(s.control.startRun("not-an-id", "cli", T0)).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it("lists pending run requests oldest first; the first resolution wins", async () => {
      const a = await runningRun(0);
      const b = await runningRun(1);
      const stopB = await s.control.stopRun(b.id, "cli", T0 + 1);
      const stopA = await s.control.stopRun(a.id, "cli", T0 + 2);
      expect((await s.control.pendingRunRequests(10)).map((r) => r.id)).toEqual([
        stopB.request.id,
        stopA.request.id,
      ]);
      expect(await s.control.pendingRunRequests(1)).toHaveLength(1);
      expect(await s.control.resolveRequest(stopB.request.id, "failed", "gone", T0 + 3)).toBe(true);
      expect(await s.control.resolveRequest(stopB.request.id, "completed", null, T0 + 4)).toBe(
        false,
      );
      const [resolved] = await s.control.listRequests("run", b.id);
      expect(resolved).toMatchObject({ status: "failed", error: "gone", resolvedAt: T0 + 3 });
      expect((await s.control.pendingRunRequests(10)).map((r) => r.id)).toEqual([stopA.request.id]);
      expect(await s.control.resolveRequest("nope", "completed", null, T0)).toBe(false);
    });
  });
}
