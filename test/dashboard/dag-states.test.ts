import { describe, expect, it } from "vitest";
import {
  STATE_STYLES,
  TASK_STATES,
  isTaskState,
  paintedState,
  stateStyle,
} from "../../dashboard/src/components/dag/states.js";

describe("task state colours", () => {
  it("uses Airflow's colours, with our stopped in purple and none unfilled", () => {
    expect(Object.fromEntries(TASK_STATES.map((s) => [s, STATE_STYLES[s].fill]))).toEqual({
      none: "transparent",
      scheduled: "tan",
      queued: "gray",
      running: "lime",
      success: "green",
      failed: "red",
      up_for_retry: "gold",
      upstream_failed: "orange",
      skipped: "hotpink",
      removed: "lightgrey",
      stopped: "mediumpurple",
    });
  });

  it("paints unknown and missing states as none", () => {
    expect(paintedState("running")).toBe("running");
    expect(paintedState("deferred")).toBe("none");
    expect(paintedState(undefined)).toBe("none");
    expect(paintedState(null)).toBe("none");
    expect(paintedState("toString")).toBe("none");
    expect(isTaskState("__proto__")).toBe(false);
    expect(stateStyle("failed")).toBe(STATE_STYLES.failed);
  });
});
