/**
 * @module core/workflows/payload-template
 * A task's payload template rendered for one try, with Airflow-like `{{ ... }}` placeholders in
 * every string value of a JSON payload (object keys are left as written):
 *
 *   {{ logicalDate }}  {{ dataInterval.start }}  {{ dataInterval.end }}   ISO 8601 UTC strings
 *   {{ runId }}  {{ taskId }}  {{ tryNumber }}  {{ params.NAME }}
 *
 * A string that is exactly one placeholder (spaces inside the braces allowed) takes the value
 * with its JSON type (`"{{ tryNumber }}"` -> 2, `"{{ params.full }}"` -> false); inside a longer
 * string a value is written as text (objects as JSON). An unknown placeholder is a
 * ValidationError naming it; `templateIssues` finds the same ones at definition time.
 */
import { ValidationError } from "../errors.js";
import type { DataInterval } from "./intervals.js";

/** The values a task payload template can use. */
export interface TaskTemplateVars {
  readonly logicalDate: number;
  readonly dataInterval: DataInterval;
  readonly runId: string;
  readonly taskId: string;
  readonly tryNumber: number;
  readonly params: Readonly<Record<string, unknown>>;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;
const SIMPLE = new Set([
  "logicalDate",
  "dataInterval.start",
  "dataInterval.end",
  "runId",
  "taskId",
  "tryNumber",
]);
const PARAM = /^params\.([A-Za-z0-9_-]+)$/;

const KNOWN =
  "logicalDate, dataInterval.start, dataInterval.end, runId, taskId, tryNumber, params.NAME";

/**
 * The problems of a payload template: one message per unknown placeholder, with its JSON path.
 * When `paramNames` is given, `params.NAME` must name a declared param. Empty: the template is
 * fine.
 */
export function templateIssues(payload: unknown, paramNames?: readonly string[]): string[] {
  const issues: string[] = [];
  walkStrings(payload, "payload", (text, path) => {
    for (const match of text.matchAll(PLACEHOLDER)) {
      const name = match[1] ?? "";
      const param = PARAM.exec(name);
      if (SIMPLE.has(name)) continue;
      if (param !== null && (paramNames === undefined || paramNames.includes(param[1] ?? ""))) {
        continue;
      }
      issues.push(
        param === null
          ? `${path}: unknown placeholder "{{ ${name} }}"; known: ${KNOWN}`
          : `${path}: "{{ ${name} }}" names no declared param; declare "${param[1] ?? ""}" in the workflow's params`,
      );
    }
  });
  return issues;
}

/** The template with every placeholder replaced (see the module comment). Pure. */
export function renderTaskPayload(template: unknown, vars: TaskTemplateVars): unknown {
  return render(template, vars, "payload");
}

function render(value: unknown, vars: TaskTemplateVars, path: string): unknown {
  if (typeof value === "string") return renderString(value, vars, path);
  if (Array.isArray(value)) return value.map((v, i) => render(v, vars, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = render(v, vars, `${path}.${k}`);
    return out;
  }
  return value;
}

function renderString(text: string, vars: TaskTemplateVars, path: string): unknown {
  const whole = WHOLE.exec(text);
  if (whole !== null) return valueOf(whole[1] ?? "", vars, path);
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const v = valueOf(name, vars, path);
    return typeof v === "string" ? v : JSON.stringify(v);
  });
}

function valueOf(name: string, vars: TaskTemplateVars, path: string): unknown {
  switch (name) {
    case "logicalDate":
      return new Date(vars.logicalDate).toISOString();
    case "dataInterval.start":
      return new Date(vars.dataInterval.start).toISOString();
    case "dataInterval.end":
      return new Date(vars.dataInterval.end).toISOString();
    case "runId":
      return vars.runId;
    case "taskId":
      return vars.taskId;
    case "tryNumber":
      return vars.tryNumber;
  }
  const param = PARAM.exec(name);
  if (param === null) {
    throw new ValidationError(
      `task "${vars.taskId}" ${path}: unknown placeholder "{{ ${name} }}"; known: ${KNOWN}`,
    );
  }
  const key = param[1] ?? "";
  if (!Object.hasOwn(vars.params, key)) {
    throw new ValidationError(
      `task "${vars.taskId}" ${path}: "{{ ${name} }}" names no param of this run; declare "${key}" in the workflow's params`,
    );
  }
  return vars.params[key] ?? null;
}

function walkStrings(
  value: unknown,
  path: string,
  visit: (text: string, path: string) => void,
): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, `${path}[${i}]`, visit));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) walkStrings(v, `${path}.${k}`, visit);
  }
}
