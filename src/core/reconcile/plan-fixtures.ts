/**
 * @module core/reconcile/plan-fixtures
 * Test fixtures of planReconcile (plan.test.ts, plan-sources.test.ts): declared functions and
 * schedules with defaults, and an in-memory store that applies a plan as
 * ScheduleStore.applyPlan does. Excluded from the build (tsconfig.build.json).
 */
import type { StoredFunction } from "../functions/types.js";
import type { ScheduleDeclaration, StoredSchedule } from "../schedules/types.js";
import type { StoredWorkflow } from "../workflows/store-types.js";
import { planReconcile } from "./plan.js";
import type {
  DeclaredConfig,
  DeclaredFunction,
  DeclaredSchedule,
  PlanChange,
  ReconcilePlan,
} from "./types.js";

export const NOW = Date.UTC(2026, 0, 1, 10, 30);

const DEFAULTS: Omit<ScheduleDeclaration, "name" | "fn" | "timing"> = {
  payloadJson: "{}",
  enabled: true,
  pauseNote: null,
  overlap: "skip",
  bufferLimit: 10,
  catchup: "latest",
  catchupWindowMs: 3_600_000,
  jitterMs: 0,
  source: "config",
};

export function fn(name: string, extra: Partial<DeclaredFunction> = {}): DeclaredFunction {
  return {
    name,
    kind: "command",
    executor: { command: ["node", `${name}.js`], env: {}, cwd: "/p", timeoutMs: null },
    options: {},
    ...extra,
  };
}

/** A declared schedule; `declared` lists the optional fields the "file" states. */
export function sched(
  name: string,
  fields: Partial<ScheduleDeclaration> = {},
  declared: (keyof ScheduleDeclaration)[] = [],
): DeclaredSchedule {
  return {
    declaration: {
      ...DEFAULTS,
      name,
      fn: "report",
      timing: { kind: "cron", cron: "0 * * * *", timezone: "UTC" },
      ...fields,
    },
    declared: new Set<keyof ScheduleDeclaration>(["name", "fn", "timing", "source", ...declared]),
  };
}

export interface Store {
  schedules: StoredSchedule[];
  functions: StoredFunction[];
  workflows?: StoredWorkflow[];
}

export const empty = (): Store => ({ schedules: [], functions: [], workflows: [] });

/** What ScheduleStore.applyPlan does, in memory. */
export function apply(store: Store, changes: readonly PlanChange[], now: number): Store {
  let schedules = [...store.schedules];
  let functions = [...store.functions];
  let workflows = [...(store.workflows ?? [])];
  for (const c of changes) {
    switch (c.op) {
      case "create_schedule":
        schedules.push({
          ...c.schedule,
          ...c.initial,
          id: `id-${c.schedule.name}`,
          lastSlotAt: null,
          lastFiredAt: null,
          lastStatus: null,
          lastJobId: null,
          runCount: 0,
          bufferedSlots: [],
          lastError: null,
          createdAt: now,
          updatedAt: now,
        });
        break;
      case "update_schedule":
        schedules = schedules.map((s) =>
          s.name === c.name ? { ...s, ...c.fields, ...(c.cursor ?? {}), updatedAt: now } : s,
        );
        break;
      case "delete_schedule":
        schedules = schedules.filter((s) => s.name !== c.name);
        break;
      case "upsert_function": {
        const prev = functions.find((f) => f.name === c.fn.name);
        functions = [
          ...functions.filter((f) => f.name !== c.fn.name),
          { ...c.fn, createdAt: prev?.createdAt ?? now, updatedAt: now },
        ];
        break;
      }
      case "delete_function":
        functions = functions.filter((f) => f.name !== c.name);
        break;
      case "put_workflow": {
        const prev = workflows.find((w) => w.name === c.definition.name);
        const put: StoredWorkflow = {
          paused: false,
          pauseNote: null,
          latestLogicalDate: null,
          createdAt: now,
          source: "config",
          ...prev,
          name: c.definition.name,
          definition: c.definition,
          nextRunAfter: c.nextRunAfter,
          updatedAt: now,
        };
        workflows = [...workflows.filter((w) => w.name !== put.name), put];
        break;
      }
      case "delete_workflow":
        workflows = workflows.filter((w) => w.name !== c.name);
        break;
    }
  }
  return { schedules, functions, workflows };
}

export function plan(
  declared: DeclaredConfig,
  store: Store,
  prune = false,
  now = NOW,
): ReconcilePlan {
  return planReconcile({ declared, stored: store, prune, now });
}

export function actions(p: ReconcilePlan): string[] {
  return p.items.map((i) => `${i.action} ${i.kind} ${i.name}`);
}

/** A store that already holds `declared` (applied at an earlier time), with some runtime state. */
export function applied(declared: DeclaredConfig): Store {
  const store = apply(empty(), plan(declared, empty(), false, NOW - 86_400_000).changes, NOW - 1);
  return {
    ...store,
    schedules: store.schedules.map((s) => ({
      ...s,
      lastSlotAt: NOW - 1_800_000,
      lastFiredAt: NOW - 1_800_000,
      lastStatus: "succeeded",
      lastJobId: "job-1",
      runCount: 7,
      nextSlotAt: NOW + 1_800_000,
      nextDueAt: NOW + 1_800_000,
    })),
  };
}
