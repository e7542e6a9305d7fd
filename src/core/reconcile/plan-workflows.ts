/**
 * @module core/reconcile/plan-workflows
 * The workflow part of the reconcile plan (pure). A declared workflow is a whole normalized
 * definition: it is created when not stored, replaced (`put_workflow`) when its definition
 * differs in any field, and unchanged otherwise (definitions compare as canonical JSON).
 * A replace keeps the workflow's runtime state (paused, pause note, cursor, runs): only the
 * definition and `nextRunAfter` are written.
 *
 * `nextRunAfter` (the scheduler's next look): `now` for a created workflow with a schedule, and
 * for an updated one whose timing changed (schedule, startDate, endDate, catchup or
 * runSemantics), so the scheduler recomputes its next run at once; the stored value when the
 * timing is unchanged; null without a schedule.
 *
 * Config workflows the file no longer declares are deleted (`delete_workflow`, with their runs
 * and history) only with `prune`, else reported `would_prune`. A declared name stored with
 * another source is a conflict, reported with the schedules' and functions' conflicts.
 */
import { canonicalJson } from "../canonical-json.js";
import type { TaskDefinition, WorkflowDefinition } from "../workflows/definition.js";
import type { StoredWorkflow } from "../workflows/store-types.js";
import type { PlanChange, PlanFieldChange, PlanItem } from "./types.js";

/** The workflow items and changes of a plan. */
export interface WorkflowPlanPart {
  readonly items: PlanItem[];
  /** `put_workflow` changes: applied after the functions they use exist. */
  readonly puts: PlanChange[];
  /** `delete_workflow` changes: applied before the functions they used are deleted. */
  readonly deletes: PlanChange[];
}

/** Fields whose change moves the workflow's schedule (its next run is recomputed). */
const TIMING_FIELDS = ["schedule", "startDate", "endDate", "catchup", "runSemantics"] as const;

/** Workflow fields compared one by one, named as in the file. */
const WORKFLOW_FIELDS = [
  "startDate",
  "endDate",
  "catchup",
  "runSemantics",
  "maxActiveRuns",
  "maxActiveTasks",
  "params",
] as const;

/** Task fields as stored -> as named in the file. */
const TASK_FIELDS: readonly (readonly [keyof TaskDefinition, string])[] = [
  ["fn", "fn"],
  ["payload", "payload"],
  ["dependsOn", "dependsOn"],
  ["triggerRule", "triggerRule"],
  ["retries", "retries"],
  ["retryDelayMs", "retryDelay"],
  ["retryExponentialBackoff", "retryExponentialBackoff"],
  ["maxRetryDelayMs", "maxRetryDelay"],
  ["timeoutMs", "timeout"],
  ["concurrency", "concurrency"],
];

/** Plan the declared workflows against the stored ones (conflicts are checked before). */
export function planWorkflows(
  declared: readonly WorkflowDefinition[],
  stored: readonly StoredWorkflow[],
  prune: boolean,
  now: number,
): WorkflowPlanPart {
  const byName = new Map(stored.map((w) => [w.name, w]));
  const items: PlanItem[] = [];
  const puts: PlanChange[] = [];
  const deletes: PlanChange[] = [];
  for (const definition of declared) {
    const current = byName.get(definition.name);
    const name = definition.name;
    if (current === undefined) {
      items.push({ kind: "workflow", name, action: "create" });
      const nextRunAfter = definition.schedule === null ? null : now;
      puts.push({ op: "put_workflow", definition, nextRunAfter });
      continue;
    }
    const fields = diffWorkflow(current.definition, definition);
    if (fields.length === 0) {
      items.push({ kind: "workflow", name, action: "unchanged" });
      continue;
    }
    items.push({ kind: "workflow", name, action: "update", fields });
    puts.push({
      op: "put_workflow",
      definition,
      nextRunAfter: nextRunAfter(current, definition, now),
    });
  }
  const names = new Set(declared.map((w) => w.name));
  const orphans = stored
    .filter((w) => w.source === "config" && !names.has(w.name))
    .map((w) => w.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of orphans) {
    items.push({ kind: "workflow", name, action: prune ? "prune" : "would_prune" });
    if (prune) deletes.push({ op: "delete_workflow", name });
  }
  return { items, puts, deletes };
}

/**
 * Problems with the declared workflows: a name declared twice, or one stored with another
 * source (`clash` words it like the other kinds).
 */
export function workflowProblems(
  declared: readonly WorkflowDefinition[],
  stored: readonly StoredWorkflow[],
  clash: (kind: string, name: string) => string,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const w of declared) {
    if (seen.has(w.name)) problems.push(`workflow "${w.name}" is declared twice`);
    seen.add(w.name);
  }
  const foreign = new Set(stored.filter((w) => w.source !== "config").map((w) => w.name));
  for (const name of seen) if (foreign.has(name)) problems.push(clash("workflow", name));
  return problems;
}

/**
 * Problems pruning `functions` would cause: a workflow that stays (declared, or stored with
 * another source) has a task running one of them.
 */
export function workflowsUsing(
  functions: ReadonlySet<string>,
  declared: readonly WorkflowDefinition[],
  stored: readonly StoredWorkflow[],
): string[] {
  const remaining = [
    ...stored.filter((w) => w.source !== "config").map((w) => ({ d: w.definition, s: w.source })),
    ...declared.map((d) => ({ d, s: "config" })),
  ];
  const problems: string[] = [];
  for (const { d, s } of remaining) {
    for (const task of d.tasks) {
      if (!functions.has(task.fn)) continue;
      problems.push(
        `cannot prune function "${task.fn}": task "${task.id}" of workflow "${d.name}" ` +
          `(source "${s}") still runs it; change that task or keep the function in the config file`,
      );
    }
  }
  return problems;
}

function nextRunAfter(
  current: StoredWorkflow,
  want: WorkflowDefinition,
  now: number,
): number | null {
  if (want.schedule === null) return null;
  const from = current.definition;
  const retimed = TIMING_FIELDS.some((f) => same(from[f], want[f]) === false);
  return retimed ? now : current.nextRunAfter;
}

/** The changed fields, named as in the file; empty when the definitions are the same. */
export function diffWorkflow(from: WorkflowDefinition, to: WorkflowDefinition): PlanFieldChange[] {
  if (same(from, to)) return [];
  const out: PlanFieldChange[] = [...diffSchedule(from.schedule, to.schedule)];
  for (const field of WORKFLOW_FIELDS) {
    if (!same(from[field], to[field])) out.push({ field, from: from[field], to: to[field] });
  }
  out.push(...diffTasks(from.tasks, to.tasks));
  // A difference no field above names (a stored definition of an older shape): still replace.
  if (out.length === 0) out.push({ field: "definition", from: "(stored)", to: "(declared)" });
  return out;
}

function diffSchedule(
  from: WorkflowDefinition["schedule"],
  to: WorkflowDefinition["schedule"],
): PlanFieldChange[] {
  const fields = (s: WorkflowDefinition["schedule"]): Record<string, unknown> => ({
    cron: s?.kind === "cron" ? s.cron : null,
    timezone: s?.kind === "cron" ? s.timezone : null,
    every: s?.kind === "every" ? s.everyMs : null,
  });
  const a = fields(from);
  const b = fields(to);
  return Object.keys(a)
    .filter((k) => a[k] !== b[k])
    .map((k) => ({ field: `schedule.${k}`, from: a[k], to: b[k] }));
}

/** Tasks matched by id: added, removed, changed field by field, and a new order. */
function diffTasks(
  from: readonly TaskDefinition[],
  to: readonly TaskDefinition[],
): PlanFieldChange[] {
  const before = new Map(from.map((t) => [t.id, t]));
  const after = new Map(to.map((t) => [t.id, t]));
  const out: PlanFieldChange[] = [];
  for (const task of to) {
    const old = before.get(task.id);
    if (old === undefined) {
      out.push({ field: `tasks.${task.id}`, from: null, to: taskSummary(task) });
      continue;
    }
    for (const [key, label] of TASK_FIELDS) {
      if (!same(old[key], task[key])) {
        out.push({
          field: `tasks.${task.id}.${label}`,
          from: old[key] ?? null,
          to: task[key] ?? null,
        });
      }
    }
  }
  for (const task of from) {
    if (!after.has(task.id))
      out.push({ field: `tasks.${task.id}`, from: taskSummary(task), to: null });
  }
  const kept = (list: readonly TaskDefinition[], other: ReadonlyMap<string, unknown>) =>
    list.filter((t) => other.has(t.id)).map((t) => t.id);
  const order = { from: kept(from, after), to: kept(to, before) };
  if (out.length === 0 && !same(order.from, order.to)) {
    out.push({ field: "tasks (order)", ...order });
  }
  return out;
}

/** What an added or removed task shows: its function and dependencies. */
function taskSummary(task: TaskDefinition): Record<string, unknown> {
  return { fn: task.fn, dependsOn: task.dependsOn };
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null, "definition") === canonicalJson(b ?? null, "definition");
}
