/**
 * @module core/reconcile/plan
 * The reconcile planner: declared config vs the store -> a Terraform-like plan. Pure: the
 * caller reads the store, passes `now`, and hands `changes` to `ScheduleStore.applyPlan`.
 *
 * Rules:
 * - Objects are matched by name. A declared name that is not stored is created; a stored one
 *   is updated when a declared field differs, and unchanged otherwise.
 * - Only the fields the file states are enforced: an omitted field stays as the store has it
 *   (a create uses the defaults). Payloads compare as canonical JSON. Functions compare by
 *   their whole spec (`specJson`: canonical JSON of `{ executor, options }`) and kind.
 * - An update keeps the schedule's id and runtime state (last run, run count, status, history).
 *   Its cursor is recomputed (`nextSlotAfter(timing, now)`) only when the timing changes or a
 *   paused schedule is enabled, so slots that passed while it was paused are not caught up.
 * - Objects with source "api" are never touched; declaring one of their names is an error.
 * - Config-sourced objects the file no longer declares are deleted only with `prune`;
 *   otherwise they are reported as `would_prune`.
 * - Workflows are planned by `plan-workflows` (whole definitions, runtime state kept).
 * Applying the plan and planning again yields only `unchanged` items.
 */
import { canonicalJson } from "../canonical-json.js";
import { ValidationError } from "../errors.js";
import { nextSlotAfter } from "../schedules/timing.js";
import type { StoredFunction } from "../functions/types.js";
import type {
  ScheduleDeclaration,
  ScheduleRuntimeInit,
  ScheduleTiming,
  StoredSchedule,
} from "../schedules/types.js";
import { planWorkflows, workflowProblems, workflowsUsing } from "./plan-workflows.js";
import type {
  DeclaredFunction,
  DeclaredSchedule,
  PlanChange,
  PlanFieldChange,
  PlanItem,
  ReconcileInput,
  ReconcilePlan,
} from "./types.js";

/** Fields of a schedule that an update may change (name and source never change). */
type UpdatableField = Exclude<keyof ScheduleDeclaration, "name" | "source">;

const UPDATABLE_FIELDS: readonly UpdatableField[] = [
  "fn",
  "timing",
  "payloadJson",
  "enabled",
  "pauseNote",
  "overlap",
  "bufferLimit",
  "catchup",
  "catchupWindowMs",
  "jitterMs",
];

/** How each declaration field is named in the file (and in plan items). */
const FIELD_LABELS: Record<Exclude<UpdatableField, "timing">, string> = {
  fn: "function",
  payloadJson: "payload",
  enabled: "enabled",
  pauseNote: "pauseNote",
  overlap: "overlap",
  bufferLimit: "bufferLimit",
  catchup: "catchup",
  catchupWindowMs: "catchupWindow",
  jitterMs: "jitter",
};

/** The cursor a schedule starts from: its first slot after `now` (null: it never fires). */
export function initialCursor(timing: ScheduleTiming, now: number): ScheduleRuntimeInit {
  const next = nextSlotAfter(timing, now);
  return { nextSlotAt: next, nextDueAt: next };
}

/** The spec of a declared function as stored: canonical JSON of `{ executor, options }`. */
export function functionSpecJson(fn: DeclaredFunction): string {
  return canonicalJson({ executor: fn.executor, options: fn.options }, `function "${fn.name}"`);
}

/** Plan the reconcile of `input.declared` against `input.stored`. Throws ValidationError on a clash. */
export function planReconcile(input: ReconcileInput): ReconcilePlan {
  const { declared, stored, prune, now } = input;
  checkDeclared(input);

  const storedFunctions = new Map(stored.functions.map((f) => [f.name, f]));
  const storedSchedules = new Map(stored.schedules.map((s) => [s.name, s]));
  const declaredFunctions = new Set(declared.functions.map((f) => f.name));
  const declaredSchedules = new Set(declared.schedules.map((s) => s.declaration.name));

  const functionItems: PlanItem[] = [];
  const scheduleItems: PlanItem[] = [];
  const upserts: PlanChange[] = [];
  const scheduleChanges: PlanChange[] = [];
  const scheduleDeletes: PlanChange[] = [];
  const functionDeletes: PlanChange[] = [];

  for (const fn of declared.functions) {
    const specJson = functionSpecJson(fn);
    const current = storedFunctions.get(fn.name);
    const upsert: PlanChange = {
      op: "upsert_function",
      fn: { name: fn.name, kind: fn.kind, specJson, source: "config" },
    };
    const item = functionItem(current, fn.name, fn.kind, specJson);
    functionItems.push(item);
    if (item.action !== "unchanged") upserts.push(upsert);
  }

  for (const schedule of declared.schedules) {
    const current = storedSchedules.get(schedule.declaration.name);
    if (current === undefined) {
      scheduleItems.push({ kind: "schedule", name: schedule.declaration.name, action: "create" });
      scheduleChanges.push({
        op: "create_schedule",
        schedule: { ...schedule.declaration, source: "config" },
        initial: initialCursor(schedule.declaration.timing, now),
      });
      continue;
    }
    const update = diffSchedule(current, schedule, now);
    if (update === null) {
      scheduleItems.push({ kind: "schedule", name: current.name, action: "unchanged" });
    } else {
      scheduleItems.push({
        kind: "schedule",
        name: current.name,
        action: "update",
        fields: update.fields,
      });
      scheduleChanges.push(update.change);
    }
  }

  const orphanSchedules = stored.schedules
    .filter((s) => s.source === "config" && !declaredSchedules.has(s.name))
    .sort((a, b) => compare(a.name, b.name));
  const orphanFunctions = stored.functions
    .filter((f) => f.source === "config" && !declaredFunctions.has(f.name))
    .sort((a, b) => compare(a.name, b.name));
  if (prune) checkPrunable(orphanFunctions, stored.schedules, declared.schedules, input);
  const action = prune ? "prune" : "would_prune";
  for (const s of orphanSchedules) {
    scheduleItems.push({ kind: "schedule", name: s.name, action });
    if (prune) scheduleDeletes.push({ op: "delete_schedule", name: s.name });
  }
  for (const f of orphanFunctions) {
    functionItems.push({ kind: "function", name: f.name, action });
    if (prune) functionDeletes.push({ op: "delete_function", name: f.name });
  }

  const workflows = planWorkflows(declared.workflows ?? [], stored.workflows ?? [], prune, now);
  return {
    items: [...functionItems, ...scheduleItems, ...workflows.items],
    // Functions exist before the schedules and workflows that use them, which go before them.
    changes: [
      ...upserts,
      ...scheduleChanges,
      ...workflows.puts,
      ...scheduleDeletes,
      ...workflows.deletes,
      ...functionDeletes,
    ],
  };
}

/**
 * The plan item of a declared function against the stored one. A function registered by a
 * process's define() (source "define") is taken over: the declared spec wins.
 */
function functionItem(
  current: StoredFunction | undefined,
  name: string,
  kind: StoredFunction["kind"],
  specJson: string,
): PlanItem {
  if (current === undefined) return { kind: "function", name, action: "create" };
  if (current.kind === kind && current.specJson === specJson && current.source === "config") {
    return { kind: "function", name, action: "unchanged" };
  }
  const fields = diffFunction(current, kind, specJson);
  if (current.source !== "config") {
    fields.unshift({ field: "source", from: current.source, to: "config" });
  }
  return { kind: "function", name, action: "update", fields };
}

/** Names must be unique, and none may belong to an object created through the API. */
function checkDeclared(input: ReconcileInput): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const fn of input.declared.functions) {
    if (seen.has(fn.name)) problems.push(`function "${fn.name}" is declared twice`);
    seen.add(fn.name);
  }
  seen.clear();
  for (const s of input.declared.schedules) {
    if (seen.has(s.declaration.name)) {
      problems.push(`schedule "${s.declaration.name}" is declared twice`);
    }
    seen.add(s.declaration.name);
  }
  const apiFunctions = new Set(
    input.stored.functions.filter((f) => f.source === "api").map((f) => f.name),
  );
  const apiSchedules = new Set(
    input.stored.schedules.filter((s) => s.source !== "config").map((s) => s.name),
  );
  for (const fn of input.declared.functions) {
    if (apiFunctions.has(fn.name)) problems.push(apiClash("function", fn.name));
  }
  for (const s of input.declared.schedules) {
    if (apiSchedules.has(s.declaration.name)) {
      problems.push(apiClash("schedule", s.declaration.name));
    }
  }
  const workflows = input.declared.workflows ?? [];
  problems.push(...workflowProblems(workflows, input.stored.workflows ?? [], apiClash));
  if (problems.length > 0) throw new ValidationError(problems.join("\n"));
}

function apiClash(kind: string, name: string): string {
  return (
    `${kind} "${name}" already exists and was created through the API (source "api"); ` +
    `apply never changes such objects: rename the ${kind} in the config file, or delete the ` +
    `API ${kind} first`
  );
}

/** A pruned function must not leave a remaining schedule or workflow task pointing at it. */
function checkPrunable(
  functions: readonly StoredFunction[],
  stored: readonly StoredSchedule[],
  declared: readonly DeclaredSchedule[],
  input: ReconcileInput,
): void {
  const pruned = new Set(functions.map((f) => f.name));
  // What remains after apply: API schedules as they are, and the declared schedules.
  const remaining = [
    ...stored.filter((s) => s.source !== "config"),
    ...declared.map((s) => s.declaration),
  ];
  const problems = remaining
    .filter((s) => pruned.has(s.fn))
    .map(
      (s) =>
        `cannot prune function "${s.fn}": schedule "${s.name}" (source "${s.source}") still uses ` +
        `it; delete that schedule or keep the function in the config file`,
    );
  const workflows = input.declared.workflows ?? [];
  problems.push(...workflowsUsing(pruned, workflows, input.stored.workflows ?? []));
  if (problems.length > 0) throw new ValidationError(problems.join("\n"));
}

function diffSchedule(
  current: StoredSchedule,
  schedule: DeclaredSchedule,
  now: number,
): { change: PlanChange; fields: PlanFieldChange[] } | null {
  const want = schedule.declaration;
  const fields: Partial<Omit<ScheduleDeclaration, "name" | "source">> = {};
  const shown: PlanFieldChange[] = [];
  let retimed = false;
  let enabling = false;
  for (const key of UPDATABLE_FIELDS) {
    // fn is implied by where the schedule is declared, so it is always enforced.
    if (key !== "fn" && !schedule.declared.has(key)) continue;
    switch (key) {
      case "timing":
        if (canonicalJson(current.timing) !== canonicalJson(want.timing)) {
          Object.assign(fields, { timing: want.timing });
          shown.push(...diffTiming(current.timing, want.timing));
          retimed = true;
        }
        break;
      case "payloadJson":
        if (canonicalPayload(current.payloadJson) !== canonicalPayload(want.payloadJson)) {
          Object.assign(fields, { payloadJson: want.payloadJson });
          shown.push({
            field: "payload",
            from: parsePayload(current.payloadJson),
            to: parsePayload(want.payloadJson),
          });
        }
        break;
      default:
        if (current[key] !== want[key]) {
          Object.assign(fields, { [key]: want[key] });
          shown.push({ field: FIELD_LABELS[key], from: current[key], to: want[key] });
          if (key === "enabled" && want.enabled) enabling = true;
        }
    }
  }
  if (shown.length === 0) return null;
  const cursor = retimed || enabling ? { cursor: initialCursor(want.timing, now) } : ({} as const);
  return {
    change: { op: "update_schedule", name: current.name, fields, ...cursor },
    fields: shown,
  };
}

/** A timing as the file's fields (`cron`, `timezone`, `every`, `at`), null where absent. */
function timingFields(t: ScheduleTiming): Record<string, unknown> {
  return {
    cron: t.kind === "cron" ? t.cron : null,
    timezone: t.kind === "cron" ? t.timezone : null,
    every: t.kind === "every" ? t.everyMs : null,
    at: t.kind === "at" ? t.at : null,
  };
}

function diffTiming(from: ScheduleTiming, to: ScheduleTiming): PlanFieldChange[] {
  const a = timingFields(from);
  const b = timingFields(to);
  return Object.keys(a)
    .filter((k) => a[k] !== b[k])
    .map((k) => ({ field: k, from: a[k], to: b[k] }));
}

function canonicalPayload(json: string): string {
  try {
    return canonicalJson(JSON.parse(json));
  } catch {
    return json;
  }
}

function parsePayload(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

const SENSITIVE = /^executor\.(env|headers)\./;

/** The leaves of two function specs that differ, by dotted path; env/header values masked. */
function diffFunction(current: StoredFunction, kind: string, specJson: string): PlanFieldChange[] {
  const a = flatten({ kind: current.kind, ...parseSpec(current.specJson) });
  const b = flatten({ kind, ...parseSpec(specJson) });
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort(compare);
  const out: PlanFieldChange[] = [];
  for (const key of keys) {
    const from = a.get(key);
    const to = b.get(key);
    if (canonicalJson(from ?? null) === canonicalJson(to ?? null)) continue;
    if (SENSITIVE.test(key)) {
      out.push({
        field: key,
        from: from === undefined ? null : "(sensitive)",
        to: to === undefined ? null : "(sensitive)",
      });
    } else {
      out.push({ field: key, from: from ?? null, to: to ?? null });
    }
  }
  return out;
}

function parseSpec(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return v !== null && typeof v === "object" && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : { spec: v };
  } catch {
    return { spec: json };
  }
}

/** Objects flattened to dotted paths; arrays and scalars are leaves. */
function flatten(value: Record<string, unknown>, prefix = "", out = new Map<string, unknown>()) {
  for (const [key, v] of Object.entries(value)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      flatten(v as Record<string, unknown>, path, out);
    } else {
      out.set(path, v);
    }
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
