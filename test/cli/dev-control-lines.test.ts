/**
 * What `kairos dev` prints about stop and start: a request recorded, a job stopped, a request
 * that failed (with its reason), a run stopped. A request that completed prints no line of its
 * own (the job's own lines tell).
 */
import { describe, expect, it } from "vitest";
import { watchEngine } from "../../src/cli/dev/watch.js";
import { silentLogger } from "../../src/ports/logger.js";
import { EventBus } from "../../src/runtime/event-bus.js";

describe("kairos dev's control lines", () => {
  it("prints requests, stopped jobs and runs, and failed requests with their reason", () => {
    const lines: string[] = [];
    const bus = new EventBus(silentLogger);
    watchEngine(bus, { out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`) });
    const request = {
      requestId: "3",
      targetKind: "job" as const,
      targetId: "42",
      kind: "stop" as const,
      generation: 1,
      requestedBy: "cli",
      at: 0,
    };
    bus.emit("control:requested", { ...request, status: "pending" });
    bus.emit("job:stopped", { jobId: "42", fn: "backfill", attempt: 1, by: "worker", at: 1 });
    bus.emit("control:resolved", { ...request, status: "completed", error: null, at: 1 });
    bus.emit("control:resolved", {
      ...request,
      kind: "start",
      generation: 2,
      status: "failed",
      error: "no worker began the restarted job within the start grace window (60000 ms)",
      at: 2,
    });
    bus.emit("run:stopped", { runId: "7", workflow: "etl", generation: 1, at: 3 });
    expect(lines).toEqual([
      expect.stringMatching(/ stop {6}job 42 generation 1 requested by cli$/),
      expect.stringMatching(/ stopped {3}backfill job 42 \(start it again to resume\)$/),
      expect.stringMatching(
        / start {5}job 42 generation 2 failed: no worker began the restarted job within/,
      ),
      expect.stringMatching(/ run {7}etl run 7 stopped \(kairos runs start 7 resumes it\)$/),
    ]);
  });
});
