/**
 * @module config/apply
 * Apply a resolved kairos.yaml to a store: read what is stored, plan (pure, in core/reconcile),
 * then write every change in one transaction. A bad file never gets here (validation happens
 * while loading), and a failure while writing leaves the store exactly as it was.
 */
import type { Kairos } from "../runtime/kairos.js";
import { NotFoundError } from "../core/errors.js";
import { planReconcile, type ReconcilePlan } from "../core/reconcile/index.js";
import type { ResolvedConfig } from "./index.js";

/** Plan and (unless `dryRun`) apply `config`; returns the plan. */
export async function applyConfig(
  kairos: Kairos,
  config: ResolvedConfig,
  options: { prune: boolean; dryRun: boolean; now?: number },
): Promise<ReconcilePlan> {
  if (!kairos.hasSchedules) {
    throw new NotFoundError("this store has no schedules; use an SQLite store");
  }
  const now = options.now ?? Date.now();
  const stored = await kairos.reconcileState();
  const plan = planReconcile({ declared: config, stored, prune: options.prune, now });
  if (!options.dryRun) await kairos.applyReconcile(plan.changes, now);
  return plan;
}
