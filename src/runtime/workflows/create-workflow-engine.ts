/**
 * @module runtime/workflows/create-workflow-engine
 * Wires the workflow side of an engine (WorkflowEngine) to the engine's collaborators: the
 * job factory (task jobs get their function's policy), the function catalog (known functions,
 * live workers for "why") and this process's worker pool.
 */
import type { RunSnapshot, RunWhyContext } from "../../core/workflows/index.js";
import type { EventBus } from "../event-bus.js";
import type { KairosDeps } from "../engine-options.js";
import type { FunctionCatalog } from "../function-catalog.js";
import type { JobFactory } from "../job-factory.js";
import { WorkflowEngine } from "./workflow-engine.js";

/** The engine-owned hooks the workflow side calls. */
export interface WorkflowEngineHooks {
  readonly assertOpen: () => void;
  /** Jobs were inserted, due at `runAt`: wake this process's workers. */
  readonly jobsCreated: (runAt: number) => void;
  /** Abort a job running in this process at once. */
  readonly cancelLocal: (jobId: string) => void;
}

/** Build the workflow side of an engine. */
export function createWorkflowEngine(
  deps: KairosDeps,
  events: EventBus,
  factory: JobFactory,
  catalog: FunctionCatalog,
  hooks: WorkflowEngineHooks,
): WorkflowEngine {
  return new WorkflowEngine({
    store: deps.workflowStore ?? null,
    clock: deps.clock,
    logger: deps.logger,
    events,
    assertOpen: hooks.assertOpen,
    prepare: (fns) => factory.prepare(fns),
    knownFunctions: () => catalog.knownNames(),
    jobsCreated: hooks.jobsCreated,
    cancelLocal: hooks.cancelLocal,
    whyContext: (snapshot, taskId) => whyContext(catalog, snapshot, taskId),
  });
}

async function whyContext(
  catalog: FunctionCatalog,
  snapshot: RunSnapshot,
  taskId: string,
): Promise<Partial<RunWhyContext>> {
  const task = snapshot.run.definition.tasks.find((t) => t.id === taskId);
  if (task === undefined) return {};
  const workers = await catalog.liveWorkers(task.fn);
  return { liveWorkers: workers.length };
}
