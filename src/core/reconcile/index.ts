/**
 * @module core/reconcile
 * Declared config vs stored schedules and functions -> a plan (pure), and its text form.
 */
export { formatDuration, formatPlan } from "./format.js";
export { functionSpecJson, initialCursor, planReconcile } from "./plan.js";
export type {
  DeclaredConfig,
  DeclaredFunction,
  DeclaredSchedule,
  PlanAction,
  PlanFieldChange,
  PlanItem,
  ReconcileInput,
  ReconcilePlan,
} from "./types.js";
