/**
 * What `kairos dev` prints about trouble: store outages (once, then rate-limited with a count
 * of the suppressed repeats), the store working again, lease recoveries, hand-backs and drain
 * timeouts.
 */
import { describe, expect, it } from "vitest";
import { watchTrouble } from "../../src/cli/dev/watch.js";
import { silentLogger } from "../../src/ports/logger.js";
import { EventBus } from "../../src/runtime/event-bus.js";
import { diskFullError } from "../helpers/fault-store.js";

function capture() {
  const lines: string[] = [];
  const bus = new EventBus(silentLogger);
  watchTrouble(bus, { out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`) });
  return { bus, lines };
}

describe("kairos dev's trouble printer", () => {
  it("prints a failing loop at most once per few seconds with the suppressed count, then the recovery", () => {
    const { bus, lines } = capture();
    const error = diskFullError();
    bus.emit("store:error", { where: "claim", error, at: 0 });
    for (let at = 0; at < 5_000; at += 100) bus.emit("worker:error", { where: "claim", error, at });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/store\s+claim failed: SQLITE_FULL: database or disk is full/);

    bus.emit("worker:error", { where: "claim", error, at: 5_000 });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/error\s+claim: SQLITE_FULL: .*\(\+50 similar suppressed\)$/);

    bus.emit("store:recovered", { where: "claim", downForMs: 12_300, failures: 52, at: 12_300 });
    expect(lines[2]).toMatch(
      /store\s+writable again: claim works after 12\.3 s \(52 failed calls\)/,
    );
    // Once the store works, errors are their own kind again: printed at once.
    bus.emit("worker:error", { where: "progress", error: new Error("boom"), at: 12_301 });
    expect(lines[3]).toMatch(/error\s+progress: boom/);
  });

  it("prints lease recoveries, hand-backs and drain timeouts, rate-limiting repeats", () => {
    const { bus, lines } = capture();
    const base = { fn: "resize", attempt: 1 };
    bus.emit("job:recovered", { ...base, jobId: "7", outcome: "retrying", at: 0 });
    bus.emit("job:recovered", { ...base, jobId: "8", outcome: "retrying", at: 1 });
    bus.emit("job:released", { ...base, jobId: "9", at: 2 });
    bus.emit("worker:drain_timeout", {
      drainMs: 10_000,
      forced: false,
      jobs: [{ jobId: "9", fn: "resize", attempt: 1 }],
      at: 3,
    });
    expect(lines).toEqual([
      expect.stringMatching(/recovered resize job 7: its worker vanished .*; retrying/),
      expect.stringMatching(/released\s+resize job 9 handed back to the queue/),
      expect.stringMatching(
        /drain\s+drain timed out after 10\.0 s; still running, handed back: resize job 9/,
      ),
    ]);
  });
});
