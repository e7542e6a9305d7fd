/**
 * @module dashboard/workflows-api
 * The workflow and run calls the pages make, typed by the OpenAPI document, and the small pure
 * pieces of those pages: reading a stored definition, the trigger form's params, the actions a
 * run's state allows and the grid's columns.
 */
import type { Api } from "./api/client.js";
import type { components } from "./api/schema.js";
import type { GridRun } from "./components/dag/RunGrid.js";

type S = components["schemas"];
/** A workflow as the API answers it. */
export type Workflow = S["Workflow"];
/** A run (without its tasks). */
export type WorkflowRun = S["WorkflowRun"];
/** A run with its task instances. */
export type RunDetail = S["WorkflowRunDetail"];
/** One task instance of a run. */
export type TaskInstance = S["TaskInstance"];
/** Why a task instance is (not) running. */
export type TaskWhy = S["TaskWhy"];
/** One try of a task (each try is its own job). */
export type TaskTry = S["TaskTry"];

/** How many recent runs the list and the grid show. */
export const RECENT_RUNS = 10;

const wf = (name: string) => `/workflows/${encodeURIComponent(name)}`;
const run = (id: string) => `/runs/${encodeURIComponent(id)}`;

/** Every workflow. */
export const listWorkflows = (api: Api) =>
  api.call<{ items: Workflow[] }>("GET", "/workflows").then((p) => p.items);
/** One workflow. */
export const getWorkflow = (api: Api, name: string) => api.call<Workflow>("GET", wf(name));
/** A workflow's most recent runs, newest first. */
export const recentRuns = (api: Api, workflow: string, limit = RECENT_RUNS) =>
  api
    .call<{ items: WorkflowRun[] }>("GET", "/runs", { query: { workflow, limit } })
    .then((p) => p.items);
/** One run with its tasks. */
export const getRun = (api: Api, id: string) => api.call<RunDetail>("GET", run(id));
/** Why a task of a run is (not) running. */
export const taskWhy = (api: Api, id: string, task: string) =>
  api.call<TaskWhy>("GET", `${run(id)}/tasks/${encodeURIComponent(task)}/why`);
/** Every try of a task of a run, oldest first. */
export const taskTries = (api: Api, id: string, task: string) =>
  api
    .call<{ items: TaskTry[] }>("GET", `${run(id)}/tasks/${encodeURIComponent(task)}/tries`)
    .then((p) => p.items);
/** Trigger a run with params. */
export const triggerRun = (api: Api, name: string, params: Record<string, unknown>) =>
  api.call<WorkflowRun>("POST", `${wf(name)}/runs`, { body: { params } });
/** Pause or resume a workflow. */
export const setPaused = (api: Api, name: string, pause: boolean) =>
  api.call<unknown>("POST", `${wf(name)}/${pause ? "pause" : "resume"}`, { body: {} });

/** The states a task can be marked in by hand. */
export type MarkState = "success" | "failed" | "skipped";
/** Every mark state, in the order the buttons show them. */
export const MARK_STATES: readonly MarkState[] = ["success", "failed", "skipped"];

/** What a clear acts on: the task, the task and its downstream, or every failed task. */
export type ClearScope = "task" | "downstream" | "failed";

/** The body of POST /runs/{id}/clear. */
export type ClearBody = S["ClearBody"];

/** The clear body for a scope: "failed" is every failed task of the run (onlyFailed). */
export function clearBody(run: RunDetail, task: string, scope: ClearScope): ClearBody {
  if (scope === "failed")
    return { tasks: run.tasks.map((t) => t.taskId), downstream: false, onlyFailed: true };
  return { tasks: [task], downstream: scope === "downstream" };
}

/** Clear tasks of a run to rerun them. */
export const clearTasks = (api: Api, id: string, body: ClearBody) =>
  api.call<WorkflowRun>("POST", `${run(id)}/clear`, { body });

/** Set a task's state by hand (and, with `downstream`, every task downstream of it). */
export const markTask = (
  api: Api,
  id: string,
  task: string,
  state: MarkState,
  downstream = false,
) =>
  api.call<WorkflowRun>("POST", `${run(id)}/tasks/${encodeURIComponent(task)}/mark`, {
    body: downstream ? { state, downstream } : { state },
  });

/** Set (or, with an empty text, remove) the note of a run or of one of its tasks. */
export const setNote = (api: Api, id: string, text: string, task?: string) =>
  api.call<RunDetail>("PUT", `${run(id)}/note`, {
    body: { note: text.trim() === "" ? null : text, ...(task ? { task } : {}) },
  });

/** The whole-run controls. */
export type RunControl = "cancel" | "stop" | "start";

/** Cancel (with an optional note), stop or start a run. */
export function runControl(api: Api, id: string, action: RunControl, note = ""): Promise<unknown> {
  if (action === "cancel")
    return api.call("POST", `${run(id)}/cancel`, { body: note.trim() ? { note } : {} });
  return api.call("POST", `${run(id)}/${action}`, { body: { requestedBy: "dashboard" } });
}

/** Run states that never change again (until a clear). */
export const FINISHED_RUN_STATES: readonly string[] = ["success", "failed", "cancelled"];

/** The whole-run controls a run's state allows (clear, mark and notes are always offered). */
export function runControlsFor(state: string): RunControl[] {
  if (FINISHED_RUN_STATES.includes(state)) return [];
  if (state === "stopped") return ["start", "cancel"];
  return ["stop", "cancel"];
}

/** The parts of a stored definition the pages show. */
export interface DefinitionView {
  readonly tasks: { readonly id: string; readonly fn: string; readonly dependsOn: string[] }[];
  readonly schedule: string | null;
  readonly params: Readonly<Record<string, unknown>>;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Read a workflow's definition (a loosely typed object in the API) defensively. */
export function readDefinition(definition: unknown): DefinitionView {
  const d = isRecord(definition) ? definition : {};
  const tasks = (Array.isArray(d.tasks) ? d.tasks : []).filter(isRecord).map((t) => ({
    id: String(t.id),
    fn: typeof t.fn === "string" ? t.fn : "",
    dependsOn: Array.isArray(t.dependsOn) ? t.dependsOn.map(String) : [],
  }));
  return { tasks, schedule: scheduleText(d.schedule), params: isRecord(d.params) ? d.params : {} };
}

/** A schedule as text: "cron 0 3 * * * (Europe/Paris)", "every 60000 ms", or null. */
export function scheduleText(s: unknown): string | null {
  if (!isRecord(s)) return null;
  if (typeof s.cron === "string")
    return `cron ${s.cron}${typeof s.timezone === "string" ? ` (${s.timezone})` : ""}`;
  if (typeof s.everyMs === "number") return `every ${s.everyMs} ms`;
  if (typeof s.every === "string" || typeof s.every === "number") return `every ${s.every}`;
  return null;
}

/** The input a declared param gets: its kind follows its default's JSON type. */
export type ParamKind = "string" | "number" | "boolean" | "json";

/** A trigger-form field for each declared param. */
export interface ParamField {
  readonly name: string;
  readonly kind: ParamKind;
  /** The input's initial text (a checkbox: "true" / "false"). */
  readonly initial: string;
}

/** The trigger form's fields, from the declared params and their defaults. */
export function paramFields(declared: Readonly<Record<string, unknown>>): ParamField[] {
  return Object.entries(declared).map(([name, v]) => {
    if (typeof v === "string") return { name, kind: "string", initial: v };
    if (typeof v === "number") return { name, kind: "number", initial: String(v) };
    if (typeof v === "boolean") return { name, kind: "boolean", initial: String(v) };
    return { name, kind: "json", initial: JSON.stringify(v) };
  });
}

/** The params of a submitted form, or the first field's problem. */
export function paramsFromForm(
  fields: readonly ParamField[],
  value: (name: string) => string | null,
): { params: Record<string, unknown> } | { error: string } {
  const params: Record<string, unknown> = {};
  for (const f of fields) {
    const text = value(f.name);
    if (f.kind === "boolean") params[f.name] = text === "on" || text === "true";
    else if (f.kind === "string") params[f.name] = text ?? "";
    else if (f.kind === "number") {
      const n = Number(text);
      if (text === null || text.trim() === "" || !Number.isFinite(n))
        return { error: `${f.name} must be a number` };
      params[f.name] = n;
    } else {
      try {
        params[f.name] = JSON.parse(text ?? "") as unknown;
      } catch {
        return { error: `${f.name} must be JSON (e.g. ${f.initial})` };
      }
    }
  }
  return { params };
}

/** The grid's columns from runs with their tasks (given newest first): oldest first. */
export function gridRuns(runs: readonly RunDetail[]): GridRun[] {
  return [...runs].reverse().map((r) => ({
    id: r.id,
    label: r.logicalDate,
    state: r.state,
    taskStates: Object.fromEntries(r.tasks.map((t) => [t.taskId, t.state])),
  }));
}

/** How long a try took ("850 ms", "12.3 s", "4 min 5 s"), null while it has not ended. */
export function tryDuration(t: Pick<TaskInstance, "startedAt" | "finishedAt">): string | null {
  if (t.startedAt === null || t.finishedAt === null) return null;
  const ms = Date.parse(t.finishedAt) - Date.parse(t.startedAt);
  if (!Number.isFinite(ms) || ms < 0) return null;
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
