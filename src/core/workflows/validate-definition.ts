/**
 * @module core/workflows/validate-definition
 * Checks a workflow declaration before anything is stored and returns every problem at once,
 * each with the path of the field at fault (["tasks", 3, "dependsOn", 0]) so the config
 * loader can map it to file:line. Checked: the workflow and task names, an empty workflow,
 * duplicate task ids, unknown functions, unknown and self dependencies, cycles (named in
 * order, "a -> b -> c -> a", where "x -> y" means y depends on x, Airflow's `x >> y`),
 * trigger rule names (with a "did you mean"), retries, durations, dates, the schedule, the
 * limits and the params. Linear in tasks + dependencies (cycle naming aside, capped).
 */
import { canonicalJson } from "../canonical-json.js";
import { validateCron } from "../cron/parse.js";
import { isTimeZone } from "../cron/time-zone.js";
import { KairosError, ValidationError } from "../errors.js";
import { MIN_EVERY_MS } from "../schedules/timing.js";
import { parseDuration } from "../schedules/duration.js";
import { didYouMean } from "../suggest.js";
import {
  normalizeWorkflow,
  parseWorkflowDate,
  upstreamIndexes,
  TRIGGER_RULES,
  workflowTimeZone,
  type TaskDeclaration,
  type WorkflowDeclaration,
  type WorkflowDefinition,
} from "./definition.js";
import { validateParamsDeclaration } from "./params.js";
import { templateIssues } from "./payload-template.js";

/** Names of workflows and tasks: letters, digits and `_ . : -`, 1 to 200 characters. */
export const WORKFLOW_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,200}$/;

/** Stands in for a task entry that is not an object (it has no id, so nothing refers to it). */
const NOT_A_TASK = {} as TaskDeclaration;

/** At most this many cycles are named in one validation. */
export const MAX_CYCLES_REPORTED = 10;

/** A path into the declaration: keys and array indexes. */
export type IssuePath = readonly (string | number)[];

/** One problem with a declaration. */
export interface WorkflowIssue {
  readonly path: IssuePath;
  readonly message: string;
}

/** A declaration has problems; `issues` lists each with its path. Nothing was written. */
export class WorkflowValidationError extends ValidationError {
  readonly issues: readonly WorkflowIssue[];
  constructor(workflow: string, issues: readonly WorkflowIssue[]) {
    super(
      `workflow "${workflow}" is invalid:\n` +
        issues.map((i) => `  - ${formatPath(i.path)}: ${i.message}`).join("\n"),
    );
    this.issues = issues;
  }
}

/** "tasks[3].dependsOn[0]" for ["tasks", 3, "dependsOn", 0]. */
export function formatPath(path: IssuePath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/**
 * Every problem with the declaration, in a stable order (workflow fields, then tasks in
 * order, then cycles). Empty when it is valid. `knownFunctions` are the registered function
 * names a task's `fn` may use.
 */
export function validateWorkflow(
  decl: WorkflowDeclaration,
  knownFunctions: ReadonlySet<string>,
): WorkflowIssue[] {
  const issues: WorkflowIssue[] = [];
  checkWorkflowFields(decl, issues);
  const declared: unknown = decl.tasks;
  if (!Array.isArray(declared)) {
    issues.push({ path: ["tasks"], message: "tasks must be a list of tasks" });
    return issues;
  }
  // An entry that is not an object (possible from YAML) is reported and then ignored.
  const tasks = decl.tasks.map((task: unknown, i): TaskDeclaration => {
    if (typeof task === "object" && task !== null && !Array.isArray(task)) {
      return task as TaskDeclaration;
    }
    issues.push({ path: ["tasks", i], message: "a task must be an object with an id and a fn" });
    return NOT_A_TASK;
  });
  if (tasks.length === 0) {
    issues.push({ path: ["tasks"], message: "the workflow has no tasks; declare at least one" });
  }
  const firstIndex = new Map<string, number>();
  tasks.forEach((task, i) => {
    if (typeof task.id !== "string") return;
    const seen = firstIndex.get(task.id);
    if (seen === undefined) firstIndex.set(task.id, i);
    else
      issues.push({
        path: ["tasks", i, "id"],
        message: `duplicate task id "${task.id}" (also tasks[${seen}]); give each task its own id`,
      });
  });
  tasks.forEach((task, i) => {
    if (task !== NOT_A_TASK) checkTask(task, i, firstIndex, knownFunctions, issues);
  });
  checkPayloadTemplates(decl, tasks, issues);
  for (const cycle of findCycles(tasks, firstIndex)) issues.push(cycle);
  return issues;
}

/** Placeholders `renderTaskPayload` would reject (payload-template.ts), at each payload's path. */
function checkPayloadTemplates(
  decl: WorkflowDeclaration,
  tasks: readonly TaskDeclaration[],
  issues: WorkflowIssue[],
): void {
  const params = decl.params;
  const names =
    typeof params === "object" && params !== null && !Array.isArray(params)
      ? Object.keys(params)
      : [];
  tasks.forEach((task, i) => {
    if (task === NOT_A_TASK || task.payload === undefined) return;
    for (const message of templateIssues(task.payload, names)) {
      issues.push({
        path: ["tasks", i, "payload"],
        message: `task "${String(task.id)}" ${message}`,
      });
    }
  });
}

/** Throws WorkflowValidationError listing every issue unless the declaration is valid. */
export function assertValidWorkflow(
  decl: WorkflowDeclaration,
  knownFunctions: ReadonlySet<string>,
): void {
  const issues = validateWorkflow(decl, knownFunctions);
  if (issues.length > 0) throw new WorkflowValidationError(String(decl.name), issues);
}

/**
 * The normalized definition of a valid declaration (`normalizeWorkflow` after
 * `assertValidWorkflow`); throws WorkflowValidationError listing every issue otherwise.
 */
export function resolveWorkflow(
  decl: WorkflowDeclaration,
  knownFunctions: ReadonlySet<string>,
): WorkflowDefinition {
  assertValidWorkflow(decl, knownFunctions);
  return normalizeWorkflow(decl);
}

function checkWorkflowFields(decl: WorkflowDeclaration, issues: WorkflowIssue[]): void {
  const add = (path: IssuePath, message: string): void => void issues.push({ path, message });
  if (typeof decl.name !== "string" || !WORKFLOW_NAME_PATTERN.test(decl.name)) {
    add(["name"], `workflow name ${JSON.stringify(decl.name)} ${NAME_RULE}`);
  }
  checkSchedule(decl, add);
  const declaredTz = workflowTimeZone(decl.schedule);
  const tz = isTimeZone(declaredTz) ? declaredTz : "UTC"; // a bad timezone is the schedule's issue
  const dates: Record<string, number> = {};
  for (const field of ["startDate", "endDate"] as const) {
    const value = decl[field];
    if (value === undefined) continue;
    const ms = attempt(() => parseWorkflowDate(value, tz, field), [field], add);
    if (ms !== undefined) dates[field] = ms;
  }
  if (dates.startDate !== undefined && dates.endDate !== undefined) {
    if (dates.endDate < dates.startDate) add(["endDate"], "endDate is before startDate");
  }
  if (decl.catchup !== undefined && typeof decl.catchup !== "boolean") {
    add(["catchup"], "catchup must be true or false");
  }
  if (decl.runSemantics !== undefined && !["dataInterval", "trigger"].includes(decl.runSemantics)) {
    add(["runSemantics"], `runSemantics must be "dataInterval" or "trigger"`);
  }
  for (const field of ["maxActiveRuns", "maxActiveTasks"] as const) {
    const value = decl[field];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) {
      add([field], `${field} must be a whole number >= 1, got ${String(value)}`);
    }
  }
  if (decl.params !== undefined) {
    if (typeof decl.params !== "object" || decl.params === null || Array.isArray(decl.params)) {
      add(["params"], "params must be an object of name: default value");
    } else issues.push(...validateParamsDeclaration(decl.params));
  }
}

function checkSchedule(
  decl: WorkflowDeclaration,
  add: (path: IssuePath, message: string) => void,
): void {
  const schedule = decl.schedule;
  if (schedule === undefined) return;
  if (typeof schedule !== "object" || schedule === null) {
    add(["schedule"], 'schedule must be { cron, timezone } or { every: "1h" }');
  } else if ("cron" in schedule) {
    attempt(() => validateCron(schedule.cron, schedule.timezone ?? "UTC"), ["schedule"], add);
  } else if ("every" in schedule) {
    const ms = attempt(() => parseDuration(schedule.every, "every"), ["schedule", "every"], add);
    if (ms !== undefined && ms < MIN_EVERY_MS) {
      add(["schedule", "every"], `every must be at least 1s, got ${String(schedule.every)}`);
    }
  } else {
    add(["schedule"], 'schedule must be { cron, timezone } or { every: "1h" }');
  }
}

const NAME_RULE = 'must be 1 to 200 letters, digits or "_ . : -"';

function checkTask(
  task: TaskDeclaration,
  i: number,
  ids: ReadonlyMap<string, number>,
  knownFunctions: ReadonlySet<string>,
  issues: WorkflowIssue[],
): void {
  const add = (path: IssuePath, message: string): void =>
    void issues.push({ path: ["tasks", i, ...path], message });
  if (typeof task.id !== "string" || !WORKFLOW_NAME_PATTERN.test(task.id)) {
    add(["id"], `task id ${JSON.stringify(task.id)} ${NAME_RULE}`);
  }
  const label = `task "${String(task.id)}"`;
  if (typeof task.fn !== "string" || !knownFunctions.has(task.fn)) {
    const hint = typeof task.fn === "string" ? didYouMean(task.fn, knownFunctions) : null;
    add(
      ["fn"],
      `${label} runs unknown function ${JSON.stringify(task.fn)}; define it first` +
        (hint === null ? "" : `, or ${hint}`),
    );
  }
  if (task.payload !== undefined) {
    attempt(() => canonicalJson(task.payload, `${label} payload`), ["payload"], add);
  }
  checkDependencies(task, label, ids, add);
  if (task.triggerRule !== undefined && !TRIGGER_RULES.includes(task.triggerRule as never)) {
    const hint = didYouMean(String(task.triggerRule), TRIGGER_RULES);
    add(
      ["triggerRule"],
      `${label} has unknown trigger rule ${JSON.stringify(task.triggerRule)}; ` +
        (hint ?? `use one of ${TRIGGER_RULES.join(", ")}`),
    );
  }
  if (task.retries !== undefined && !(Number.isSafeInteger(task.retries) && task.retries >= 0)) {
    add(["retries"], `${label} retries must be a whole number >= 0, got ${String(task.retries)}`);
  }
  for (const field of ["retryDelay", "maxRetryDelay", "timeout"] as const) {
    const value = task[field];
    if (value !== undefined) attempt(() => parseDuration(value, `${label} ${field}`), [field], add);
  }
  if (task.timeout !== undefined && task.timeout === 0) {
    add(["timeout"], `${label} timeout must be more than 0 (omit it for no timeout)`);
  }
  const c = task.concurrency;
  if (c !== undefined) {
    if (typeof c.key !== "string" || c.key === "") {
      add(["concurrency", "key"], `${label} concurrency key must be a non-empty string`);
    }
    if (!(Number.isSafeInteger(c.limit) && c.limit >= 1)) {
      add(["concurrency", "limit"], `${label} concurrency limit must be a whole number >= 1`);
    }
  }
}

function checkDependencies(
  task: TaskDeclaration,
  label: string,
  ids: ReadonlyMap<string, number>,
  add: (path: IssuePath, message: string) => void,
): void {
  if (task.dependsOn === undefined) return;
  if (!Array.isArray(task.dependsOn)) {
    add(["dependsOn"], `${label} dependsOn must be a list of task ids`);
    return;
  }
  const seen = new Set<string>();
  task.dependsOn.forEach((dep: unknown, j) => {
    const path = ["dependsOn", j];
    if (typeof dep !== "string") add(path, `${label} dependsOn entries must be task ids`);
    else if (dep === task.id) add(path, `${label} depends on itself; remove "${dep}"`);
    else if (seen.has(dep)) add(path, `${label} lists "${dep}" twice in dependsOn`);
    else if (!ids.has(dep)) {
      const hint = didYouMean(dep, ids.keys());
      add(path, `${label} depends on unknown task "${dep}"` + (hint === null ? "" : `; ${hint}`));
    }
    if (typeof dep === "string") seen.add(dep);
  });
}

/** Run `fn`; on a KairosError record its message at `path` and return undefined. */
function attempt<T>(
  fn: () => T,
  path: IssuePath,
  add: (path: IssuePath, message: string) => void,
): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof KairosError)) throw error;
    add(path, error.message);
    return undefined;
  }
}

/**
 * One issue per cycle found by an iterative depth-first walk (at most MAX_CYCLES_REPORTED),
 * each naming the cycle in dependency order and pointing at the dependsOn entry closing it.
 */
function findCycles(
  tasks: readonly TaskDeclaration[],
  ids: ReadonlyMap<string, number>,
): WorkflowIssue[] {
  const ups = upstreamIndexes(tasks, ids);
  const state = new Uint8Array(tasks.length); // 0 new, 1 on the stack, 2 done
  const issues: WorkflowIssue[] = [];
  const stack: number[] = [];
  const cursor: number[] = [];
  for (let root = 0; root < tasks.length && issues.length < MAX_CYCLES_REPORTED; root++) {
    if (state[root] !== 0 || ids.get(String(tasks[root]?.id)) !== root) continue;
    stack.push(root);
    cursor.push(0);
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack.length - 1;
      const node = stack[top] ?? 0;
      const next = ups[node]?.[cursor[top] ?? 0];
      if (next === undefined) {
        state[node] = 2;
        stack.pop();
        cursor.pop();
        continue;
      }
      cursor[top] = (cursor[top] ?? 0) + 1;
      if (state[next] === 0) {
        state[next] = 1;
        stack.push(next);
        cursor.push(0);
      } else if (state[next] === 1 && issues.length < MAX_CYCLES_REPORTED) {
        issues.push(cycleIssue(tasks, stack, next, node));
      }
    }
  }
  return issues;
}

/** The cycle `stack[from..] -> next`: walked upstream, printed downstream. */
function cycleIssue(
  tasks: readonly TaskDeclaration[],
  stack: readonly number[],
  next: number,
  node: number,
): WorkflowIssue {
  const walk = stack.slice(stack.lastIndexOf(next)).reverse(); // downstream order
  const first = walk.indexOf(Math.min(...walk)); // start at the earliest declared task
  const names = [...walk.slice(first), ...walk.slice(0, first + 1)].map((k) =>
    String(tasks[k]?.id),
  );
  const task = tasks[node];
  const j = task?.dependsOn?.indexOf(String(tasks[next]?.id)) ?? 0;
  return {
    path: ["tasks", node, "dependsOn", j],
    message: `dependency cycle: ${names.join(" -> ")}; remove one of these dependencies`,
  };
}
