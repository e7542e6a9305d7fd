/**
 * @module bench/workflow-scenarios
 * The workflow scenarios, on whichever store URL they are given (a fresh SQLite file, or the
 * throwaway PostgreSQL server's fresh database), through the public library API:
 *
 * - wf-chain:  one run of a chain of WF_CHAIN_TASKS no-op tasks (t0 -> t1 -> ...). Hand-off =
 *              successor's `job:started` `at` minus predecessor's `job:succeeded` `at` (both
 *              origin `workflow`): the time the engine takes to see a task finished, plan the
 *              run and start the next task's job. Cross-check: the same from the handlers'
 *              own clocks (`performance.now()`, sub-millisecond).
 * - wf-fanout: one run of WF_FANOUT_TASKS tasks: a root, WF_FANOUT_TASKS - 2 parallel tasks
 *              depending on it, and a join depending on them all; worker concurrency 100 and
 *              `maxActiveTasks` = the task count (the planner may queue every ready task).
 *
 * Both are timed from `runs.trigger` to `run:finished`. Planner cost is measured by wrapping
 * the workflow store's `updateRun` (on the class prototype, in this bench process only): the
 * wall time of each call (for PostgreSQL it includes waiting on the server and on the run's
 * lock), and inside it the time spent in the `decide` callback (`decideAdvance` plus building
 * the task jobs), per task of the run.
 */
import { createKairos } from "../src/index.js";
import { PostgresWorkflowStore } from "../src/stores/postgres/workflows/postgres-workflow-store.js";
import { SqliteWorkflowStore } from "../src/stores/sqlite/workflows/sqlite-workflow-store.js";
import { summarize } from "./stats.js";
import type { LatencySummary, WorkflowResult } from "./types.js";

/** Tasks of the chain scenario. */
export const WF_CHAIN_TASKS = 200;
/** Tasks of the fan-out scenario (root + parallel + join). */
export const WF_FANOUT_TASKS = 10_000;
/** Worker concurrency of both scenarios. */
export const WF_CONCURRENCY = 100;

export type WorkflowShape = "chain" | "fanout";

interface PlannerCounters {
  calls: number;
  wallMs: number;
  decideMs: number;
}

type UpdateRun = (
  this: SqliteWorkflowStore,
  ...args: Parameters<SqliteWorkflowStore["updateRun"]>
) => ReturnType<SqliteWorkflowStore["updateRun"]>;

/** Wrap both stores' `updateRun` once to count calls and time (bench process only). */
function instrumentUpdateRun(): PlannerCounters {
  const counters: PlannerCounters = { calls: 0, wallMs: 0, decideMs: 0 };
  for (const proto of [SqliteWorkflowStore.prototype, PostgresWorkflowStore.prototype]) {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its receiver
    const original: UpdateRun = proto.updateRun;
    proto.updateRun = async function (this: SqliteWorkflowStore, runId, decide, now) {
      const t0 = performance.now();
      const timed: typeof decide = (snapshot) => {
        const d0 = performance.now();
        try {
          return decide(snapshot);
        } finally {
          counters.decideMs += performance.now() - d0;
        }
      };
      try {
        return await original.call(this, runId, timed, now);
      } finally {
        counters.calls++;
        counters.wallMs += performance.now() - t0;
      }
    };
  }
  return counters;
}

function declaration(shape: WorkflowShape) {
  if (shape === "chain") {
    const tasks = Array.from({ length: WF_CHAIN_TASKS }, (_, i) => ({
      id: `t${i}`,
      fn: "wfnoop",
      ...(i > 0 ? { dependsOn: [`t${i - 1}`] } : {}),
    }));
    return { tasks, maxActiveTasks: 16 };
  }
  const middle = Array.from({ length: WF_FANOUT_TASKS - 2 }, (_, i) => ({
    id: `p${i}`,
    fn: "wfnoop",
    dependsOn: ["root"],
  }));
  const tasks = [
    { id: "root", fn: "wfnoop" },
    ...middle,
    { id: "join", fn: "wfnoop", dependsOn: middle.map((t) => t.id) },
  ];
  return { tasks, maxActiveTasks: WF_FANOUT_TASKS };
}

function taskIdOf(key: string | null | undefined): string | null {
  if (key === null || key === undefined) return null;
  const hash = key.lastIndexOf("#");
  return hash < 0 ? key : key.slice(0, hash);
}

/** Hand-offs t(i-1) end -> t(i) start, from two maps of task id -> time. */
function handoffs(ends: Map<string, number>, starts: Map<string, number>): LatencySummary | null {
  const samples: number[] = [];
  for (let i = 1; i < WF_CHAIN_TASKS; i++) {
    const end = ends.get(`t${i - 1}`);
    const start = starts.get(`t${i}`);
    if (end !== undefined && start !== undefined) samples.push(start - end);
  }
  return samples.length > 0 ? summarize(samples) : null;
}

/** Run one workflow scenario on `storeUrl`; see the module header. */
export async function runWorkflowScenario(
  shape: WorkflowShape,
  storeUrl: string,
  timeoutMs: number,
): Promise<{ result: WorkflowResult; notes: string[] }> {
  const counters = instrumentUpdateRun();
  const kairos = await createKairos({ store: storeUrl });
  const handlerStarts = new Map<string, number>();
  const handlerEnds = new Map<string, number>();
  kairos.define("wfnoop", (_payload, ctx) => {
    const task = ctx.run?.taskId;
    if (shape === "chain" && task !== undefined) handlerStarts.set(task, performance.now());
    if (shape === "chain" && task !== undefined) handlerEnds.set(task, performance.now());
  });
  // `job:started` carries no origin: its jobs are matched by id to `job:succeeded`'s origin.
  const startsByJob = new Map<string, number>();
  const eventStarts = new Map<string, number>();
  const eventEnds = new Map<string, number>();
  let failedJobs = 0;
  if (shape === "chain") {
    kairos.on("job:started", (e) => startsByJob.set(e.jobId, e.at));
    kairos.on("job:succeeded", (e) => {
      const task = e.origin?.kind === "workflow" ? taskIdOf(e.origin.key) : null;
      const started = startsByJob.get(e.jobId);
      if (task === null) return;
      eventEnds.set(task, e.at);
      if (started !== undefined) eventStarts.set(task, started);
    });
  }
  kairos.on("job:failed", () => failedJobs++);
  try {
    await kairos.workflow(`bench-${shape}`, declaration(shape));
    await kairos.start({ concurrency: WF_CONCURRENCY });
    const setupCalls = counters.calls;
    Object.assign(counters, { calls: 0, wallMs: 0, decideMs: 0 });
    const finished = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`wf-${shape}: no run:finished after ${timeoutMs} ms`)),
        timeoutMs,
      );
      kairos.on("run:finished", (e) => {
        clearTimeout(timer);
        resolve(e.state);
      });
    });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const run = await kairos.runs.trigger(`bench-${shape}`);
    const state = await finished;
    const totalMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const detail = await kairos.runs.get(run.id);
    const byState = new Map<string, number>();
    for (const t of detail?.tasks ?? []) byState.set(t.state, (byState.get(t.state) ?? 0) + 1);
    const tasks = shape === "chain" ? WF_CHAIN_TASKS : WF_FANOUT_TASKS;
    const result: WorkflowResult = {
      kind: "workflow",
      shape,
      tasks,
      totalMs,
      handoff: shape === "chain" ? handoffs(eventEnds, eventStarts) : null,
      handlerHandoff: shape === "chain" ? handoffs(handlerEnds, handlerStarts) : null,
      updateRuns: counters.calls,
      updateRunMs: counters.wallMs,
      decideMs: counters.decideMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    const errors = new Map<string, number>();
    for (const t of detail?.tasks ?? []) {
      if (t.state !== "failed") continue;
      const key = t.error === null ? "(no error)" : `${t.error.name}: ${t.error.message}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
    const notes = [
      `run ${state}; tasks ${[...byState].map(([s, n]) => `${s}=${n}`).join(", ")}`,
      ...[...errors].slice(0, 3).map(([e, n]) => `${n} tasks failed with ${e.slice(0, 200)}`),
      ...(failedJobs > 0 ? [`${failedJobs} jobs FAILED`] : []),
      ...(setupCalls > 0 ? [`${setupCalls} updateRun calls before the trigger`] : []),
    ];
    return { result, notes };
  } finally {
    await kairos.stop({ drainMs: 0 });
  }
}
