/** What `kairos dev` prints when a schedule is paused or resumed (from any client). */
import { describe, expect, it } from "vitest";
import { watchEngine } from "../../src/cli/dev/watch.js";
import { silentLogger } from "../../src/ports/logger.js";
import { EventBus } from "../../src/runtime/event-bus.js";

describe("kairos dev's schedule pause lines", () => {
  it("prints a paused and a resumed line with the note", () => {
    const lines: string[] = [];
    const bus = new EventBus(silentLogger);
    watchEngine(bus, { out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`) });
    bus.emit("schedule:paused", { schedule: "nightly", note: "maintenance", source: "api", at: 0 });
    bus.emit("schedule:resumed", { schedule: "nightly", note: null, source: "api", at: 1 });
    expect(lines).toEqual([
      expect.stringMatching(/ paused {4}nightly: maintenance$/),
      expect.stringMatching(/ resumed {3}nightly$/),
    ]);
  });
});
