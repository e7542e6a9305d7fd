/**
 * @module runtime/workflows/workflow-engine
 * The workflow side of an engine, composed in one place so the facade (runtime/kairos) only
 * forwards: `kairos.workflow()`, `kairos.workflows`, `kairos.runs`, the run advancer (woken by
 * the task jobs this process finishes), `ctx.run` for task handlers, and the leader's workflow
 * duties. Without a workflow store (a store that has none) every call throws a clear error.
 */
import { NotFoundError, ValidationError } from "../../core/errors.js";
import { parseTaskTryKey } from "../../core/workflows/index.js";
import type { Clock } from "../../ports/clock.js";
import type { ControlStore } from "../../ports/control-store.js";
import type { TaskRunContext } from "../../ports/executor.js";
import type { ClaimedJob } from "../../ports/job-store.js";
import type { Logger } from "../../ports/logger.js";
import type { StoredRun, WorkflowStore } from "../../ports/workflow-store.js";
import type { EventBus } from "../event-bus.js";
import type { SyncJobBuilder } from "../job-factory.js";
import type { JobControlApi } from "../job-control-api.js";
import type { LeaderDuty } from "../leader-duties.js";
import { RunController } from "./run-control.js";
import { RunAdvancer } from "./run-advancer.js";
import { createRunsApi, type RunsApi, type RunsApiDeps } from "./runs-api.js";
import {
  createWorkflowDuties,
  startQueued,
  workflowPass,
  type WorkflowDutyCaps,
  type WorkflowDutyOptions,
} from "./workflow-duties.js";
import {
  createWorkflowsApi,
  type WorkflowInput,
  type WorkflowOptions,
  type WorkflowsApi,
} from "./workflows-api.js";
import type { Workflow } from "./run-view.js";

/** What the workflow side is handed by the engine. */
export interface WorkflowEngineCaps {
  readonly store: WorkflowStore | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventBus;
  readonly assertOpen: () => void;
  prepare(fns: Iterable<string>): Promise<SyncJobBuilder>;
  knownFunctions(): Promise<ReadonlySet<string>>;
  jobsCreated(runAt: number): void;
  cancelLocal(jobId: string): void;
  whyContext: RunsApiDeps["whyContext"];
  /** The store's control requests; null when the store keeps none. */
  readonly control: ControlStore | null;
  /** The job stop/start path (run stop and start act on their tasks' jobs through it). */
  readonly jobControl: Pick<JobControlApi, "stop" | "start">;
}

/** The workflow side of one engine; see the module header. */
export class WorkflowEngine {
  readonly workflows: WorkflowsApi;
  readonly runs: RunsApi;
  readonly advancer: RunAdvancer | null;
  private readonly runControl: RunController;
  private readonly defineWorkflow: (
    name: string,
    input: WorkflowInput,
    options?: WorkflowOptions,
  ) => Promise<Workflow>;
  private readonly dutyCaps: WorkflowDutyCaps | null;

  constructor(private readonly caps: WorkflowEngineCaps) {
    const store = (): WorkflowStore => {
      if (caps.store === null) {
        throw new ValidationError(
          "this store has no workflow tables; open a SQLite or PostgreSQL store to use workflows",
        );
      }
      return caps.store;
    };
    this.advancer =
      caps.store === null
        ? null
        : new RunAdvancer({
            store: caps.store,
            prepare: (fns) => caps.prepare(fns),
            clock: caps.clock,
            logger: caps.logger,
            events: caps.events,
            jobsCreated: (runAt) => caps.jobsCreated(runAt),
            runFinished: (run) => this.runFinished(run),
          });
    this.dutyCaps =
      caps.store === null || this.advancer === null
        ? null
        : {
            store: caps.store,
            advancer: this.advancer,
            clock: caps.clock,
            logger: caps.logger,
            events: caps.events,
          };
    const built = createWorkflowsApi({
      store,
      hasStore: () => caps.store !== null,
      clock: caps.clock,
      assertOpen: caps.assertOpen,
      knownFunctions: () => caps.knownFunctions(),
      changed: () => undefined,
    });
    this.defineWorkflow = (name, input, options) => built.define(name, input, options);
    this.workflows = built.api;
    this.runControl = new RunController({
      store,
      control: () => {
        if (caps.control === null) {
          throw new NotFoundError(
            "this store keeps no stop/start requests; open Kairos on a store URL",
          );
        }
        return caps.control;
      },
      jobs: caps.jobControl,
      clock: caps.clock,
      events: caps.events,
      logger: caps.logger,
      assertOpen: caps.assertOpen,
      wake: (runId) => this.advancer?.wake(runId),
      startQueued: (workflow) => this.startQueued(workflow),
    });
    this.runs = createRunsApi({
      control: this.runControl,
      store,
      clock: caps.clock,
      events: caps.events,
      assertOpen: caps.assertOpen,
      startQueued: (workflow) => this.startQueued(workflow),
      wake: (runId) => this.advancer?.wake(runId),
      cancelLocal: (jobId) => caps.cancelLocal(jobId),
      whyContext: (snapshot, taskId) => caps.whyContext(snapshot, taskId),
    });
    this.settleRunStartsOnAck();
    for (const name of ["job:succeeded", "job:failed", "job:cancelled", "job:timed_out"] as const) {
      caps.events.on(name, (e) => {
        if (e.origin?.kind === "workflow" && e.origin.id !== null) this.advancer?.wake(e.origin.id);
      });
    }
  }

  /**
   * A task job restarted by a run's start was picked up (or its start failed): settle the
   * run's start now rather than at the leader's next pass.
   */
  private settleRunStartsOnAck(): void {
    this.caps.events.on("control:resolved", (e) => {
      // A run's start tags the job starts it asks for "run <id> start <generation>".
      const runId = /^run (\S+) start /.exec(e.requestedBy)?.[1];
      if (e.targetKind !== "job" || e.kind !== "start" || runId === undefined) return;
      void this.runControl
        .drivePendingOf(runId)
        .catch((error: unknown) =>
          this.caps.logger.warn({ err: error }, "driving run requests failed"),
        );
    });
  }

  /** Define (or redefine) a workflow from code; see runtime/workflows/workflows-api. */
  define(name: string, input: WorkflowInput, options?: WorkflowOptions): Promise<Workflow> {
    return this.defineWorkflow(name, input, options);
  }

  /** The leader's workflow duties (none without a workflow store). */
  duties(options: WorkflowDutyOptions = {}): LeaderDuty[] {
    if (this.dutyCaps === null) return [];
    const duties = createWorkflowDuties(this.dutyCaps, options);
    if (this.caps.control !== null) {
      // Carries out run stops and starts a process recorded but did not finish (it died, or
      // a task's job was still stopping or starting).
      duties.push({
        name: "run-control",
        intervalMs: options.intervalMs ?? 1_000,
        run: async () => {
          await this.runControl.drivePending();
        },
      });
    }
    return duties;
  }

  /** One pass of the workflow duty now (tests and tools): create due runs, start, plan. */
  async tick(): Promise<void> {
    this.caps.assertOpen();
    if (this.dutyCaps !== null) await workflowPass(this.dutyCaps);
  }

  /** `ctx.run` of a task's job, or null when the job is not its task's current job. */
  async runContext(job: ClaimedJob): Promise<TaskRunContext | null> {
    const store = this.caps.store;
    if (store === null || job.origin.key === null) return null;
    const record = await store.taskContext(job.id);
    const key = parseTaskTryKey(job.origin.key);
    if (record === null || key === null) return null;
    const { run } = record;
    return {
      id: run.id,
      workflow: run.workflow,
      taskId: record.taskId,
      tryNumber: key.tryNumber,
      logicalDate: new Date(run.logicalDate),
      dataInterval: {
        start: new Date(run.dataInterval.start),
        end: new Date(run.dataInterval.end),
      },
      params: run.params,
      upstream: record.upstreamResults,
    };
  }

  /** Stop the advancer and wait for its advances in flight (engine stop). */
  async stop(): Promise<void> {
    await this.advancer?.stop();
  }

  private async startQueued(workflow: string): Promise<void> {
    if (this.dutyCaps !== null) await startQueued(this.dutyCaps, workflow);
  }

  private runFinished(run: StoredRun): void {
    void this.startQueued(run.workflow).catch((error: unknown) =>
      this.caps.logger.warn({ err: error, workflow: run.workflow }, "starting queued runs failed"),
    );
  }
}
