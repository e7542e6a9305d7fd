/**
 * @module runtime/workflows/workflows-api
 * `kairos.workflow(name, declaration)` and `kairos.workflows.*`: define a workflow from code
 * (source `api`: `kairos apply` never touches it), list, read, pause and resume (with a note,
 * recorded in the workflow's history), and the history itself.
 *
 * A definition is validated as a whole (core/workflows/validate-definition: cycles named,
 * unknown dependencies, duplicate ids, bad rules, durations, dates, params) and its functions
 * must be known to the deployment (defined here, declared by `kairos apply`, or registered by a
 * worker) unless `allowUnknown`. Defining it again with the same declaration changes nothing;
 * a changed declaration replaces the definition: runs already created keep the definition they
 * started with (as Airflow 3 keeps a run's DAG version).
 */
import { ValidationError } from "../../core/errors.js";
import {
  resolveWorkflow,
  type WorkflowDeclaration,
  type WorkflowDefinition,
} from "../../core/workflows/index.js";
import type { Clock } from "../../ports/clock.js";
import type { StoredWorkflow, WorkflowStore } from "../../ports/workflow-store.js";
import { toHistoryItem, toWorkflow, type Workflow, type WorkflowHistoryItem } from "./run-view.js";
import { noSuchWorkflow } from "../../core/workflows/not-found.js";

/** Options of `kairos.workflow`. */
export interface WorkflowOptions {
  /** Accept task functions the deployment does not know yet (default false). */
  readonly allowUnknown?: boolean;
}

/** The workflow declaration `kairos.workflow(name, ...)` takes (the name is the first argument). */
export type WorkflowInput = Omit<WorkflowDeclaration, "name">;

/** `kairos.workflows`: read and operate workflows. */
export interface WorkflowsApi {
  /** Every workflow, optionally of one source. */
  list(filter?: { readonly source?: "config" | "api" }): Promise<Workflow[]>;
  /** The workflow with this name, or null. */
  get(name: string): Promise<Workflow | null>;
  /** Stop creating scheduled runs and starting queued ones (running runs go on). */
  pause(name: string, options?: { readonly note?: string }): Promise<Workflow>;
  /** Create and start runs again (with catch-up, runs missed while paused are created). */
  resume(name: string, options?: { readonly note?: string }): Promise<Workflow>;
  /** Newest first: runs created, intervals skipped, pauses and resumes. */
  history(name: string, options?: { readonly limit?: number }): Promise<WorkflowHistoryItem[]>;
  /** Internal (`kairos apply`): the stored records, or null when the store has no workflows. */
  storedForReconcile(): Promise<StoredWorkflow[] | null>;
}

/** What the API is handed. */
export interface WorkflowsApiDeps {
  readonly store: () => WorkflowStore;
  /** False when the database has no workflow store. */
  readonly hasStore: () => boolean;
  readonly clock: Clock;
  readonly assertOpen: () => void;
  /** Every function name the deployment knows (defined, declared, registered). */
  readonly knownFunctions: () => Promise<ReadonlySet<string>>;
  /** A workflow changed: let the scheduler look at once. */
  readonly changed: () => void;
}

/** Build `kairos.workflow` and `kairos.workflows`. */
export function createWorkflowsApi(deps: WorkflowsApiDeps): {
  define(name: string, input: WorkflowInput, options?: WorkflowOptions): Promise<Workflow>;
  api: WorkflowsApi;
} {
  const { clock } = deps;
  const must = async (name: string): Promise<StoredWorkflow> => {
    deps.assertOpen();
    const found = await deps.store().getWorkflow(name);
    if (!found) throw noSuchWorkflow(name);
    return found;
  };
  const setPaused = async (name: string, paused: boolean, note: string | undefined) => {
    await must(name);
    const updated = await deps.store().setWorkflowPaused(name, paused, note ?? null, clock.now());
    if (!updated) throw noSuchWorkflow(name);
    deps.changed();
    return toWorkflow(updated);
  };
  return {
    define: async (name, input, options = {}) => {
      deps.assertOpen();
      if (typeof input !== "object" || input === null) {
        throw new ValidationError(`workflow("${name}"): the declaration must be an object`);
      }
      const known = new Set(await deps.knownFunctions());
      if (options.allowUnknown === true) {
        const tasks: readonly unknown[] = Array.isArray(input.tasks) ? input.tasks : [];
        for (const task of tasks) {
          const fn = (task as { fn?: unknown } | null)?.fn;
          if (typeof fn === "string") known.add(fn);
        }
      }
      const definition = resolveWorkflow({ ...input, name }, known);
      const stored = await deps.store().getWorkflow(name);
      const now = clock.now();
      const timingChanged = stored === null || timingOf(stored.definition) !== timingOf(definition);
      const nextRunAfter =
        definition.schedule === null ? null : timingChanged ? now : stored.nextRunAfter;
      const saved = await deps.store().putWorkflow(definition, "api", nextRunAfter, now);
      deps.changed();
      return toWorkflow(saved);
    },
    api: {
      list: async (filter = {}) => {
        deps.assertOpen();
        return (await deps.store().listWorkflows(filter)).map(toWorkflow);
      },
      get: async (name) => {
        deps.assertOpen();
        const found = await deps.store().getWorkflow(name);
        return found ? toWorkflow(found) : null;
      },
      pause: (name, options = {}) => setPaused(name, true, options.note),
      resume: (name, options = {}) => setPaused(name, false, options.note),
      storedForReconcile: async () => {
        deps.assertOpen();
        return deps.hasStore() ? deps.store().listWorkflows() : null;
      },
      history: async (name, options = {}) => {
        await must(name);
        const entries = await deps.store().workflowHistory(name, options.limit ?? 50);
        return entries.map(toHistoryItem);
      },
    },
  };
}

/** The fields that decide when runs are due; a change restarts the scheduler's look. */
function timingOf(d: WorkflowDefinition): string {
  return JSON.stringify([d.schedule, d.startDate, d.endDate, d.catchup, d.runSemantics]);
}
