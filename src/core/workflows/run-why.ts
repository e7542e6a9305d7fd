/**
 * @module core/workflows/run-why
 * "Why isn't it running?" for one task of a run, in words a person reads: from the planner's
 * own view (why.ts: the upstreams it waits for and under which rule, the `maxActiveTasks` cap,
 * the retry delay remaining) plus what only the runtime knows, given in the context: the run
 * queued behind `maxActiveRuns`, the workflow paused, the job waiting on a concurrency key held
 * by another job, no live worker for the function, no leader. A finished task says how it
 * ended. `summary` is the first line; `lines` are all of them, most important first.
 */
import type { JobErrorInfo } from "../jobs/types.js";
import { planInputOf, taskDefinitionOf, TaskRows, topologyOf } from "./run-topology.js";
import type { TaskState } from "./states.js";
import type { RunSnapshot, TaskInstanceWrite } from "./store-types.js";
import { explainTask, type WhyAnswer } from "./why.js";

/** What the runtime knows beyond the snapshot. */
export interface RunWhyContext {
  readonly now: number;
  readonly workflowPaused: boolean;
  readonly leaderKnown: boolean;
  /** Running runs of the workflow (for a queued run). */
  readonly runningRuns: number;
  /** The concurrency key the task's job waits on, with the jobs holding it, or null. */
  readonly concurrencyHolder?: {
    readonly key: string;
    readonly limit: number;
    readonly jobIds: readonly string[];
  } | null;
  /** Live workers for the task's function; null when unknown. */
  readonly liveWorkers?: number | null;
}

/** The answer: the task's state, a one-line summary and every line of the explanation. */
export interface RunWhyAnswer {
  readonly state: TaskState;
  readonly summary: string;
  readonly lines: readonly string[];
}

/** Explains in words why a task of a run is not running (module comment). NotFoundError for an unknown task. */
export function explainRunTask(s: RunSnapshot, taskId: string, ctx: RunWhyContext): RunWhyAnswer {
  const topology = topologyOf(s.run.definition);
  const input = planInputOf(
    new TaskRows(s.tasks).rows.values(),
    ctx.now,
    s.run.definition.maxActiveTasks,
  );
  const answer = explainTask(topology, input, taskId);
  const row = new TaskRows(s.tasks).get(taskId);
  const lines = linesFor(s, row, answer, ctx);
  if (!ctx.leaderKnown && s.run.state !== "success" && s.run.state !== "failed") {
    lines.push(
      "no leader is known: no engine is scheduling runs or reaping stuck ones right now; start an engine",
    );
  }
  return { state: row.state, summary: lines[0] ?? "", lines };
}

function linesFor(
  s: RunSnapshot,
  row: TaskInstanceWrite,
  answer: WhyAnswer,
  ctx: RunWhyContext,
): string[] {
  const { run } = s;
  if (run.state === "queued") return queuedRunLines(s, ctx);
  if (answer.kind === "finished") return finishedLines(row);
  if (run.state !== "running") {
    return [
      `the run ended ${run.state} at ${iso(run.finishedAt)} before this task finished (it is ${row.state})${run.note === null ? "" : `: ${run.note}`}`,
    ];
  }
  if (answer.kind === "active") return activeLines(s, row, ctx);
  const lines = waitingLines(row, answer, ctx.now);
  if (ctx.workflowPaused) {
    lines.unshift(
      `the workflow "${run.workflow}" is paused: no task of its runs is dispatched until it is resumed`,
    );
  }
  return lines;
}

function queuedRunLines(s: RunSnapshot, ctx: RunWhyContext): string[] {
  const { run } = s;
  const lines: string[] = [];
  if (ctx.workflowPaused)
    lines.push(
      `the workflow "${run.workflow}" is paused: its queued runs start once it is resumed`,
    );
  lines.push(
    `the run is queued behind maxActiveRuns: ${ctx.runningRuns} of ${run.definition.maxActiveRuns} runs of "${run.workflow}" are running; it starts when one ends (oldest logical date first)`,
  );
  return lines;
}

function finishedLines(row: TaskInstanceWrite): string[] {
  const at = `at ${iso(row.finishedAt)}`;
  const tries = `try ${row.tryNumber} of ${row.maxTries}`;
  switch (row.state) {
    case "success":
      return [`it succeeded ${at} (${tries})`];
    case "failed":
      return [`it failed ${at} after ${tries}${errorText(row.error)}; clear it to run it again`];
    case "skipped":
      return [`it was skipped ${at}${errorText(row.error)}`];
    case "upstream_failed":
      return [
        `it ended upstream_failed ${at}: an upstream failed, so its trigger rule can never be met; clear the failed upstream with its downstream to rerun`,
      ];
    default:
      return [`it ended ${row.state} ${at}`];
  }
}

function activeLines(s: RunSnapshot, row: TaskInstanceWrite, ctx: RunWhyContext): string[] {
  const job = row.jobId === null ? undefined : s.jobs.get(row.jobId);
  const tries = `try ${row.tryNumber} of ${row.maxTries}`;
  if (row.state === "running" || (job !== undefined && job.startedAt !== null)) {
    return [
      `it is running (${tries}, job ${row.jobId ?? "?"}) since ${iso(job?.startedAt ?? row.startedAt)}`,
    ];
  }
  const fn = taskDefinitionOf(s.run.definition, row.taskId).fn;
  const lines = [
    `it is queued (${tries}): its job ${row.jobId ?? "?"} waits for a worker since ${iso(row.queuedAt)}`,
  ];
  const holder = ctx.concurrencyHolder;
  if (holder != null) {
    lines.push(
      `its job waits on concurrency key "${holder.key}" (limit ${holder.limit}), held by job ${holder.jobIds.join(", ")}`,
    );
  }
  if (ctx.liveWorkers === 0) {
    lines.push(`no live worker runs function "${fn}": start a worker that defines it`);
  }
  return lines;
}

function waitingLines(row: TaskInstanceWrite, answer: WhyAnswer, now: number): string[] {
  switch (answer.kind) {
    case "planned": {
      const to = answer.transitions.map((t) => t.to).join(" then ");
      return [`its trigger rule is decided: the next planner pass moves it to ${to}`];
    }
    case "max_active_tasks":
      return [
        `it is scheduled but held by maxActiveTasks: ${answer.active} of ${answer.maxActiveTasks} task slots of this run are queued or running`,
      ];
    case "retry_delay":
      return [
        `it waits for its retry delay: try ${row.tryNumber} of ${row.maxTries} failed${errorText(row.error)}; the next try is due at ${iso(answer.dueAt)}, in ${duration(answer.remainingMs)}`,
      ];
    case "trigger_rule": {
      if (answer.never) {
        return [
          `it can never run: its trigger rule ${answer.rule} cannot be met by its upstreams' final states; clear or mark tasks to go on`,
        ];
      }
      const waiting = answer.waitingFor.map((u) => `${u.taskId} (${u.state})`).join(", ");
      return [`it waits for upstream ${waiting} under trigger rule ${answer.rule}`];
    }
    default:
      return [`it is ${row.state} (at ${iso(now)})`];
  }
}

function errorText(error: JobErrorInfo | null): string {
  return error === null
    ? ""
    : `: ${error.name}${error.code === undefined ? "" : ` ${error.code}`}: ${error.message}`;
}

function iso(at: number | null | undefined): string {
  return at === null || at === undefined || !Number.isFinite(at)
    ? "an unknown time"
    : new Date(at).toISOString();
}

/** A short human duration: "450 ms", "12 s", "4 min 5 s", "2 h 30 min". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 === 0 ? "" : ` ${s % 60} s`}`;
  const m = Math.floor(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 === 0 ? "" : ` ${m % 60} min`}`;
}
