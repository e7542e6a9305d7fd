/**
 * Exhaustive table tests of the trigger rules: every rule against the same representative
 * combinations of direct-upstream states. Expected outcomes follow Airflow's documented
 * semantics (docs "DAGs > Trigger Rules" and `TriggerRuleDep`): r = runs, w = waits,
 * s = ends skipped, u = ends upstream_failed.
 */
import { describe, expect, it } from "vitest";
import type { TaskState } from "./states.js";
import {
  DEFAULT_TRIGGER_RULE,
  TRIGGER_RULES,
  countUpstreams,
  decideTriggerRule,
  isTriggerRule,
  type TriggerDecision,
  type TriggerRule,
} from "./trigger-rules.js";

/** Column order of the table: the upstream states of a task with two direct upstreams. */
const COMBOS: readonly (readonly TaskState[])[] = [
  ["success", "success"], //           0 all succeeded
  ["success", "running"], //           1 one success, one still running
  ["failed", "running"], //            2 one failed, one still running (fail-fast cases)
  ["upstream_failed", "running"], //   3
  ["skipped", "running"], //           4 one skipped, one still running (skip-fast cases)
  ["success", "failed"], //            5
  ["success", "skipped"], //           6
  ["failed", "failed"], //             7
  ["failed", "upstream_failed"], //    8
  ["skipped", "skipped"], //           9 all skipped
  ["skipped", "failed"], //           10 failure and skip: failure wins where both end the task
  ["none", "none"], //                11 nothing started
  ["up_for_retry", "success"], //     12 an upstream waiting to retry is not done
  ["removed", "success"], //          13 removed is done but neither success nor failure
  ["skipped", "upstream_failed"], //  14
  ["upstream_failed", "upstream_failed"], // 15
  ["queued", "scheduled"], //         16 nothing finished yet
];

const LETTER: Record<string, TriggerDecision> = {
  r: "run",
  w: "wait",
  s: "skipped",
  u: "upstream_failed",
};

/**
 * Row per rule, one letter per column of COMBOS. Sources (Airflow docs, Trigger Rules, and
 * TriggerRuleDep): all_success is upstream_failed on any failure at once and skipped on a skip;
 * all_failed is skipped at once on a success or skip; all_done waits for every upstream done;
 * all_done_min_one_success is skipped on any skip and upstream_failed when all are done without
 * a success; all_skipped is skipped at once on anything but a skip; one_success runs on the
 * first success and, once all are done, is skipped if all skipped else upstream_failed;
 * one_failed runs on the first failed/upstream_failed, skipped when all done without; one_done
 * runs on the first success or failed (not upstream_failed), skipped when all done without;
 * none_failed runs when all succeeded or skipped, upstream_failed at once on a failure;
 * none_failed_min_one_success adds: skipped when all upstreams skipped; none_skipped runs when
 * all done and none skipped, skipped at once on a skip; always runs at once.
 */
const TABLE: Record<TriggerRule, string> = {
  //                                  0123456789abcdefg
  all_success: /*                 */ "rwuususuusuwwwuuw",
  all_failed: /*                  */ "sswwsssrrsswsssrw",
  all_done: /*                    */ "rwwwwrrrrrrwwrrrw",
  all_done_min_one_success: /*    */ "rwwwsrsuusswwrsuw",
  all_skipped: /*                 */ "sssswssssrswssssw",
  one_success: /*                 */ "rrwwwrruusuwrruuw",
  one_failed: /*                  */ "swrrwrsrrsrwwsrrw",
  one_done: /*                    */ "rrrwwrrrrsrwrrssw",
  none_failed: /*                 */ "rwuuwuruuruwwwuuw",
  none_failed_min_one_success: /* */ "rwuuwuruusuwwwuuw",
  none_skipped: /*                */ "rwwwsrsrrsswwrsrw",
  always: /*                      */ "rrrrrrrrrrrrrrrrr",
};

describe("decideTriggerRule: every rule x representative upstream states (Airflow's outcomes)", () => {
  for (const rule of TRIGGER_RULES) {
    const row = TABLE[rule];
    COMBOS.forEach((combo, column) => {
      const expected = LETTER[row[column] ?? "?"];
      it(`${rule} with upstreams [${combo.join(", ")}] -> ${String(expected)}`, () => {
        expect(expected).toBeDefined();
        expect(decideTriggerRule(rule, countUpstreams(combo))).toBe(expected);
      });
    });
  }

  it("the table covers every rule and every column", () => {
    expect(Object.keys(TABLE).sort()).toEqual([...TRIGGER_RULES].sort());
    for (const row of Object.values(TABLE)) expect(row).toHaveLength(COMBOS.length);
  });
});

describe("decideTriggerRule: special cases", () => {
  it("a task without upstreams runs whatever its rule (Airflow: no upstream tasks passes)", () => {
    for (const rule of TRIGGER_RULES)
      expect(decideTriggerRule(rule, countUpstreams([]))).toBe("run");
  });

  it("all_success fails fast: one failure among many running upstreams ends it upstream_failed", () => {
    const states: TaskState[] = ["running", "queued", "none", "failed", "success"];
    expect(decideTriggerRule("all_success", countUpstreams(states))).toBe("upstream_failed");
  });

  it("all_success with a skipped upstream is skipped (Airflow: skip propagates)", () => {
    expect(decideTriggerRule("all_success", countUpstreams(["skipped", "none"]))).toBe("skipped");
  });

  it("one_success does not decide early: a failure with others pending waits", () => {
    expect(decideTriggerRule("one_success", countUpstreams(["failed", "failed", "running"]))).toBe(
      "wait",
    );
    expect(decideTriggerRule("one_success", countUpstreams(["failed", "failed", "skipped"]))).toBe(
      "upstream_failed",
    );
  });

  it("none_failed runs when every upstream was skipped (Airflow: all succeeded or skipped)", () => {
    expect(
      decideTriggerRule("none_failed", countUpstreams(["skipped", "skipped", "skipped"])),
    ).toBe("run");
  });

  it("none_failed_min_one_success with one success among skips runs", () => {
    const c = countUpstreams(["skipped", "success", "skipped"]);
    expect(decideTriggerRule("none_failed_min_one_success", c)).toBe("run");
  });

  it("one_done ignores upstream_failed: all upstream_failed ends skipped", () => {
    const c = countUpstreams(["upstream_failed", "upstream_failed", "upstream_failed"]);
    expect(decideTriggerRule("one_done", c)).toBe("skipped");
  });
});

describe("trigger rule names", () => {
  it("all_success is the default, as in Airflow", () => {
    expect(DEFAULT_TRIGGER_RULE).toBe("all_success");
  });

  it("isTriggerRule accepts exactly Airflow's twelve names", () => {
    expect(TRIGGER_RULES).toHaveLength(12);
    for (const rule of TRIGGER_RULES) expect(isTriggerRule(rule)).toBe(true);
    for (const bad of ["ALL_SUCCESS", "dummy", "all_done_setup_success", "", 3, null]) {
      expect(isTriggerRule(bad)).toBe(false);
    }
  });
});
