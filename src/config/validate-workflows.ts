/**
 * @module config/validate-workflows
 * The rules of the `workflows:` section beyond its shape, checked on the raw data whatever zod
 * said elsewhere (so one run reports every problem), each placed at its field: unique workflow
 * names, exactly one of `cron`/`every` in a schedule (and `timezone` only with `cron`), and
 * everything `validateWorkflow` (core/workflows) checks — duplicate task ids, unknown and self
 * dependencies, cycles (named), trigger rules, retries, durations, dates, the cron expression,
 * the limits and the params.
 *
 * Functions: a task's `fn` declared under `functions:` in the file is known. Any other name
 * cannot be judged from the file alone (a worker may define it, or an earlier apply stored
 * it), so it is returned as a `WorkflowFunctionRef` and judged by `unknownWorkflowFunctions`
 * against the store at apply time, like schedules of the API (`--allow-unknown` accepts it).
 *
 * Payload templates are not checked here yet (`templateIssues` is not on main).
 */
import { validateWorkflow } from "../core/workflows/validate-definition.js";
import type { WorkflowDeclaration } from "../core/workflows/definition.js";
import type { ConfigIssue } from "./errors.js";
import { isRecord, type IssueCollector } from "./issues.js";
import { didYouMean } from "./suggest.js";

type Path = (string | number)[];

/** A task's `fn` that the file does not declare, placed in the file; judged at apply time. */
export interface WorkflowFunctionRef extends Omit<ConfigIssue, "message" | "suggestion"> {
  readonly fn: string;
  readonly workflow: string;
  readonly task: string;
}

/**
 * Check the `workflows:` of the file's data `raw` into `out`; returns the task functions the
 * file does not declare. `place` gives the position of a path (for the returned refs).
 */
export function checkWorkflows(
  raw: unknown,
  out: IssueCollector,
  lineOf: (path: Path) => number,
  place: (path: Path) => Omit<ConfigIssue, "message" | "suggestion">,
): WorkflowFunctionRef[] {
  if (!isRecord(raw) || !Array.isArray(raw.workflows)) return [];
  const fileFunctions = new Set<string>();
  if (Array.isArray(raw.functions)) {
    for (const fn of raw.functions as unknown[]) {
      if (isRecord(fn) && typeof fn.name === "string") fileFunctions.add(fn.name);
    }
  }
  const refs: WorkflowFunctionRef[] = [];
  const names = new Map<string, Path>();
  raw.workflows.forEach((workflow: unknown, i) => {
    if (!isRecord(workflow)) return;
    const at: Path = ["workflows", i];
    const name = workflow.name;
    if (typeof name === "string") {
      const first = names.get(name);
      if (first === undefined) names.set(name, [...at, "name"]);
      else
        out.add(
          [...at, "name"],
          `duplicate workflow name ${JSON.stringify(name)} (first declared at line ${lineOf(first)})`,
          { suggestion: "workflow names must be unique; rename one" },
        );
    }
    checkScheduleKeys(workflow.schedule, [...at, "schedule"], out);
    for (const issue of workflowIssues(workflow, fileFunctions)) {
      const task = taskAt(workflow, issue.path);
      if (isFunctionIssue(issue.path) && typeof task?.fn === "string") {
        refs.push({
          ...place([...at, ...issue.path]),
          fn: task.fn,
          workflow: String(name),
          task: String(task.id),
        });
        continue;
      }
      const path = placeIssue(workflow, [...at, ...issue.path]);
      if (out.hasWithin(path)) continue;
      out.add(path, issue.message);
    }
  });
  return refs;
}

/**
 * Issues for the refs whose function is neither in `known` (stored or defined functions) nor
 * in the file; none with `allowUnknown`. Each says where the task is and how to fix it.
 */
export function unknownWorkflowFunctions(
  refs: readonly WorkflowFunctionRef[],
  known: ReadonlySet<string>,
  declared: readonly string[],
  allowUnknown = false,
): ConfigIssue[] {
  if (allowUnknown) return [];
  const candidates = [...new Set([...declared, ...known])];
  return refs
    .filter((r) => !known.has(r.fn))
    .map(({ fn, workflow, task, ...where }) => ({
      ...where,
      message:
        `task "${task}" of workflow "${workflow}" runs unknown function ${JSON.stringify(fn)}: ` +
        `it is not declared under functions: in this file, and the store does not know it`,
      suggestion:
        didYouMean(fn, candidates) ??
        "declare it under functions:, start the worker that defines it, or pass --allow-unknown if its worker starts later",
    }));
}

function workflowIssues(workflow: Record<string, unknown>, known: ReadonlySet<string>) {
  try {
    return validateWorkflow(workflow as unknown as WorkflowDeclaration, known);
  } catch {
    // A value of the wrong type that the core does not expect: the schema reported it.
    return [];
  }
}

function isFunctionIssue(path: readonly (string | number)[]): boolean {
  return path.length === 3 && path[0] === "tasks" && path[2] === "fn";
}

function taskAt(
  workflow: Record<string, unknown>,
  path: readonly (string | number)[],
): Record<string, unknown> | undefined {
  if (path[0] !== "tasks" || typeof path[1] !== "number" || !Array.isArray(workflow.tasks)) {
    return undefined;
  }
  const task: unknown = workflow.tasks[path[1]];
  return isRecord(task) ? task : undefined;
}

/** A cron problem reported at the schedule is shown at its `cron` field. */
function placeIssue(workflow: Record<string, unknown>, path: Path): Path {
  const schedule = workflow.schedule;
  if (path.length === 3 && path[2] === "schedule" && isRecord(schedule) && "cron" in schedule) {
    return [...path, "cron"];
  }
  return path;
}

function checkScheduleKeys(schedule: unknown, path: Path, out: IssueCollector): void {
  if (!isRecord(schedule)) return;
  const hasCron = schedule.cron !== undefined;
  const hasEvery = schedule.every !== undefined;
  if (hasCron && hasEvery) {
    out.add([...path, "every"], 'give exactly one of "cron" or "every", not both', {
      atKey: true,
      suggestion: 'remove "every" or "cron"',
    });
  } else if (!hasCron && !hasEvery) {
    out.add(path, 'has no timing: give exactly one of "cron" or "every"', {
      suggestion: 'e.g. schedule: { cron: "0 3 * * *", timezone: "Europe/Paris" } or { every: 1h }',
    });
  } else if (hasEvery && schedule.timezone !== undefined) {
    out.add([...path, "timezone"], 'timezone applies only to "cron" schedules, not to "every"', {
      atKey: true,
      suggestion: "remove timezone",
    });
  }
}
