/**
 * @module runtime/workflows/run-control
 * `kairos.runs.stop(id)` / `kairos.runs.start(id)` and the driver that carries a run's request
 * out (docs/control.md). A request is recorded first (ports/control-store `stopRun` /
 * `startRun`); then it is driven, by the caller's process at once and by the leader's
 * `run-control` duty until it settles, so a process that dies in between loses nothing. Every
 * drive step is idempotent (core/workflows/run-control):
 *
 * - stop: the run becomes `stopped` (no task is planned), each task job still live is asked to
 *   stop through the job stop path (a waiting job stops at once, a running handler gets its
 *   signal wherever it runs); once none is live, the tasks are `stopped`, the request completed
 *   and `run:stopped` emitted.
 * - start: the run becomes `running` and is planned again; each stopped task job is started as
 *   its next generation (checkpoint kept, the function's final re-check asked first). The
 *   request completes when every one of those starts is acknowledged by a worker; when one
 *   fails (the start grace window), the request fails with its error and the run is stopped
 *   again, its other tasks with it. Finished tasks are never run again.
 */
import { ControlRefusedError } from "../../core/errors.js";
import type { ControlRequest } from "../../core/control/types.js";
import {
  decideRunStart,
  decideRunStop,
  type RunStopStep,
} from "../../core/workflows/run-control.js";
import { noSuchRun } from "../../core/workflows/not-found.js";
import { isFinishedTask } from "../../core/workflows/states.js";
import type { Clock } from "../../ports/clock.js";
import type { ControlStore } from "../../ports/control-store.js";
import type { Logger } from "../../ports/logger.js";
import type { RunDetail, WorkflowStore } from "../../ports/workflow-store.js";
import { emitControlRequested, emitControlResolved } from "../control-events.js";
import type { EventBus } from "../event-bus.js";
import type { JobControlApi } from "../job-control-api.js";
import { toRunControlRequest, type RunControlRequest } from "../control-request-view.js";

export { toRunControlRequest, type RunControlRequest };

/** Stop and start of workflow runs. */
export interface RunControlApi {
  /**
   * Stop a run: no new task is planned, its running tasks' handlers get their signal (reason
   * "stop") and may save a checkpoint; the run ends `stopped` with its tasks `stopped`.
   * Returns the stop request (asking again returns the same one) without waiting for it.
   * Throws NotFoundError for an unknown run, ControlRefusedError for a finished one.
   */
  stop(id: string, options?: { requestedBy?: string }): Promise<RunControlRequest>;
  /**
   * Start a stopped run again: it is re-planned, its stopped tasks resume from their
   * checkpoints (each task's final re-check first), finished tasks never run again. Returns the
   * start request. Throws ControlRefusedError while a stop is unresolved or when not stopped.
   */
  start(id: string, options?: { requestedBy?: string }): Promise<RunControlRequest>;
  /** The run's stop and start requests, oldest first. */
  requests(id: string): Promise<RunControlRequest[]>;
}

/** What the driver is handed. */
export interface RunControlCaps {
  readonly store: () => WorkflowStore;
  readonly control: () => ControlStore;
  /** The job stop/start path (local delivery and worker wake-ups included). */
  readonly jobs: Pick<JobControlApi, "stop" | "start">;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly assertOpen: () => void;
  /** Plan the run soon (after a start). */
  readonly wake: (runId: string) => void;
  /** Start the workflow's queued runs that fit (a run stopped before it started queues again). */
  readonly startQueued: (workflow: string) => Promise<void>;
}

/** Requests driven per duty pass at most; the next pass takes the rest. */
const BATCH = 50;

/** Drives run requests; also the `kairos.runs` stop/start/requests methods. */
export class RunController implements RunControlApi {
  /** The drive in progress per run (drives of one run are serialized in this process). */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(private readonly caps: RunControlCaps) {}

  async stop(id: string, options?: { requestedBy?: string }): Promise<RunControlRequest> {
    this.caps.assertOpen();
    const by = options?.requestedBy ?? "library";
    const now = this.caps.clock.now();
    const { request, created } = await this.caps.control().stopRun(id, by, now);
    if (created) emitControlRequested(this.caps.events, request, now);
    return this.driveNow(request);
  }

  async start(id: string, options?: { requestedBy?: string }): Promise<RunControlRequest> {
    this.caps.assertOpen();
    const by = options?.requestedBy ?? "library";
    const now = this.caps.clock.now();
    const { request, created } = await this.caps.control().startRun(id, by, now);
    if (created) emitControlRequested(this.caps.events, request, now);
    return this.driveNow(request);
  }

  async requests(id: string): Promise<RunControlRequest[]> {
    this.caps.assertOpen();
    if ((await this.caps.store().getRun(id)) === null) throw noSuchRun(id);
    return (await this.caps.control().listRequests("run", id)).map(toRunControlRequest);
  }

  /** One pass of the leader's duty: drive every pending run request. Returns how many. */
  async drivePending(): Promise<number> {
    const pending = await this.caps.control().pendingRunRequests(BATCH);
    for (const request of pending) {
      try {
        await this.drive(request);
      } catch (error) {
        this.caps.logger.warn({ err: error, request: request.id }, "driving a run request failed");
      }
    }
    return pending.length;
  }

  /** Drive the pending requests of one run (a task job's start was acknowledged). */
  async drivePendingOf(runId: string): Promise<void> {
    const requests = await this.caps.control().listRequests("run", runId);
    for (const request of requests.filter((r) => r.status === "pending")) {
      await this.drive(request);
    }
  }

  /** Carry `request` out as far as it goes now (idempotent). */
  async drive(request: ControlRequest): Promise<void> {
    if (request.status !== "pending") return;
    // One drive of a run at a time in this process, each on the request as it is now: a drive
    // that read the request before another resolved it must not start the run again.
    const key = request.targetId;
    const turn = (this.turns.get(key) ?? Promise.resolve()).then(() => this.driveFresh(request));
    const tail = turn.catch(() => undefined);
    this.turns.set(key, tail);
    try {
      await turn;
    } finally {
      if (this.turns.get(key) === tail) this.turns.delete(key);
    }
  }

  private async driveFresh(stale: ControlRequest): Promise<void> {
    const all = await this.caps.control().listRequests("run", stale.targetId);
    const request = all.find((r) => r.id === stale.id) ?? stale;
    if (request.status !== "pending") return;
    if (request.kind === "stop") await this.driveStop(request);
    else await this.driveStart(request);
  }

  /** Drive a just-recorded request in this process; the duty retries what fails here. */
  private async driveNow(request: ControlRequest): Promise<RunControlRequest> {
    try {
      await this.drive(request);
    } catch (error) {
      this.caps.logger.warn({ err: error, request: request.id }, "driving a run request failed");
    }
    const all = await this.caps.control().listRequests("run", request.targetId);
    return toRunControlRequest(all.find((r) => r.id === request.id) ?? request);
  }

  private async driveStop(request: ControlRequest): Promise<void> {
    const runId = request.targetId;
    let step = await this.stopStep(runId);
    if (step === null) {
      await this.resolve(request, "failed", "the run no longer exists");
      return;
    }
    if (step.liveJobs.length > 0) {
      const tag = `run ${runId} stop ${request.generation}`;
      for (const jobId of step.liveJobs) await this.stopJob(jobId, tag);
      step = await this.stopStep(runId);
    }
    if (step === null || !step.settled) return;
    if (step.finished) {
      const state = (await this.caps.store().getRun(runId))?.state ?? "finished";
      await this.resolve(request, "failed", `the run ended ${state} before the stop took effect`);
      return;
    }
    if (await this.resolve(request, "completed", null)) {
      await this.supersedeStart(runId, request);
      const run = await this.caps.store().getRun(runId);
      this.caps.events.emit("run:stopped", {
        runId,
        workflow: run?.workflow ?? "",
        generation: request.generation,
        at: this.caps.clock.now(),
      });
    }
  }

  /** A start of the same generation still pending when its stop settled never resumes. */
  private async supersedeStart(runId: string, stop: ControlRequest): Promise<void> {
    const all = await this.caps.control().listRequests("run", runId);
    for (const r of all) {
      if (r.kind === "start" && r.generation === stop.generation && r.status === "pending") {
        await this.resolve(r, "failed", `stopped by stop request ${stop.id} before it resumed`);
      }
    }
  }

  private async stopStep(runId: string): Promise<RunStopStep | null> {
    const now = this.caps.clock.now();
    const box: { step: RunStopStep | null } = { step: null };
    const outcome = await this.caps.store().updateRun(
      runId,
      (s) => {
        box.step = decideRunStop(s, now);
        return box.step.change;
      },
      now,
    );
    return outcome.kind === "not_found" ? null : box.step;
  }

  private async stopJob(jobId: string, requestedBy: string): Promise<void> {
    try {
      await this.caps.jobs.stop(jobId, { requestedBy });
    } catch (error) {
      // Finished meanwhile: its outcome reaches the task through the completion hook.
      if (!(error instanceof ControlRefusedError)) throw error;
    }
  }

  private async driveStart(request: ControlRequest): Promise<void> {
    const runId = request.targetId;
    const now = this.caps.clock.now();
    const outcome = await this.caps
      .store()
      .updateRun(runId, (s) => decideRunStart(s, now).change, now);
    if (outcome.kind === "not_found") {
      await this.resolve(request, "failed", "the run no longer exists");
      return;
    }
    this.caps.wake(runId);
    await this.caps.startQueued(outcome.run.workflow);
    const run = await this.caps.store().getRun(runId);
    if (run === null) return;
    const tag = `run ${runId} start ${request.generation}`;
    const { waiting, failure } = await this.startTasks(run, tag);
    if (failure !== null) {
      // The run is stopped again before its start is failed: whoever sees the failure sees a
      // stopped run (the stop step is safe to repeat, should two drivers get here).
      await this.stopAfterFailedStart(run);
      await this.resolve(request, "failed", failure);
    } else if (!waiting) {
      await this.resolve(request, "completed", null);
    }
  }

  /**
   * Start every unfinished task's stopped job once (tagged with the request), and read how
   * those starts went: still waiting for a worker, or the first failure.
   */
  private async startTasks(
    run: RunDetail,
    tag: string,
  ): Promise<{ waiting: boolean; failure: string | null }> {
    let waiting = false;
    for (const task of run.tasks) {
      if (task.jobId === null || isFinishedTask(task.state)) continue;
      const jobRequests = await this.caps.control().listRequests("job", task.jobId);
      const mine = jobRequests.filter((r) => r.kind === "start" && r.requestedBy === tag).at(-1);
      if (mine === undefined) {
        if (run.jobs.get(task.jobId)?.state !== "stopped") continue;
        const started = await this.caps.jobs
          .start(task.jobId, { requestedBy: tag })
          .catch((error: unknown) => {
            // Refused (its function is gone, ...): the run's start fails with the reason.
            if (error instanceof ControlRefusedError) return error;
            throw error;
          });
        if (started instanceof ControlRefusedError) {
          return { waiting, failure: `task ${task.taskId}: ${started.message}` };
        }
        if (started.status === "pending") waiting = true;
        else if (started.status === "failed")
          return { waiting, failure: `task ${task.taskId}: ${started.error ?? "start failed"}` };
      } else if (mine.status === "pending") waiting = true;
      else if (mine.status === "failed") {
        return { waiting, failure: `task ${task.taskId}: ${mine.error ?? "start failed"}` };
      }
    }
    return { waiting, failure: null };
  }

  /** A start that failed leaves the run stopped: its other tasks are stopped with it. */
  private async stopAfterFailedStart(run: RunDetail): Promise<void> {
    const step = await this.stopStep(run.id);
    for (const jobId of step?.liveJobs ?? [])
      await this.stopJob(jobId, `run ${run.id} failed start`);
    if ((step?.liveJobs.length ?? 0) > 0) await this.stopStep(run.id);
  }

  private async resolve(
    request: ControlRequest,
    status: "completed" | "failed",
    error: string | null,
  ): Promise<boolean> {
    const now = this.caps.clock.now();
    const resolved = await this.caps.control().resolveRequest(request.id, status, error, now);
    if (resolved) {
      emitControlResolved(this.caps.events, { ...request, status, resolvedAt: now, error }, now);
    }
    return resolved;
  }
}
