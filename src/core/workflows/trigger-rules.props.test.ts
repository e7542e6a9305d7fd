/**
 * Exhaustive properties of the trigger rules over every combination of up to three direct
 * upstreams in every task state:
 * - an early decision is final: once a rule says run, or ends the task, finishing the pending
 *   upstreams in any way never turns it into a wait or the other kind (so the planner may act
 *   before all are done). The exact end state can differ only for all_success: Airflow sets
 *   `skipped` at the first skipped upstream and keeps it even if another upstream fails later,
 *   whereas with both already finished the failure wins (`upstream_failed`);
 * - no rule waits forever once every upstream is finished, unless one was removed (Airflow).
 */
import { describe, expect, it } from "vitest";
import { FINISHED_TASK_STATES, TASK_STATES, isFinishedTask, type TaskState } from "./states.js";
import { TRIGGER_RULES, countUpstreams, decideTriggerRule } from "./trigger-rules.js";

/** Every sequence of `n` items drawn from `pool`. */
function sequences<T>(pool: readonly T[], n: number): T[][] {
  if (n === 0) return [[]];
  return sequences(pool, n - 1).flatMap((rest) => pool.map((x) => [...rest, x]));
}

/** Every way to finish the unfinished entries of `states`. */
function completions(states: readonly TaskState[]): TaskState[][] {
  const open = states.map((s, i) => (isFinishedTask(s) ? -1 : i)).filter((i) => i >= 0);
  return sequences(FINISHED_TASK_STATES, open.length).map((fill) => {
    const next = [...states];
    open.forEach((i, k) => (next[i] = fill[k] ?? "success"));
    return next;
  });
}

describe("trigger rule properties (every rule, 1 to 3 upstreams, every state)", () => {
  for (const rule of TRIGGER_RULES) {
    it(`${rule}: an early decision stays as pending upstreams finish`, () => {
      for (let n = 1; n <= 3; n++) {
        for (const states of sequences(TASK_STATES, n)) {
          const first = decideTriggerRule(rule, countUpstreams(states));
          if (first === "wait") continue;
          for (const later of completions(states)) {
            const decision = decideTriggerRule(rule, countUpstreams(later));
            const same =
              decision === first ||
              (rule === "all_success" && first === "skipped" && decision === "upstream_failed");
            expect({ states, later, decision, same }).toEqual({
              states,
              later,
              decision,
              same: true,
            });
          }
        }
      }
    });

    it(`${rule}: never waits once every upstream is finished and none was removed`, () => {
      const finished = FINISHED_TASK_STATES.filter((s) => s !== "removed");
      for (let n = 1; n <= 3; n++) {
        for (const states of sequences(finished, n)) {
          expect({ states, decision: decideTriggerRule(rule, countUpstreams(states)) }).not.toEqual(
            {
              states,
              decision: "wait",
            },
          );
        }
      }
    });
  }
});
