/**
 * @module runtime/workflows/runs-api
 * `kairos.runs.*`: trigger a run (params validated against the declared ones), read and list
 * runs, and operate them the way Airflow users do: cancel, clear (rerun a task, optionally
 * with its downstream), mark a task by hand, notes, backfill a date range, and "why isn't this
 * task running?". Every change goes through `WorkflowStore.updateRun` with a pure decision from
 * core/workflows, so it serializes with the planner and other replicas.
 */
import { RunExistsError, ValidationError } from "../../core/errors.js";
import { nextSlotAfter } from "../../core/schedules/timing.js";
import {
  decideCancel,
  decideClear,
  decideMark,
  decideNote,
  explainRunTask,
  manualDataInterval,
  resolveRunParams,
  type RunChange,
  type RunSnapshot,
  type RunWhyContext,
} from "../../core/workflows/index.js";
import type { Clock } from "../../ports/clock.js";
import type { RunState } from "../../core/workflows/index.js";
import type {
  NewRun,
  StoredRun,
  StoredWorkflow,
  WorkflowStore,
} from "../../ports/workflow-store.js";
import type { EventBus } from "../event-bus.js";
import type { RunControlApi } from "./run-control.js";
import { toRun, toRunDetail, type WorkflowRun, type WorkflowRunDetail } from "./run-view.js";
import { noSuchRun, noSuchWorkflow } from "../../core/workflows/not-found.js";
import { readTaskTries, type TaskTry } from "./task-tries.js";

/** Options of `runs.trigger`. */
export interface TriggerRunOptions {
  /** Checked against the workflow's declared params; merged over their defaults. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** The run's logical date (default now). One run per (workflow, logical date). */
  readonly logicalDate?: Date | number;
  readonly note?: string;
}

/** Options of `runs.backfill`. */
export interface BackfillOptions {
  /** First logical date (inclusive). */
  readonly from: Date | number;
  /** Last logical date (inclusive). */
  readonly to: Date | number;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Called after each interval: how many were created or already had a run, of `total`. */
  readonly onProgress?: (progress: BackfillProgress) => void;
}

/** Progress (and the final result) of a backfill. */
export interface BackfillProgress {
  readonly created: number;
  /** Intervals that already had a run (never a second run for a logical date). */
  readonly existing: number;
  readonly total: number;
  readonly runIds: readonly string[];
}

/** The answer to "why isn't this task running?". */
export interface TaskWhy {
  readonly runId: string;
  readonly taskId: string;
  readonly state: string;
  readonly summary: string;
  readonly lines: readonly string[];
}

/** `kairos.runs`. */
export interface RunsApi extends RunControlApi {
  trigger(workflow: string, options?: TriggerRunOptions): Promise<WorkflowRun>;
  /** The run with its task instances, or null. */
  get(id: string): Promise<WorkflowRunDetail | null>;
  /** Newest logical date first; page with `before` (the last row's logical date). */
  list(filter?: {
    readonly workflow?: string;
    readonly state?: RunState;
    readonly limit?: number;
    readonly before?: Date | number;
  }): Promise<WorkflowRun[]>;
  /** Running tasks get their AbortSignal; the rest end as Airflow ends them; the run fails. */
  cancel(id: string, options?: { readonly note?: string }): Promise<WorkflowRunDetail>;
  /** Rerun tasks (and their downstream with `downstream`); a finished run runs again. */
  clear(
    id: string,
    options: {
      readonly tasks: readonly string[];
      readonly downstream?: boolean;
      readonly onlyFailed?: boolean;
    },
  ): Promise<WorkflowRunDetail>;
  /** Set a task's state by hand (its job, if active, is cancelled). */
  mark(
    id: string,
    taskId: string,
    state: "success" | "failed" | "skipped",
    options?: { readonly downstream?: boolean },
  ): Promise<WorkflowRunDetail>;
  /** Set (or clear with null) the note of a run, or of one of its tasks. */
  note(
    id: string,
    note: string | null,
    options?: { readonly task?: string },
  ): Promise<WorkflowRunDetail>;
  why(id: string, taskId: string): Promise<TaskWhy>;
  /** Every try of a task (each its own job), oldest first; NotFoundError for an unknown run or task. */
  tries(id: string, taskId: string): Promise<TaskTry[]>;
  /** One run per interval of [from, to], in order, started within maxActiveRuns. */
  backfill(workflow: string, options: BackfillOptions): Promise<BackfillProgress>;
}

/** What the API is handed. */
export interface RunsApiDeps {
  /** Stop and start of runs (runtime/workflows/run-control). */
  readonly control: RunControlApi;
  readonly store: () => WorkflowStore;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly assertOpen: () => void;
  /** Start the workflow's queued runs that fit (maxActiveRuns). */
  readonly startQueued: (workflow: string) => Promise<void>;
  /** Plan the run soon. */
  readonly wake: (runId: string) => void;
  /** Abort a job running in this process at once (others see the store's cancel request). */
  readonly cancelLocal: (jobId: string) => void;
  /** The rest of the "why" context: leader, live workers, concurrency holders. */
  readonly whyContext: (snapshot: RunSnapshot, taskId: string) => Promise<Partial<RunWhyContext>>;
}

const instant = (value: Date | number, what: string): number => {
  const ms = value instanceof Date ? value.getTime() : value;
  if (!Number.isFinite(ms)) throw new ValidationError(`${what} must be a valid date`);
  return Math.round(ms);
};

/** Build `kairos.runs`. */
export function createRunsApi(deps: RunsApiDeps): RunsApi {
  const { clock } = deps;
  const store = () => deps.store();
  const mustWorkflow = async (name: string) => {
    deps.assertOpen();
    const found = await store().getWorkflow(name);
    if (!found) throw noSuchWorkflow(name);
    return found;
  };
  const detail = async (id: string): Promise<WorkflowRunDetail> => {
    const found = await store().getRun(id);
    if (!found) throw noSuchRun(id);
    return toRunDetail(found);
  };
  const change = (id: string, decide: Decide) => changeRun(deps, id, decide);
  return {
    stop: (id, options) => deps.control.stop(id, options),
    start: (id, options) => deps.control.start(id, options),
    requests: (id) => deps.control.requests(id),
    trigger: (workflow, options = {}) => triggerRun(deps, mustWorkflow, workflow, options),
    get: async (id) => {
      deps.assertOpen();
      const found = await store().getRun(id);
      return found ? toRunDetail(found) : null;
    },
    tries: (id, taskId) => readTaskTries(deps, id, taskId),
    list: async (filter = {}) => {
      deps.assertOpen();
      const { before, ...rest } = filter;
      const runs = await store().listRuns({
        ...rest,
        ...(before !== undefined ? { before: instant(before, "before") } : {}),
      });
      return runs.map(toRun);
    },
    cancel: async (id, options = {}) => {
      const { run, change: applied } = await change(id, (s, now) =>
        decideCancel(s, now, options.note ?? null),
      );
      if (applied?.run?.state === "failed") {
        deps.events.emit("run:finished", {
          runId: id,
          workflow: run.workflow,
          state: "failed",
          at: clock.now(),
        });
        await deps.startQueued(run.workflow);
      }
      return detail(id);
    },
    clear: async (id, options) => {
      await change(id, (s, now) =>
        decideClear(
          s,
          options.tasks,
          {
            downstream: options.downstream === true,
            ...(options.onlyFailed !== undefined ? { onlyFailed: options.onlyFailed } : {}),
          },
          now,
        ),
      );
      return detail(id);
    },
    mark: async (id, taskId, state, options = {}) => {
      await change(id, (s, now) =>
        decideMark(s, taskId, state, now, { downstream: options.downstream === true }),
      );
      return detail(id);
    },
    note: async (id, note, options = {}) => {
      await change(id, (s, now) => decideNote(s, options.task ?? null, note, now));
      return detail(id);
    },
    why: (id, taskId) => whyTask(deps, id, taskId),
    backfill: (workflow, options) => backfill(deps, mustWorkflow, workflow, options),
  };
}

async function backfill(
  deps: RunsApiDeps,
  mustWorkflow: MustWorkflow,
  workflow: string,
  options: BackfillOptions,
): Promise<BackfillProgress> {
  const wf = await mustWorkflow(workflow);
  const def = wf.definition;
  const from = instant(options.from, "from");
  const to = instant(options.to, "to");
  if (to < from)
    throw new ValidationError(
      `backfill: --to (${iso(to)}) is before --from (${iso(from)}); swap them (both are inclusive)`,
    );
  if (def.schedule === null) {
    throw new ValidationError(
      `workflow "${workflow}" has no schedule, so it has no intervals to backfill; ` +
        `trigger runs with a logical date instead (kairos workflows trigger ${workflow} --logical-date ...)`,
    );
  }
  const schedule = def.schedule;
  const anchor = def.startDate ?? wf.createdAt;
  const fires: number[] = [];
  for (let f = nextSlotAfter(schedule, from - 1, anchor); f !== null && f <= to;) {
    fires.push(f);
    if (fires.length > 100_000) {
      throw new ValidationError(`backfill: more than 100000 intervals in range; split the range`);
    }
    f = nextSlotAfter(schedule, f, anchor);
  }
  const params = resolveRunParams(workflow, def.params, options.params);
  const progress = { created: 0, existing: 0, total: fires.length, runIds: [] as string[] };
  let previous: number | null = null;
  for (const f of fires) {
    const end = def.runSemantics === "dataInterval" ? nextSlotAfter(schedule, f, anchor) : f;
    const start =
      def.runSemantics === "dataInterval"
        ? f
        : (previous ?? manualDataInterval(schedule, "trigger", f, anchor).start);
    previous = f;
    const outcome = await deps.store().createRun(
      {
        workflow,
        logicalDate: f,
        dataInterval: { start, end: end ?? f },
        runType: "backfill",
        params,
        definition: def,
      },
      deps.clock.now(),
    );
    if (outcome.kind === "created") {
      progress.created++;
      progress.runIds.push(outcome.run.id);
    } else progress.existing++;
    options.onProgress?.({ ...progress, runIds: [...progress.runIds] });
  }
  await deps.startQueued(workflow);
  return progress;
}

const iso = (ms: number): string => new Date(ms).toISOString();

type MustWorkflow = (name: string) => Promise<StoredWorkflow>;

async function triggerRun(
  deps: RunsApiDeps,
  mustWorkflow: MustWorkflow,
  workflow: string,
  options: TriggerRunOptions,
): Promise<WorkflowRun> {
  const store = () => deps.store();
  const { clock } = deps;
  const wf = await mustWorkflow(workflow);
  const def = wf.definition;
  const now = clock.now();
  const logicalDate =
    options.logicalDate === undefined ? now : instant(options.logicalDate, "logicalDate");
  const run: NewRun = {
    workflow,
    logicalDate,
    dataInterval: manualDataInterval(
      def.schedule,
      def.runSemantics,
      logicalDate,
      def.startDate ?? wf.createdAt,
    ),
    runType: "manual",
    params: resolveRunParams(workflow, def.params, options.params),
    definition: def,
    note: options.note ?? null,
  };
  const outcome = await store().createRun(run, now);
  if (outcome.kind === "duplicate") {
    throw new RunExistsError(
      `workflow "${workflow}" already has run ${outcome.run.id} for logical date ` +
        `${new Date(logicalDate).toISOString()}; clear it to run it again, or pick another logical date`,
      outcome.run.id,
    );
  }
  deps.events.emit("run:created", {
    runId: outcome.run.id,
    workflow,
    logicalDate,
    at: now,
  });
  await deps.startQueued(workflow);
  return toRun((await store().getRun(outcome.run.id)) ?? outcome.run);
}

async function whyTask(deps: RunsApiDeps, id: string, taskId: string): Promise<TaskWhy> {
  const store = () => deps.store();
  const { clock } = deps;
  deps.assertOpen();
  const found = await store().getRun(id);
  if (!found) throw noSuchRun(id);
  const snapshot: RunSnapshot = { run: found, tasks: found.tasks, jobs: found.jobs };
  const wf = await store().getWorkflow(found.workflow);
  const running = await store().listRuns({
    workflow: found.workflow,
    state: "running",
    limit: 1_000,
  });
  const ctx: RunWhyContext = {
    now: clock.now(),
    workflowPaused: wf?.paused ?? false,
    leaderKnown: true,
    runningRuns: running.length,
    ...(await deps.whyContext(snapshot, taskId)),
  };
  const answer = explainRunTask(snapshot, taskId, ctx);
  return { runId: id, taskId, ...answer };
}

type Decide = (s: RunSnapshot, now: number) => RunChange | null;

/** One operation on a run through `updateRun`; cancelled jobs aborted here, the run re-planned. */
async function changeRun(
  deps: RunsApiDeps,
  id: string,
  decide: Decide,
): Promise<{ run: StoredRun; change: RunChange | null }> {
  deps.assertOpen();
  const now = deps.clock.now();
  const box: { decided: RunChange | null } = { decided: null };
  const outcome = await deps.store().updateRun(
    id,
    (s) => {
      box.decided = decide(s, now);
      return box.decided;
    },
    now,
  );
  if (outcome.kind === "not_found") throw noSuchRun(id);
  const applied = box.decided;
  for (const jobId of applied?.cancelJobs ?? []) deps.cancelLocal(jobId);
  if (applied !== null) deps.wake(id);
  return { run: outcome.run, change: applied };
}
