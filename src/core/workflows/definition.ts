/**
 * @module core/workflows/definition
 * What a workflow is: the declaration users write (library call or kairos.yaml) and the
 * normalized definition the engine reads, with every default applied and every duration and
 * date turned into milliseconds. Validation of the graph and names is in
 * `validate-definition.ts`; this module only normalizes (and throws ValidationError naming the
 * field for a value it cannot read), and orders tasks (`topologicalOrder`).
 *
 * Defaults, with Airflow's where Kairos has the same knob:
 * - `triggerRule` `all_success`; `retries` 0; `retryDelay` 5m (Airflow's `retry_delay`);
 *   `retryExponentialBackoff` false; `maxRetryDelay` 24h (Airflow caps every retry delay at
 *   24 h whatever `max_retry_delay` says); no `timeout`; no concurrency key.
 * - `maxActiveRuns` 16 and `maxActiveTasks` 16 (Airflow's `max_active_runs_per_dag` and
 *   `max_active_tasks_per_dag`); `runSemantics` `dataInterval` (Airflow's cron timetable).
 * - `catchup` **false**, as in Airflow 3 (`catchup_by_default = False`). Airflow 2 defaulted
 *   to true, and a startDate a year back on an hourly schedule then created ~8,760 runs on the
 *   first apply; explicit `catchup: true` gets Airflow 2's behaviour.
 * - A date-only `startDate`/`endDate` ("2026-01-01") is midnight in the schedule's timezone (UTC
 *   for `every` or no schedule), like Airflow's naive dates in the DAG's timezone. A date-time
 *   needs an explicit offset or `Z`; a number is ms since the epoch.
 */
import { ValidationError } from "../errors.js";
import { resolveWall } from "../cron/time-zone.js";
import { parseDuration } from "../schedules/duration.js";
import type { ParamsDeclaration } from "./params.js";
import { TRIGGER_RULES, type TriggerRule } from "./trigger-rules.js";

/** Airflow's trigger rule names (defined with their semantics in `trigger-rules.ts`). */
export type TriggerRuleName = TriggerRule;
export { TRIGGER_RULES };

/** How a run's logical date relates to its fire time (see `intervals.ts`). */
export type RunSemantics = "dataInterval" | "trigger";

/** A duration as users write it: ms, or "30s", "5m", "1h30m" (see `core/schedules/duration`). */
export type DurationInput = string | number;

/** One task as declared. Only `id` and `fn` are required. */
export interface TaskDeclaration {
  readonly id: string;
  readonly fn: string;
  readonly payload?: unknown;
  readonly dependsOn?: readonly string[];
  readonly triggerRule?: string;
  readonly retries?: number;
  readonly retryDelay?: DurationInput;
  readonly retryExponentialBackoff?: boolean;
  readonly maxRetryDelay?: DurationInput;
  readonly timeout?: DurationInput;
  readonly concurrency?: { readonly key: string; readonly limit: number };
}

/** A workflow's schedule as declared: cron in a timezone (default UTC), or a fixed interval. */
export type WorkflowScheduleDeclaration =
  { readonly cron: string; readonly timezone?: string } | { readonly every: DurationInput };

/** A workflow as declared. Only `name` and `tasks` are required. */
export interface WorkflowDeclaration {
  readonly name: string;
  readonly tasks: readonly TaskDeclaration[];
  readonly schedule?: WorkflowScheduleDeclaration;
  readonly startDate?: string | number;
  readonly endDate?: string | number;
  readonly catchup?: boolean;
  readonly runSemantics?: RunSemantics;
  readonly maxActiveRuns?: number;
  readonly maxActiveTasks?: number;
  readonly params?: ParamsDeclaration;
}

/** A task with every default applied; durations in ms. */
export interface TaskDefinition {
  readonly id: string;
  readonly fn: string;
  /** The payload template (undefined when none was declared). */
  readonly payload: unknown;
  readonly dependsOn: readonly string[];
  readonly triggerRule: TriggerRuleName;
  /** Retries after the first try (a task has `retries + 1` tries). */
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly retryExponentialBackoff: boolean;
  readonly maxRetryDelayMs: number;
  /** Per-try timeout, or null for none. */
  readonly timeoutMs: number | null;
  readonly concurrency: { readonly key: string; readonly limit: number } | null;
}

/** A workflow's schedule, normalized. `every` slots are anchored at `startDate` (else the epoch). */
export type WorkflowSchedule =
  | { readonly kind: "cron"; readonly cron: string; readonly timezone: string }
  | { readonly kind: "every"; readonly everyMs: number };

/** A workflow with every default applied; dates in ms since the epoch. */
export interface WorkflowDefinition {
  readonly name: string;
  readonly tasks: readonly TaskDefinition[];
  readonly schedule: WorkflowSchedule | null;
  readonly startDate: number | null;
  readonly endDate: number | null;
  readonly catchup: boolean;
  readonly runSemantics: RunSemantics;
  readonly maxActiveRuns: number;
  readonly maxActiveTasks: number;
  readonly params: ParamsDeclaration;
}

/** The defaults `normalizeWorkflow` applies (documented in the module comment). */
export const WORKFLOW_DEFAULTS = {
  triggerRule: "all_success",
  retries: 0,
  retryDelayMs: 300_000,
  retryExponentialBackoff: false,
  maxRetryDelayMs: 86_400_000,
  catchup: false,
  runSemantics: "dataInterval",
  maxActiveRuns: 16,
  maxActiveTasks: 16,
} as const;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A date as declared, in ms since the epoch: a number (ms), "YYYY-MM-DD" (midnight in
 * `timezone`; in a DST gap, the first instant after it) or an ISO date-time with `Z` or an
 * offset. Throws ValidationError naming `where` otherwise.
 */
export function parseWorkflowDate(input: string | number, timezone: string, where: string): number {
  if (typeof input === "number") {
    if (Number.isSafeInteger(input)) return input;
  } else if (typeof input === "string") {
    const day = DATE_ONLY.exec(input);
    if (day !== null) {
      const wall = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
      if (new Date(wall).toISOString().slice(0, 10) === input) {
        const at = resolveWall(timezone, wall);
        if (at.kind === "normal") return at.instant;
        if (at.kind === "overlap") return at.instants[0] ?? wall;
        return at.transition;
      }
    } else if (DATE_TIME.test(input)) {
      const ms = Date.parse(input);
      if (Number.isFinite(ms)) return ms;
    }
  }
  throw new ValidationError(
    `${where} ${JSON.stringify(input)} is not a date; use "2026-01-01" (midnight in the schedule's timezone), ` +
      `"2026-01-01T03:00:00Z" (a date-time with Z or an offset) or ms since the epoch`,
  );
}

/** The timezone a workflow's dates are read in: the cron schedule's, else UTC. */
export function workflowTimeZone(schedule: WorkflowScheduleDeclaration | undefined): string {
  const isCron =
    typeof schedule === "object" && (schedule as unknown) !== null && "cron" in schedule;
  return isCron ? (schedule.timezone ?? "UTC") : "UTC";
}

/** The task with its defaults applied; throws ValidationError naming the field for a bad duration. */
export function normalizeTask(task: TaskDeclaration, where = `task "${task.id}"`): TaskDefinition {
  const ms = (value: DurationInput | undefined, field: string): number | undefined =>
    value === undefined ? undefined : parseDuration(value, `${where} ${field}`);
  return {
    id: task.id,
    fn: task.fn,
    payload: task.payload,
    dependsOn: [...(task.dependsOn ?? [])],
    triggerRule: (task.triggerRule ?? WORKFLOW_DEFAULTS.triggerRule) as TriggerRuleName,
    retries: task.retries ?? WORKFLOW_DEFAULTS.retries,
    retryDelayMs: ms(task.retryDelay, "retryDelay") ?? WORKFLOW_DEFAULTS.retryDelayMs,
    retryExponentialBackoff:
      task.retryExponentialBackoff ?? WORKFLOW_DEFAULTS.retryExponentialBackoff,
    maxRetryDelayMs: Math.min(
      ms(task.maxRetryDelay, "maxRetryDelay") ?? WORKFLOW_DEFAULTS.maxRetryDelayMs,
      WORKFLOW_DEFAULTS.maxRetryDelayMs,
    ),
    timeoutMs: ms(task.timeout, "timeout") ?? null,
    concurrency: task.concurrency === undefined ? null : { ...task.concurrency },
  };
}

/** The schedule normalized (cron timezone default UTC); throws ValidationError for a bad `every`. */
export function normalizeSchedule(schedule: WorkflowScheduleDeclaration): WorkflowSchedule {
  if ("cron" in schedule) {
    return { kind: "cron", cron: schedule.cron, timezone: schedule.timezone ?? "UTC" };
  }
  return { kind: "every", everyMs: parseDuration(schedule.every, "schedule.every") };
}

/**
 * The workflow with every default applied (see the module comment). It does not check the
 * graph, names or functions: run `validateWorkflow` first. Throws ValidationError naming the
 * field for a duration or date it cannot read.
 */
export function normalizeWorkflow(decl: WorkflowDeclaration): WorkflowDefinition {
  const tz = workflowTimeZone(decl.schedule);
  const date = (value: string | number | undefined, field: string): number | null =>
    value === undefined ? null : parseWorkflowDate(value, tz, `workflow "${decl.name}" ${field}`);
  return {
    name: decl.name,
    tasks: decl.tasks.map((t) => normalizeTask(t, `workflow "${decl.name}" task "${t.id}"`)),
    schedule: decl.schedule === undefined ? null : normalizeSchedule(decl.schedule),
    startDate: date(decl.startDate, "startDate"),
    endDate: date(decl.endDate, "endDate"),
    catchup: decl.catchup ?? WORKFLOW_DEFAULTS.catchup,
    runSemantics: decl.runSemantics ?? WORKFLOW_DEFAULTS.runSemantics,
    maxActiveRuns: decl.maxActiveRuns ?? WORKFLOW_DEFAULTS.maxActiveRuns,
    maxActiveTasks: decl.maxActiveTasks ?? WORKFLOW_DEFAULTS.maxActiveTasks,
    params: { ...(decl.params ?? {}) },
  };
}

/**
 * The upstream task indexes of each task: its known dependencies, resolved through `ids` (id ->
 * index), without itself or repeats, in dependsOn order. Linear in tasks + dependencies.
 */
export function upstreamIndexes(
  tasks: readonly Pick<TaskDeclaration, "dependsOn">[],
  ids: ReadonlyMap<string, number>,
): number[][] {
  return tasks.map((task, i) => {
    const out = new Set<number>();
    if (Array.isArray(task.dependsOn)) {
      for (const dep of task.dependsOn) {
        const j = typeof dep === "string" ? ids.get(dep) : undefined;
        if (j !== undefined && j !== i) out.add(j);
      }
    }
    return [...out];
  });
}

/**
 * Task ids in an order where every task comes after its dependencies; ties keep declaration
 * order (Kahn's algorithm, linear). Throws ValidationError when there is a cycle; call it on
 * a validated declaration.
 */
export function topologicalOrder(
  tasks: readonly Pick<TaskDeclaration, "id" | "dependsOn">[],
): string[] {
  const ids = new Map<string, number>();
  tasks.forEach((t, i) => ids.set(t.id, i));
  const downstream: number[][] = tasks.map(() => []);
  const pending = new Int32Array(tasks.length);
  upstreamIndexes(tasks, ids).forEach((ups, i) => {
    pending[i] = ups.length;
    for (const u of ups) downstream[u]?.push(i);
  });
  const order: string[] = [];
  const ready: number[] = [];
  tasks.forEach((_, i) => {
    if (pending[i] === 0) ready.push(i);
  });
  // A FIFO over indexes: ready tasks run in the order they became ready.
  for (let head = 0; head < ready.length; head++) {
    const i = ready[head] ?? 0;
    order.push(tasks[i]?.id ?? "");
    for (const d of downstream[i] ?? []) {
      pending[d] = (pending[d] ?? 0) - 1;
      if (pending[d] === 0) ready.push(d);
    }
  }
  if (order.length !== tasks.length) {
    throw new ValidationError(
      "the workflow's dependencies have a cycle; run validateWorkflow to see it named",
    );
  }
  return order;
}
