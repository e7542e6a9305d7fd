/**
 * @module runtime/workflows/workflow-duties
 * The leader's workflow duties:
 *
 * - `workflows` (every `intervalMs`, default 1 s): creates the scheduled runs that are due
 *   (core/workflows/intervals `planScheduledRuns`: catch-up, data intervals, skipped
 *   intervals recorded) with the store's compare-and-set on the workflow's cursor, so a run is
 *   created once whichever replica leads; starts queued runs within `maxActiveRuns`; and sweeps
 *   the runs that need planning (crash leftovers, retries due, jobs finished elsewhere).
 * - `workflow-reapers` (every `reaperIntervalMs`, default 30 s): fails runs with no progress
 *   past `orphanAfterMs` (core `decideOrphan`), and tasks queued past `dispatchTimeoutMs`
 *   whose job never started (`decideDispatchLost`: retried if tries remain). A task whose job
 *   lost its worker needs no reaper here: lease recovery finishes the job `failed`
 *   (worker_lost) and the completion hook hands the outcome to the run like any failure.
 */
import {
  decideDispatchLost,
  decideOrphan,
  planScheduledRuns,
  resolveRunParams,
  type StoredWorkflow,
} from "../../core/workflows/index.js";
import type { Clock } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { NewRun, WorkflowStore } from "../../ports/workflow-store.js";
import type { EventBus } from "../event-bus.js";
import type { LeaderDuty } from "../leader-duties.js";
import type { RunAdvancer } from "./run-advancer.js";

/** Timings of the workflow duties (ms). */
export interface WorkflowDutyOptions {
  /** How often the leader creates due runs, starts queued ones and sweeps (default 1 000). */
  readonly intervalMs?: number;
  /** How often the reapers look (default 30 000). */
  readonly reaperIntervalMs?: number;
  /** A running run with no task progress for this long is failed (default 24 h). */
  readonly orphanAfterMs?: number;
  /** A task queued this long whose job never started is failed `dispatch_lost` (default 10 min, Airflow's task_queued_timeout). */
  readonly dispatchTimeoutMs?: number;
}

/** What the duties are handed. */
export interface WorkflowDutyCaps {
  readonly store: WorkflowStore;
  readonly advancer: RunAdvancer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventBus;
}

/** At most this many runs are created per workflow per pass (the next pass continues). */
const RUNS_PER_PASS = 100;

/** The `workflows` and `workflow-reapers` duties. */
export function createWorkflowDuties(
  caps: WorkflowDutyCaps,
  options: WorkflowDutyOptions = {},
): LeaderDuty[] {
  const orphanAfterMs = options.orphanAfterMs ?? 86_400_000;
  const dispatchTimeoutMs = options.dispatchTimeoutMs ?? 600_000;
  return [
    {
      name: "workflows",
      intervalMs: options.intervalMs ?? 1_000,
      run: (signal) => workflowPass(caps, signal),
    },
    {
      name: "workflow-reapers",
      intervalMs: options.reaperIntervalMs ?? 30_000,
      run: (signal) => reaperPass(caps, signal, orphanAfterMs, dispatchTimeoutMs),
    },
  ];
}

/** One pass of the `workflows` duty (exported for `kairos.runs` tools and tests). */
export async function workflowPass(caps: WorkflowDutyCaps, signal?: AbortSignal): Promise<void> {
  const { store, clock } = caps;
  for (const workflow of await store.dueWorkflows(clock.now(), 50)) {
    if (signal?.aborted) return;
    await scheduleRuns(caps, workflow);
  }
  for (const name of await store.workflowsWithQueuedRuns(100)) {
    if (signal?.aborted) return;
    await startQueued(caps, name);
  }
  if (!signal?.aborted) await caps.advancer.sweep();
}

/** Start `workflow`'s queued runs that fit under its maxActiveRuns, and plan them. */
export async function startQueued(caps: WorkflowDutyCaps, workflow: string): Promise<void> {
  const now = caps.clock.now();
  for (const run of await caps.store.startQueuedRuns(workflow, now)) {
    caps.events.emit("run:started", { runId: run.id, workflow, at: now });
    caps.advancer.wake(run.id);
  }
}

async function scheduleRuns(caps: WorkflowDutyCaps, workflow: StoredWorkflow): Promise<void> {
  const { definition } = workflow;
  const now = caps.clock.now();
  if (definition.schedule === null) {
    await caps.store.createScheduledRuns({
      workflow: workflow.name,
      expectedLatestLogicalDate: workflow.latestLogicalDate,
      runs: [],
      skipped: [],
      latestLogicalDate: workflow.latestLogicalDate,
      nextRunAfter: null,
      now,
    });
    return;
  }
  const plan = planScheduledRuns({
    schedule: definition.schedule,
    runSemantics: definition.runSemantics,
    startDate: definition.startDate ?? workflow.createdAt,
    endDate: definition.endDate,
    catchup: definition.catchup,
    latestLogicalDate: workflow.latestLogicalDate,
    now,
    cap: RUNS_PER_PASS,
  });
  const params = resolveRunParams(workflow.name, definition.params, undefined);
  const runs: NewRun[] = plan.create.map((slot) => ({
    workflow: workflow.name,
    logicalDate: slot.logicalDate,
    dataInterval: slot.dataInterval,
    runType: "scheduled",
    params,
    definition,
  }));
  const last = plan.create[plan.create.length - 1]?.logicalDate ?? workflow.latestLogicalDate;
  const outcome = await caps.store.createScheduledRuns({
    workflow: workflow.name,
    expectedLatestLogicalDate: workflow.latestLogicalDate,
    runs,
    skipped: plan.skipped.map((slot) => ({
      logicalDate: slot.logicalDate,
      dataInterval: slot.dataInterval,
      reason: "catchup_disabled",
    })),
    latestLogicalDate: last,
    // More already due: look again on the next pass.
    nextRunAfter: plan.more ? now : plan.nextRunAfter,
    now,
  });
  if (outcome.kind !== "applied") return;
  for (const run of outcome.created) {
    caps.events.emit("run:created", {
      runId: run.id,
      workflow: run.workflow,
      logicalDate: run.logicalDate,
      at: now,
    });
  }
  if (outcome.created.length > 0) await startQueued(caps, workflow.name);
}

async function reaperPass(
  caps: WorkflowDutyCaps,
  signal: AbortSignal,
  orphanAfterMs: number,
  dispatchTimeoutMs: number,
): Promise<void> {
  const { store, clock, logger } = caps;
  const now = clock.now();
  for (const runId of await store.stalledRuns(now - orphanAfterMs, 100)) {
    if (signal.aborted) return;
    const outcome = await store.updateRun(runId, (s) => decideOrphan(s, now, orphanAfterMs), now);
    if (outcome.kind === "applied" && outcome.run.state === "failed") {
      logger.warn({ runId, workflow: outcome.run.workflow }, "workflow run reaped: no progress");
      caps.events.emit("run:finished", {
        runId,
        workflow: outcome.run.workflow,
        state: "failed",
        at: now,
      });
    }
  }
  for (const task of await store.queuedTasksBefore(now - dispatchTimeoutMs, 100)) {
    if (signal.aborted) return;
    const outcome = await store.updateRun(
      task.runId,
      (s) => decideDispatchLost(s, task.taskId, now, dispatchTimeoutMs),
      now,
    );
    if (outcome.kind === "applied") {
      logger.warn({ runId: task.runId, taskId: task.taskId }, "workflow task dispatch lost");
      caps.advancer.wake(task.runId);
    }
  }
}
