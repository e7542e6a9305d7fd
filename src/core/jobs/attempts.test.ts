import { describe, expect, it } from "vitest";
import { attemptErrorOf, attemptOutcomeOf, isJobAttemptOutcome } from "./attempts.js";
import type { Finalization } from "./types.js";

const ERR = { name: "Error", message: "boom" };

describe("attemptOutcomeOf", () => {
  const cases: readonly [Finalization, string][] = [
    [{ kind: "succeeded", resultJson: "1" }, "succeeded"],
    [{ kind: "failed", error: ERR }, "failed"],
    [{ kind: "timed_out", error: ERR }, "timed_out"],
    [{ kind: "cancelled", error: ERR }, "cancelled"],
    [{ kind: "retrying", error: ERR, runAt: 1 }, "retrying"],
    [{ kind: "released" }, "released"],
  ];
  for (const [finalization, outcome] of cases) {
    it(`records ${finalization.kind} as ${outcome}, and as worker_lost when recovery ends it`, () => {
      expect(attemptOutcomeOf(finalization, false)).toBe(outcome);
      expect(attemptOutcomeOf(finalization, true)).toBe("worker_lost");
      expect(isJobAttemptOutcome(outcome)).toBe(true);
    });
  }

  it("records the finalization's error, none for succeeded and released", () => {
    expect(attemptErrorOf({ kind: "succeeded", resultJson: "1" })).toBeNull();
    expect(attemptErrorOf({ kind: "released" })).toBeNull();
    expect(attemptErrorOf({ kind: "retrying", error: ERR, runAt: 1 })).toBe(ERR);
    expect(isJobAttemptOutcome("running")).toBe(false);
  });
});
