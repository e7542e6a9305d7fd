/**
 * @module config/resolve
 * Turn a validated file (the schema's output) into the ResolvedConfig the rest of Kairos uses:
 * executor specs with absolute paths, job options in runtime units, and schedule declarations
 * with the defaults of a create applied and the set of fields the file states.
 */
import path from "node:path";
import { canonicalJson } from "../core/canonical-json.js";
import { DEFAULT_BACKOFF } from "../core/retry/backoff.js";
import type { ScheduleDeclaration, ScheduleTiming } from "../ports/schedule-store.js";
import {
  normalizeWorkflow,
  type WorkflowDeclaration,
  type WorkflowDefinition,
} from "../core/workflows/definition.js";
import type { ResolvedKubernetes } from "./k8s-schema.js";
import type { ConfigOutput } from "./schema.js";
import type { WorkflowFunctionRef } from "./validate-workflows.js";
import {
  SCHEDULE_DEFAULTS,
  type ResolvedConfig,
  type ResolvedFunction,
  type ResolvedFunctionOptions,
  type ResolvedSchedule,
} from "./types.js";

type FunctionOutput = NonNullable<ConfigOutput["functions"]>[number];
type ScheduleOutput = NonNullable<FunctionOutput["schedules"]>[number];
type WorkflowOutput = NonNullable<ConfigOutput["workflows"]>[number];

/**
 * Build the resolved config; `lineOf` gives the line of a field path in the file, and
 * `functionRefs` are the task functions the file does not declare (see config/validate-workflows).
 */
export function resolveConfig(
  data: ConfigOutput,
  file: string,
  lineOf: (path: (string | number)[]) => number,
  functionRefs: readonly WorkflowFunctionRef[] = [],
): ResolvedConfig {
  const absolute = path.resolve(file);
  const dir = path.dirname(absolute);
  const functions: ResolvedFunction[] = [];
  const schedules: ResolvedSchedule[] = [];
  (data.functions ?? []).forEach((fn, i) => {
    functions.push(resolveFunction(fn, dir));
    (fn.schedules ?? []).forEach((schedule, j) => {
      schedules.push(resolveSchedule(schedule, fn.name, lineOf(["functions", i, "schedules", j])));
    });
  });
  return {
    file: absolute,
    dir,
    store: data.store ?? null,
    ...(data.retention === undefined ? {} : { retentionMs: data.retention }),
    ...(data.eventRetention === undefined ? {} : { eventRetentionMs: data.eventRetention }),
    ...(data.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: data.maxPayloadBytes }),
    functions,
    schedules,
    workflows: (data.workflows ?? []).map(resolveWorkflow),
    ...(functionRefs.length === 0 ? {} : { workflowFunctionRefs: functionRefs }),
    kubernetes: resolveKubernetes(data),
    ...(data.scheduler?.backend === undefined ? {} : { schedulerBackend: data.scheduler.backend }),
    ...(data.scheduler?.prefireLead === undefined
      ? {}
      : { schedulerPrefireLeadMs: data.scheduler.prefireLead }),
  };
}

/** The `kubernetes` blocks as written (defaults are the exporter's). */
function resolveKubernetes(data: ConfigOutput): ResolvedKubernetes {
  const functions: Record<string, { mode?: "trigger" | "run"; image?: string }> = {};
  for (const fn of data.functions ?? []) {
    if (fn.kubernetes !== undefined) functions[fn.name] = { ...fn.kubernetes };
  }
  return { ...data.kubernetes, functions };
}

/** A validated workflow of the file, normalized with every default applied. */
function resolveWorkflow(w: WorkflowOutput): WorkflowDefinition {
  const s = w.schedule;
  const schedule: WorkflowDeclaration["schedule"] =
    s === undefined
      ? undefined
      : s.cron !== undefined
        ? { cron: s.cron, ...(s.timezone === undefined ? {} : { timezone: s.timezone }) }
        : { every: s.every ?? 0 };
  const { schedule: _written, ...rest } = w;
  return normalizeWorkflow({ ...rest, ...(schedule === undefined ? {} : { schedule }) });
}

function resolveFunction(fn: FunctionOutput, dir: string): ResolvedFunction {
  const options: ResolvedFunctionOptions = {
    ...(fn.retries === undefined ? {} : { maxAttempts: fn.retries + 1 }),
    ...(fn.backoff === undefined
      ? {}
      : {
          backoff: {
            type: fn.backoff.type ?? DEFAULT_BACKOFF.type,
            delayMs: fn.backoff.delay ?? DEFAULT_BACKOFF.delayMs,
            factor: fn.backoff.factor ?? DEFAULT_BACKOFF.factor ?? 2,
            maxDelayMs: fn.backoff.maxDelay ?? DEFAULT_BACKOFF.maxDelayMs ?? 3_600_000,
            jitter: fn.backoff.jitter ?? DEFAULT_BACKOFF.jitter ?? 0,
          },
        }),
    ...(fn.timeout === undefined ? {} : { timeoutMs: fn.timeout }),
    ...(fn.concurrency === undefined
      ? {}
      : { concurrency: { keyTemplate: fn.concurrency.key, limit: fn.concurrency.limit ?? 1 } }),
    ...(fn.maxPending === undefined ? {} : { maxPending: fn.maxPending }),
    ...(fn.priority === undefined ? {} : { priority: fn.priority }),
    ...(fn.retention === undefined ? {} : { retentionMs: fn.retention }),
    ...(fn.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: fn.maxPayloadBytes }),
  };
  const timeoutMs = fn.timeout !== undefined && fn.timeout > 0 ? fn.timeout : null;
  switch (fn.kind) {
    case "http":
      return {
        name: fn.name,
        kind: "http",
        executor: {
          url: fn.url,
          method: fn.method ?? "POST",
          headers: fn.headers ?? {},
          timeoutMs,
        },
        options,
      };
    case "command":
      return {
        name: fn.name,
        kind: "command",
        executor: {
          command: fn.command,
          env: fn.env ?? {},
          cwd: path.resolve(dir, fn.cwd ?? "."),
          timeoutMs,
        },
        options,
      };
    case "module":
      return {
        name: fn.name,
        kind: "module",
        executor: { file: path.resolve(dir, fn.file), export: fn.export ?? "default" },
        options,
      };
    default: {
      const never: never = fn;
      throw new Error(`unknown function kind in ${JSON.stringify(never)}`);
    }
  }
}

function resolveSchedule(s: ScheduleOutput, fn: string, line: number): ResolvedSchedule {
  const declared = new Set<keyof ScheduleDeclaration>(["name", "fn", "timing", "source"]);
  const mark = <T>(key: keyof ScheduleDeclaration, value: T | undefined, fallback: T): T => {
    if (value === undefined) return fallback;
    declared.add(key);
    return value;
  };
  let timing: ScheduleTiming;
  if (s.cron !== undefined) {
    timing = { kind: "cron", cron: s.cron, timezone: s.timezone ?? SCHEDULE_DEFAULTS.timezone };
  } else if (s.every !== undefined) {
    timing = { kind: "every", everyMs: s.every };
  } else if (s.at !== undefined) {
    timing = { kind: "at", at: s.at };
  } else {
    // Unreachable: validation requires exactly one timing before resolving.
    throw new Error(`schedule "${s.name}" has no timing`);
  }
  const declaration: ScheduleDeclaration = {
    name: s.name,
    fn,
    timing,
    payloadJson: mark(
      "payloadJson",
      s.payload === undefined ? undefined : canonicalJson(s.payload, "payload"),
      SCHEDULE_DEFAULTS.payloadJson,
    ),
    enabled: mark<boolean>("enabled", s.enabled, SCHEDULE_DEFAULTS.enabled),
    pauseNote: mark<string | null>("pauseNote", s.pauseNote, SCHEDULE_DEFAULTS.pauseNote),
    overlap: mark<ScheduleDeclaration["overlap"]>("overlap", s.overlap, SCHEDULE_DEFAULTS.overlap),
    bufferLimit: mark<number>("bufferLimit", s.bufferLimit, SCHEDULE_DEFAULTS.bufferLimit),
    catchup: mark<ScheduleDeclaration["catchup"]>("catchup", s.catchup, SCHEDULE_DEFAULTS.catchup),
    catchupWindowMs: mark<number>(
      "catchupWindowMs",
      s.catchupWindow,
      SCHEDULE_DEFAULTS.catchupWindowMs,
    ),
    jitterMs: mark<number>("jitterMs", s.jitter, SCHEDULE_DEFAULTS.jitterMs),
    source: "config",
  };
  return { declaration, declared, line };
}
