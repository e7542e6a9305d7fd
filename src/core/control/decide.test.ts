/** The stop/start decisions over every target phase and the requests a target can have. */
import { describe, expect, it } from "vitest";
import { decideStart, decideStop, finalRecheck, reportFate } from "./decide.js";
import type { ControlKind, ControlRequest, ControlStatus, ControlTargetView } from "./types.js";

const PHASES: readonly ControlTargetView["phase"][] = ["waiting", "running", "stopped", "finished"];

function request(
  kind: ControlKind,
  generation: number,
  status: ControlStatus = "pending",
  id = `${kind}-${generation}`,
): ControlRequest {
  return {
    id,
    targetKind: "job",
    targetId: "7",
    kind,
    generation,
    status,
    requestedBy: "cli",
    createdAt: 1_000,
    resolvedAt: status === "pending" ? null : 2_000,
    error: status === "failed" ? "boom" : null,
  };
}

const at = (phase: ControlTargetView["phase"], generation = 1): ControlTargetView => ({
  phase,
  generation,
});

describe("decideStop", () => {
  it("stops a waiting target at once and delivers the stop to a running one", () => {
    expect(decideStop(at("waiting"), [], "job 7")).toEqual({
      action: "create",
      generation: 1,
      status: "completed",
      effect: "stop_now",
    });
    expect(decideStop(at("running", 3), [], "job 7")).toEqual({
      action: "create",
      generation: 3,
      status: "pending",
      effect: "deliver_stop",
    });
  });

  it("answers the same stop when asked twice for one generation, in every phase", () => {
    for (const phase of PHASES) {
      for (const status of ["pending", "completed", "failed"] as const) {
        const stop = request("stop", 2, status);
        expect(decideStop(at(phase, 2), [stop], "job 7"), `${phase} ${status}`).toEqual({
          action: "existing",
          request: stop,
        });
      }
    }
  });

  it("never answers a stop of an older generation for the current one", () => {
    const old = request("stop", 1, "completed");
    const decision = decideStop(at("running", 2), [old, request("start", 2, "completed")], "j");
    expect(decision).toMatchObject({ action: "create", generation: 2, effect: "deliver_stop" });
  });

  it("refuses to stop a finished target", () => {
    const decision = decideStop(at("finished"), [], "job 7");
    expect(decision).toMatchObject({ action: "refuse", refusal: { reason: "finished" } });
    if (decision.action === "refuse")
      expect(decision.refusal.message).toMatch(/^job 7 has finished/);
  });
});

describe("decideStart", () => {
  it("requeues a stopped target as the next generation, pending until a worker begins it", () => {
    expect(decideStart(at("stopped", 1), [request("stop", 1, "completed")], "job 7")).toEqual({
      action: "create",
      generation: 2,
      status: "pending",
      effect: "requeue",
    });
  });

  it("is refused while a stop of the current generation is unresolved", () => {
    for (const phase of ["running", "waiting"] as const) {
      const decision = decideStart(at(phase, 1), [request("stop", 1, "pending")], "job 7");
      expect(decision, phase).toMatchObject({
        action: "refuse",
        refusal: { reason: "stop_unresolved", stopId: "stop-1" },
      });
    }
  });

  it("is refused while a newer generation is stopping, even though its own start exists", () => {
    const requests = [
      request("stop", 1, "completed"),
      request("start", 2, "completed"),
      request("stop", 2, "pending"),
    ];
    expect(decideStart(at("running", 2), requests, "job 7")).toMatchObject({
      action: "refuse",
      refusal: { reason: "stop_unresolved", stopId: "stop-2" },
    });
  });

  it("answers the same start when asked again, before and after a worker began it", () => {
    const pending = request("start", 2, "pending");
    // Asked again while the target is still stopped in the reader's view (a race): the
    // request for generation 2 exists already.
    expect(decideStart(at("stopped", 1), [pending], "job 7")).toEqual({
      action: "existing",
      request: pending,
    });
    for (const phase of ["waiting", "running"] as const) {
      expect(decideStart(at(phase, 2), [pending], "job 7"), phase).toEqual({
        action: "existing",
        request: pending,
      });
    }
  });

  it("may be asked again after a start failed: the target is stopped at the failed generation", () => {
    const requests = [request("stop", 1, "completed"), request("start", 2, "failed")];
    expect(decideStart(at("stopped", 2), requests, "job 7")).toMatchObject({
      action: "create",
      generation: 3,
    });
    // A stop asked then is recorded as done: the target is stopped already.
    expect(decideStop(at("stopped", 2), requests, "job 7")).toMatchObject({
      action: "create",
      generation: 2,
      status: "completed",
      effect: "stop_now",
    });
  });

  it("refuses a target that is neither stopped nor stopping, and a finished one", () => {
    expect(decideStart(at("running", 1), [], "job 7")).toMatchObject({
      action: "refuse",
      refusal: { reason: "not_stopped" },
    });
    expect(decideStart(at("waiting", 1), [], "job 7")).toMatchObject({
      action: "refuse",
      refusal: { reason: "not_stopped" },
    });
    expect(decideStart(at("finished", 2), [request("start", 2, "completed")], "j")).toMatchObject({
      action: "refuse",
      refusal: { reason: "finished" },
    });
  });

  it("never starts by itself: a completed stop alone leaves the target stopped", () => {
    // No decision function moves a stopped target without a start request: decideStop of a
    // stopped target answers its stop, and only decideStart creates a generation.
    const stop = request("stop", 1, "completed");
    expect(decideStop(at("stopped", 1), [stop], "j")).toEqual({
      action: "existing",
      request: stop,
    });
  });
});

describe("reports and deadlines", () => {
  it("applies a report of the current generation only", () => {
    expect(reportFate(2, 2)).toBe("apply");
    expect(reportFate(2, 1)).toBe("stale");
    expect(reportFate(2, 3)).toBe("stale");
  });

  it("completes without running only when remaining() says no work is left", () => {
    expect(finalRecheck(false)).toBe("complete");
    expect(finalRecheck(true)).toBe("run");
    expect(finalRecheck(undefined)).toBe("run");
  });
});
