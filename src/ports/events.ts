/**
 * @module ports/events
 * The typed event map of the job engine. Events describe what this process saw happen; a
 * listener that throws is logged and ignored, never breaking the loop that emitted.
 */
import type { JobOrigin } from "../core/jobs/origin.js";
import type { JobState } from "../core/jobs/states.js";
import type { MissedReason, SkipReason } from "../core/schedules/reasons.js";
import type { JobErrorInfo } from "./job-store.js";
import type { ControlKind, ControlTargetKind } from "../core/control/types.js";

/** Fields every job event carries. */
export interface JobEventBase {
  readonly jobId: string;
  readonly fn: string;
  readonly attempt: number;
  /** When it happened, ms since epoch. */
  readonly at: number;
  /** Where the job came from; set on the events of jobs this process finishes. */
  readonly origin?: JobOrigin;
}

/** A stop or start request as its events show it (docs/control.md). */
export interface ControlEventBase {
  readonly requestId: string;
  readonly targetKind: ControlTargetKind;
  /** The job id (or run id) the request is about. */
  readonly targetId: string;
  readonly kind: ControlKind;
  /** A stop: the generation it stops; a start: the generation it creates. */
  readonly generation: number;
  readonly requestedBy: string;
  /** The target job's function, when known. */
  readonly fn?: string;
  /** When it happened, ms since epoch. */
  readonly at: number;
}

/** Which report of a job's run arrived from an older generation or a lost lease (dropped). */
export type StaleReportKind = "result" | "checkpoint" | "stop" | "progress" | "heartbeat";

/** A schedule paused or resumed: its name, the note given, where it is declared. */
export interface ScheduleToggleEvent {
  readonly schedule: string;
  readonly note: string | null;
  /** The schedule's source: `config` (kairos.yaml) or `api`. */
  readonly source: string;
  readonly at: number;
}

/** Every event Kairos emits, by name. */
export interface KairosEventMap {
  /** A job was accepted by enqueue (not emitted for an idempotent hit). */
  "job:queued": JobEventBase & { readonly runAt: number };
  /** A worker of this process started a job's handler. */
  "job:started": JobEventBase & { readonly workerId: string; readonly runAt: number };
  "job:succeeded": JobEventBase & { readonly durationMs: number };
  /** The job failed for good. */
  "job:failed": JobEventBase & { readonly error: JobErrorInfo };
  /** An attempt failed or timed out and another is due at `runAt`. */
  "job:retrying": JobEventBase & { readonly error: JobErrorInfo; readonly runAt: number };
  "job:timed_out": JobEventBase & { readonly error: JobErrorInfo };
  "job:cancelled": JobEventBase;
  "job:progress": JobEventBase & { readonly percent: number; readonly message: string | null };
  /**
   * Log lines of a job were written (`ctx.log`, or the start-grace duty's error line): one
   * event per job per written batch, never per line; `lines` is how many the batch carried.
   */
  "job:log": {
    readonly jobId: string;
    readonly fn: string;
    /** The run of a workflow task's job (absent otherwise). */
    readonly runId?: string;
    readonly lines: number;
    readonly at: number;
  };
  /** A result arrived after the job was already finalized (or its lease lost) and was dropped. */
  "job:result_dropped": JobEventBase & { readonly reason: string };
  /**
   * A job ended `stopped` by a stop request: at once while waiting (`by: "request"`), by its
   * worker after the stop reached it (`worker`), or by the leader's lease recovery (`recovery`).
   */
  "job:stopped": JobEventBase & { readonly by: "request" | "worker" | "recovery" };
  /**
   * A report of a run that no longer owns the job (an older generation, a lost lease) was
   * refused and dropped: a checkpoint save, a stop completion, progress, a lease renewal.
   * Late results are `job:result_dropped`.
   */
  "job:stale_report": JobEventBase & {
    readonly kind: Exclude<StaleReportKind, "result">;
    /** The generation the dropped report belonged to. */
    readonly generation: number;
  };
  /** A stop or start request was recorded (a stop of a waiting job is `completed` at once). */
  "control:requested": ControlEventBase & { readonly status: "pending" | "completed" };
  /**
   * A stop or start request resolved: a stop carried out (at once, by the job's worker, or by
   * lease recovery), a start acknowledged by the worker that claimed the job, or a start
   * failed (`error`: why; e.g. the start grace window passed).
   */
  "control:resolved": ControlEventBase & {
    readonly status: "completed" | "failed";
    readonly error: string | null;
  };
  /** A running job was handed back to the queue at shutdown. */
  "job:released": JobEventBase;
  /** A job whose worker vanished was recovered (retried or failed `worker_lost`). */
  "job:recovered": JobEventBase & {
    readonly outcome: "retrying" | "failed" | "cancelled" | "stopped";
  };
  /** A schedule slot created a job. */
  "schedule:fired": {
    readonly schedule: string;
    readonly slotAt: number;
    readonly jobId: string;
    readonly catchUp: boolean;
    readonly at: number;
  };
  /** A slot did not fire (overlap policy, full queue); recorded in the schedule's history. */
  "schedule:skipped": {
    readonly schedule: string;
    readonly slotAt: number;
    readonly reason: SkipReason;
    readonly at: number;
    /**
     * For `overlap`: the schedule's active job that holds the slot (its oldest), its state and
     * when its lease runs out (null: not running, or not known; `state` null: not known).
     */
    readonly blockedBy?: {
      readonly jobId: string;
      readonly state: JobState | null;
      readonly leaseExpiresAt: number | null;
    };
  };
  /** A slot was missed during downtime and not caught up; recorded in the schedule's history. */
  "schedule:missed": {
    readonly schedule: string;
    readonly slotAt: number;
    readonly reason: MissedReason;
    readonly at: number;
  };
  /** A schedule was paused (`kairos.schedules.pause`, or an update with `enabled: false`). */
  "schedule:paused": ScheduleToggleEvent;
  /** A schedule was resumed (`kairos.schedules.resume`, or an update with `enabled: true`). */
  "schedule:resumed": ScheduleToggleEvent;
  /** A schedule was created, changed or deleted through `kairos.schedules` (the API). */
  "schedule:changed": {
    readonly schedule: string;
    readonly change: "created" | "updated" | "deleted";
    readonly at: number;
  };
  /** Firing a schedule failed; recorded on the schedule, the loop goes on. */
  "schedule:error": { readonly schedule: string; readonly message: string; readonly at: number };
  /** This process became the leader (runs the leader duties: scheduler loop, lease recovery, retention). */
  "leader:elected": { readonly at: number };
  /** This process stopped leading (lock lost, or stopping). */
  "leader:lost": { readonly at: number; readonly reason: string };
  /**
   * Another process leads: this one stands by and takes over when that one stops (or its lease
   * runs out). Emitted once per holder seen, not on every check.
   */
  "leader:standby": {
    readonly at: number;
    /** Who leads, for people: "pid 123 on host", or "another process" when the lock cannot tell. */
    readonly holder: string;
    readonly holderPid: number | null;
    readonly holderHost: string | null;
    /** When the holder's lease runs out unless renewed (null: the lock has no expiry). */
    readonly leaseExpiresAt: number | null;
  };
  /** A workflow run was created (scheduled, manual or backfill); it starts within maxActiveRuns. */
  "run:created": {
    readonly runId: string;
    readonly workflow: string;
    readonly logicalDate: number;
    readonly at: number;
  };
  /** A queued workflow run started (its first tasks are planned next). */
  "run:started": { readonly runId: string; readonly workflow: string; readonly at: number };
  /** A workflow run ended `success` or `failed` (by its tasks, a cancel or a reaper). */
  "run:finished": {
    readonly runId: string;
    readonly workflow: string;
    readonly state: "queued" | "running" | "success" | "failed";
    readonly at: number;
  };
  /** A workflow run's stop has settled: the run is `stopped` and none of its tasks runs. */
  "run:stopped": {
    readonly runId: string;
    readonly workflow: string;
    /** The generation the stop applied to. */
    readonly generation: number;
    readonly at: number;
  };
  /** An internal error the loop survived. */
  "worker:error": { readonly error: unknown; readonly at: number; readonly where: string };
  /**
   * A store operation the engine runs by itself (`where`: claim, finalize, heartbeat,
   * fireSlots, recoverExpired, ...) started failing (disk full, database gone). Emitted once
   * per operation per outage; the loops keep retrying (each failure is also a `worker:error`
   * where the loop reports one).
   */
  "store:error": { readonly where: string; readonly error: unknown; readonly at: number };
  /** An operation reported by `store:error` works again: it was failing for `downForMs`, `failures` times. */
  "store:recovered": {
    readonly where: string;
    readonly downForMs: number;
    readonly failures: number;
    readonly at: number;
  };
  /**
   * `stop()`'s drain deadline passed (or a forced stop cut it short) with these jobs still
   * running: their handlers are aborted and the jobs handed back to the queue.
   */
  "worker:drain_timeout": {
    readonly drainMs: number;
    readonly forced: boolean;
    readonly jobs: readonly {
      readonly jobId: string;
      readonly fn: string;
      readonly attempt: number;
    }[];
    readonly at: number;
  };
}

/** Name of an event. */
export type KairosEventName = keyof KairosEventMap;

/** A listener for one event. */
export type KairosListener<E extends KairosEventName> = (event: KairosEventMap[E]) => void;
