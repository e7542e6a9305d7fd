/**
 * @module core/workflows/trigger-rules
 * Airflow's trigger rules, decided on a task's DIRECT upstreams only, from counts of their
 * finished states (Airflow's `TriggerRuleDep`, direct relatives, unmapped tasks).
 *
 * An upstream counts as done when it is finished: success, failed, skipped, upstream_failed
 * or removed. `up_for_retry` is not done (the upstream will run again). The decision is one of
 * `run` (the rule is met), `wait` (not yet), or an end state, `skipped` or `upstream_failed`,
 * when the rule can no longer be met. Several rules decide before every upstream is done
 * (fail fast), exactly where Airflow does:
 *
 * | rule                        | runs when                                     | ends early / at the end as                                                    |
 * | --------------------------- | --------------------------------------------- | ----------------------------------------------------------------------------- |
 * | all_success (default)       | every upstream success                        | upstream_failed at once on a failed/upstream_failed; else skipped on a skipped |
 * | all_failed                  | every upstream failed or upstream_failed      | skipped at once on a success or skipped                                       |
 * | all_done                    | every upstream done                           | never                                                                         |
 * | all_done_min_one_success    | all done, none skipped, >= 1 success          | skipped at once on a skipped; upstream_failed when all done and no success    |
 * | all_skipped                 | every upstream skipped                        | skipped at once on a success, failed or upstream_failed                       |
 * | one_success                 | >= 1 success (at once)                        | when all done: skipped if all skipped, else upstream_failed                   |
 * | one_failed                  | >= 1 failed or upstream_failed (at once)      | skipped when all done without one                                             |
 * | one_done                    | >= 1 success or failed (at once)              | skipped when all done without one                                             |
 * | none_failed                 | every upstream success or skipped             | upstream_failed at once on a failed/upstream_failed                           |
 * | none_failed_min_one_success | every upstream success or skipped, >= 1 success | upstream_failed at once on a failure; skipped when every upstream skipped   |
 * | none_skipped                | every upstream done, none skipped             | skipped at once on a skipped                                                  |
 * | always                      | at once                                       | never                                                                         |
 *
 * An early decision is final (the planner writes it at once): for all_success that means a
 * task ended `skipped` by its first skipped upstream stays skipped even if another upstream
 * fails later, as in Airflow; with both already finished, the failure wins.
 * A task without upstreams always runs, whatever its rule (as in Airflow). A `removed` upstream
 * is done but never a success or failure, so a rule that needs those waits on it forever, as in
 * Airflow for unmapped tasks; the run then ends deadlocked (see run-state.ts).
 * Not modelled: mapped tasks, setup/teardown (all_done_setup_success), depends_on_past.
 */
import type { TaskState } from "./states.js";

/** Every trigger rule, Airflow's names. */
export const TRIGGER_RULES = [
  "all_success",
  "all_failed",
  "all_done",
  "all_done_min_one_success",
  "all_skipped",
  "one_success",
  "one_failed",
  "one_done",
  "none_failed",
  "none_failed_min_one_success",
  "none_skipped",
  "always",
] as const;

/** A trigger rule. */
export type TriggerRule = (typeof TRIGGER_RULES)[number];

/** The rule a task gets when it declares none (Airflow's default). */
export const DEFAULT_TRIGGER_RULE: TriggerRule = "all_success";

/** True when `value` is one of the trigger rules. */
export function isTriggerRule(value: unknown): value is TriggerRule {
  return typeof value === "string" && (TRIGGER_RULES as readonly string[]).includes(value);
}

/** How many direct upstreams are in each finished state; `total` counts all direct upstreams. */
export interface UpstreamCounts {
  total: number;
  success: number;
  failed: number;
  upstreamFailed: number;
  skipped: number;
  removed: number;
}

/** Counts with every field 0 and `total` upstreams. */
export function emptyCounts(total: number): UpstreamCounts {
  return { total, success: 0, failed: 0, upstreamFailed: 0, skipped: 0, removed: 0 };
}

/** Adds one upstream in `state` to `counts` (mutates; non-finished states count only in total). */
export function countUpstream(counts: UpstreamCounts, state: TaskState): void {
  switch (state) {
    case "success":
      counts.success++;
      break;
    case "failed":
      counts.failed++;
      break;
    case "upstream_failed":
      counts.upstreamFailed++;
      break;
    case "skipped":
      counts.skipped++;
      break;
    case "removed":
      counts.removed++;
      break;
    default:
      break;
  }
}

/** Counts of the given direct-upstream states. */
export function countUpstreams(states: readonly TaskState[]): UpstreamCounts {
  const counts = emptyCounts(states.length);
  for (const state of states) countUpstream(counts, state);
  return counts;
}

/** The number of finished upstreams. */
export function doneCount(c: UpstreamCounts): number {
  return c.success + c.failed + c.upstreamFailed + c.skipped + c.removed;
}

/** What a trigger rule decides for a task that has not started. */
export type TriggerDecision = "run" | "wait" | "skipped" | "upstream_failed";

/**
 * Airflow's decision for a task with `rule` whose direct upstreams are `c`. Pure and total:
 * `run` when the rule is met, `wait` when it may still be met, `skipped`/`upstream_failed`
 * when it never can be (the state Airflow would set). A task with no upstreams always runs.
 */
export function decideTriggerRule(rule: TriggerRule, c: UpstreamCounts): TriggerDecision {
  if (c.total === 0 || rule === "always") return "run";
  const end = endState(rule, c);
  if (end !== null) return end;
  return ruleMet(rule, c) ? "run" : "wait";
}

/** The end state Airflow sets when the rule can never be met, else null. */
function endState(rule: TriggerRule, c: UpstreamCounts): "skipped" | "upstream_failed" | null {
  const done = doneCount(c) >= c.total;
  const anyFailed = c.failed + c.upstreamFailed > 0;
  switch (rule) {
    case "all_success":
      if (anyFailed) return "upstream_failed";
      return c.skipped > 0 ? "skipped" : null;
    case "all_failed":
      return c.success + c.skipped > 0 ? "skipped" : null;
    case "one_success":
      if (done && doneCount(c) === c.skipped) return "skipped";
      return done && c.success === 0 ? "upstream_failed" : null;
    case "one_failed":
      return done && !anyFailed ? "skipped" : null;
    case "one_done":
      return done && c.success + c.failed === 0 ? "skipped" : null;
    case "none_failed":
      return anyFailed ? "upstream_failed" : null;
    case "none_failed_min_one_success":
      if (anyFailed) return "upstream_failed";
      return c.skipped === c.total ? "skipped" : null;
    case "none_skipped":
      return c.skipped > 0 ? "skipped" : null;
    case "all_skipped":
      return c.success > 0 || anyFailed ? "skipped" : null;
    case "all_done_min_one_success":
      if (c.skipped > 0) return "skipped";
      return c.success + c.failed + c.upstreamFailed + c.removed >= c.total && c.success === 0
        ? "upstream_failed"
        : null;
    case "all_done":
    case "always":
      return null;
  }
}

/** True when the rule's condition to run holds (checked after the end states). */
function ruleMet(rule: TriggerRule, c: UpstreamCounts): boolean {
  const done = doneCount(c);
  switch (rule) {
    case "all_success":
      return c.success >= c.total;
    case "all_failed":
      return c.failed + c.upstreamFailed >= c.total;
    case "all_done":
      return done >= c.total;
    case "all_done_min_one_success":
      return c.skipped === 0 && done >= c.total && c.success > 0;
    case "all_skipped":
      return c.skipped >= c.total;
    case "one_success":
      return c.success > 0;
    case "one_failed":
      return c.failed + c.upstreamFailed > 0;
    case "one_done":
      return c.success + c.failed > 0;
    case "none_failed":
    case "none_failed_min_one_success":
      return c.success + c.skipped >= c.total;
    case "none_skipped":
      return done >= c.total && c.skipped === 0;
    case "always":
      return true;
  }
}
