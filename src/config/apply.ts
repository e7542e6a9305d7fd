/**
 * @module config/apply
 * Apply a resolved kairos.yaml to a store: read what is stored, plan (pure, in core/reconcile),
 * then write every change in one transaction. A bad file never gets here (validation happens
 * while loading), and a failure while writing leaves the store exactly as it was.
 *
 * Workflows are read from `stores.workflows` (the OpenedStores of the engine's database) and
 * their changes go into the same `applyPlan` call as the rest. A task function the file does
 * not declare must be known to the store (stored or defined by a worker), unless `allowUnknown`.
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import type { Kairos } from "../runtime/kairos.js";
import { NotFoundError } from "../core/errors.js";
import { planReconcile, type ReconcilePlan } from "../core/reconcile/index.js";
import { configSchedulesAfter } from "../core/reconcile/schedules-after.js";
import type { BackendSyncResult } from "../ports/schedule-backend.js";
import type { WorkflowStore } from "../ports/workflow-store.js";
import { ConfigError } from "./errors.js";
import type { ResolvedConfig } from "./index.js";
import { unknownWorkflowFunctions } from "./validate-workflows.js";

/** How `applyConfig` runs. */
export interface ApplyOptions {
  readonly prune: boolean;
  readonly dryRun: boolean;
  readonly now?: number;
  /** Accept task functions neither the file nor the store knows (their worker starts later). */
  readonly allowUnknown?: boolean;
  /** The engine's stores; `workflows` is read for the stored workflows (absent: none). */
  readonly stores?: { readonly workflows?: Pick<WorkflowStore, "listWorkflows"> | undefined };
}

/** What a schedule backend got from an apply (or, dry, would get). */
export interface BackendApplyReport extends BackendSyncResult {
  /** Where: "Kubernetes namespace jobs". */
  readonly location: string;
}

/**
 * Plan and (unless `dryRun`) apply `config`; returns the plan, and with a schedule backend
 * (`kairos.scheduleBackend`) what its sync did. The backend's check runs before anything is
 * written (a schedule it cannot express refuses the whole apply); the backend is synced with
 * the `config` schedules the store holds after the apply. Throws NotFoundError when the file
 * declares workflows and the store has none, and ConfigError (file:line per task) for task
 * functions nobody knows.
 */
export async function applyConfig(
  kairos: Kairos,
  config: ResolvedConfig,
  options: ApplyOptions,
): Promise<ReconcilePlan & { readonly backend?: BackendApplyReport }> {
  if (!kairos.hasSchedules) {
    throw new NotFoundError("this store has no schedules; use an SQLite store");
  }
  const storedWorkflows = options.stores?.workflows
    ? await options.stores.workflows.listWorkflows()
    : await kairos.workflows.storedForReconcile();
  if (config.workflows.length > 0 && storedWorkflows === null) {
    const names = config.workflows.map((w) => JSON.stringify(w.name)).join(", ");
    throw new NotFoundError(
      `${config.file} declares workflows (${names}) but this store has no workflows; ` +
        `use an SQLite or PostgreSQL store opened by this version of Kairos, or remove the workflows: section`,
    );
  }
  const now = options.now ?? Date.now();
  const stored = await kairos.reconcileState();
  const unknown = unknownWorkflowFunctions(
    config.workflowFunctionRefs ?? [],
    new Set(stored.functions.map((f) => f.name)),
    config.functions.map((f) => f.name),
    options.allowUnknown === true,
  );
  if (unknown.length > 0) throw new ConfigError(unknown);
  const workflows = storedWorkflows ?? [];
  const plan = planReconcile({
    declared: config,
    stored: { ...stored, workflows },
    prune: options.prune,
    now,
  });
  const backend = kairos.scheduleBackend;
  const after = backend ? configSchedulesAfter(stored.schedules, plan.changes) : [];
  backend?.check(after);
  if (!options.dryRun) await kairos.applyReconcile(plan.changes, now);
  if (!backend) return plan;
  const synced = await backend.sync(after, { dryRun: options.dryRun });
  return { ...plan, backend: { location: backend.location, ...synced } };
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
