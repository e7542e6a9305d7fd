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
import { WorkflowEngine, type WorkflowEngineCaps } from "./workflow-engine.js";

/** The engine-owned hooks the workflow side calls. */
export interface WorkflowEngineHooks {
  readonly assertOpen: () => void;
  /** Jobs were inserted, due at `runAt`: wake this process's workers. */
  readonly jobsCreated: (runAt: number) => void;
  /** Abort a job running in this process at once. */
  readonly cancelLocal: (jobId: string) => void;
  /** The job stop/start path. */
  readonly jobControl: WorkflowEngineCaps["jobControl"];
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
    control: deps.controlStore ?? null,
    jobControl: hooks.jobControl,
    whyContext: (snapshot, taskId) => whyContext(deps, catalog, snapshot, taskId),
  });
}

/** A run left unplanned this long means no engine leads (the leader sweeps every second). */
const LEADER_SILENCE_MS = 15_000;

async function whyContext(
  deps: KairosDeps,
  catalog: FunctionCatalog,
  snapshot: RunSnapshot,
  taskId: string,
): Promise<Partial<RunWhyContext>> {
  const now = deps.clock.now();
  const { run } = snapshot;
  const leaderKnown = !(
    (run.needsPlan && now - run.updatedAt > LEADER_SILENCE_MS) ||
    (run.nextPlanAt !== null && now - run.nextPlanAt > LEADER_SILENCE_MS)
  );
  const task = run.definition.tasks.find((t) => t.id === taskId);
  if (task === undefined) return { leaderKnown };
  const workers = await catalog.liveWorkers(task.fn);
  return {
    leaderKnown,
    liveWorkers: workers.length,
    concurrencyHolder: await concurrencyHolder(deps, snapshot, taskId),
  };
}

/** The running jobs holding the concurrency key the task's waiting job needs, when it is full. */
async function concurrencyHolder(
  deps: KairosDeps,
  snapshot: RunSnapshot,
  taskId: string,
): Promise<RunWhyContext["concurrencyHolder"]> {
  const jobId = snapshot.tasks.find((t) => t.taskId === taskId)?.jobId ?? null;
  const view = jobId === null ? undefined : snapshot.jobs.get(jobId);
  if (jobId === null || view === undefined || view.state !== "queued") return null;
  const job = await deps.store.get(jobId);
  if (job === null || job.concurrencyKey === null) return null;
  const holders = await deps.store.listRunningWithKey(job.concurrencyKey, 20);
  if (holders.length < job.concurrencyLimit) return null;
  return {
    key: job.concurrencyKey,
    limit: job.concurrencyLimit,
    jobIds: holders.map((h) => h.id),
  };
}
