/**
 * @module runtime/engine-options
 * The engine's option and report types: what `createKairos` builds it from, what `start()`
 * takes, what `stats()` returns.
 */
import type { EventFeedStore } from "../ports/event-feed-store.js";
import type { ControlStore } from "../ports/control-store.js";
import type { TokenStore } from "../ports/token-store.js";
import type { RetentionOption } from "../core/retention.js";
import type { RandomSource } from "../core/retry/backoff.js";
import type { Clock } from "../ports/clock.js";
import type { JobStore } from "../ports/job-store.js";
import type { LeaderLock } from "../ports/leader-lock.js";
import type { Logger } from "../ports/logger.js";
import type { ScheduleBackend } from "../ports/schedule-backend.js";
import type { ScheduleStore } from "../ports/schedule-store.js";
import type { WorkflowStore } from "../ports/workflow-store.js";
import type { WorkflowDutyOptions } from "./workflows/workflow-duties.js";
import type { SchedulerLoopOptions } from "./scheduler/scheduler-loop.js";
import type { WorkerPoolOptions, WorkerPoolStats } from "./worker/worker-pool.js";

/** Options of `start`. */
export type StartOptions = Omit<WorkerPoolOptions, "workerId"> & {
  /**
   * Take part in leadership (default true): the leader runs the scheduler loop (when the store
   * has schedules), lease recovery and the other leader duties. False: this process never
   * leads — another process sharing the store must. An object sets the loop's options, e.g.
   * `{ timing: "external" }` when Kubernetes CronJobs fire the slots (`schedules.fire`): the
   * loop then fires only buffered slots (SchedulerLoopOptions.timing).
   */
  readonly scheduler?: boolean | SchedulerLoopOptions;
  /** Run workers in this process (default true). False: only the leader's duties run here. */
  readonly workers?: boolean;
  /** How often followers try to take leadership and the leader re-checks it (default 1 s). */
  readonly leaderCheckMs?: number;
  /** How often the leader looks for jobs whose lease expired (default leaseMs / 2, at least 250 ms). */
  readonly recoverIntervalMs?: number;
  /** Timings of the leader's workflow duties and reapers (see WorkflowDutyOptions). */
  readonly workflows?: WorkflowDutyOptions;
};

/** Counters of this process's workers and of the leader's lease recovery. */
export type EngineStats = WorkerPoolStats & {
  /** Jobs this process recovered as leader (their worker vanished). */
  readonly recovered: number;
};

/** Options of `createKairos`. */
export interface KairosDeps {
  readonly store: JobStore;
  /** Schedules live here (same database); null disables schedules. */
  readonly scheduleStore: ScheduleStore | null;
  /** Workflows, runs and task instances on the same database (absent: no workflows). */
  readonly workflowStore?: WorkflowStore | null;
  /** API tokens live here (same database); absent: none can be created, none verify. */
  readonly tokenStore?: TokenStore | null;
  /** The durable event feed (same database); absent: nothing is recorded or read. */
  readonly feedStore?: EventFeedStore | null;
  /** Stop/start control requests (same database); absent: jobs cannot be stopped. */
  readonly controlStore?: ControlStore | null;
  /**
   * Where schedules' timing lives (ports/schedule-backend), e.g. Kubernetes CronJobs; absent or
   * null: the leader's scheduler loop fires every slot (embedded).
   */
  readonly scheduleBackend?: ScheduleBackend | null;
  /** Leadership among processes sharing the store; omitted: this process always leads. */
  readonly leaderLock?: LeaderLock;
  /** Closes everything the stores hold (default: `store.close()`). */
  readonly closeStores?: () => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: RandomSource;
  readonly workerId?: string;
  /**
   * How often started workers report the functions they define to the function registry (ms,
   * default 10 s); a worker counts as live for 3 intervals after its last report.
   */
  readonly presenceIntervalMs?: number;
  /** Default retention of finished jobs (default 7 days); see `createKairos`. */
  readonly retention?: RetentionOption;
  /** How long event-feed events are kept (default 1 day; "forever" keeps them). */
  readonly eventRetention?: RetentionOption;
  /** Largest payload accepted at enqueue, bytes of JSON (default 1 MiB); see `createKairos`. */
  readonly maxPayloadBytes?: number;
  /** How long a start of a stopped job may wait for a worker to begin it (default 60 s). */
  readonly startGraceMs?: number;
}

/** Options of `stop`. */
export interface StopOptions {
  /** How long running jobs may take to finish before they are aborted and handed back (default 10 s). */
  readonly drainMs?: number;
  /**
   * Stop at once: skip (or cut short) the drain; running handlers are aborted (a command's
   * process group is killed) and their jobs handed back in one store write; `stop` then waits
   * a few seconds for the handlers to return. Calling `stop({ force: true })` while an
   * earlier `stop()` drains cuts that drain short and returns the same promise.
   */
  readonly force?: boolean;
}
