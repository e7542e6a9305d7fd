/**
 * @module config/apply
 * Apply a resolved kairos.yaml to a store: read what is stored, plan (pure, in core/reconcile),
 * then write every change in one transaction. A bad file never gets here (validation happens
 * while loading), and a failure while writing leaves the store exactly as it was.
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
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

/**
 * Warnings (not errors) about the file: one per `module` function whose file does not exist
 * (paths are relative to the config file). Apply still stores such a function; a worker marks
 * it unavailable and fails its jobs with the import error.
 */
export function applyWarnings(config: ResolvedConfig): string[] {
  const warnings: string[] = [];
  for (const fn of config.functions) {
    if (fn.kind !== "module" || existsSync(fn.executor.file)) continue;
    const shown = relative(config.dir, fn.executor.file) || fn.executor.file;
    warnings.push(
      `function "${fn.name}": module file ${shown} does not exist (relative to ${config.file}); ` +
        `its jobs will fail until the file is there`,
    );
  }
  return warnings;
}
