/**
 * @module core/reconcile/types
 * The input and output of the reconcile planner. The declared side is structural so that the
 * core does not depend on the config module: a `ResolvedConfig` (config/types) is one.
 */
import type { StoredFunction } from "../functions/types.js";
import type { WorkflowDefinition } from "../workflows/definition.js";
import type { StoredWorkflow } from "../workflows/store-types.js";
import type {
  ScheduleDeclaration,
  ScheduleRuntimeInit,
  StoredSchedule,
} from "../schedules/types.js";

/** A function as the config declares it. */
export interface DeclaredFunction {
  readonly name: string;
  readonly kind: "http" | "command" | "module";
  /** Executor settings; stored (with `options`) as canonical JSON in `StoredFunction.specJson`. */
  readonly executor: unknown;
  readonly options: unknown;
}

/** A schedule as the config declares it. */
export interface DeclaredSchedule {
  /** With the defaults of a create applied for the fields the file omits. */
  readonly declaration: ScheduleDeclaration;
  /** The fields the file states: only these are enforced on an existing schedule. */
  readonly declared: ReadonlySet<keyof ScheduleDeclaration>;
}

/** What the config declares (a ResolvedConfig satisfies this). */
export interface DeclaredConfig {
  readonly functions: readonly DeclaredFunction[];
  readonly schedules: readonly DeclaredSchedule[];
  /** Normalized workflow definitions (source "config"); absent: none. */
  readonly workflows?: readonly WorkflowDefinition[];
}

export interface ReconcileInput {
  readonly declared: DeclaredConfig;
  /** Everything in the store (both sources). */
  readonly stored: {
    readonly schedules: readonly StoredSchedule[];
    readonly functions: readonly StoredFunction[];
    /** Stored workflows of both sources; absent: the store has none. */
    readonly workflows?: readonly StoredWorkflow[];
  };
  /** Delete config-sourced objects the file no longer declares (otherwise they are reported). */
  readonly prune: boolean;
  /** Current time (ms): new and re-timed schedules start from their next slot after it. */
  readonly now: number;
}

export type PlanAction = "create" | "update" | "unchanged" | "prune" | "would_prune";

/** One changed field of an update, named as in the file (`cron`, `every`, `options.timeoutMs`). */
export interface PlanFieldChange {
  readonly field: string;
  /** null when the field had no value; env and header values read "(sensitive)". */
  readonly from: unknown;
  readonly to: unknown;
}

/** One line of a plan. */
export interface PlanItem {
  readonly kind: "function" | "schedule" | "workflow";
  readonly name: string;
  readonly action: PlanAction;
  /** For an update: the declared fields that change. */
  readonly fields?: PlanFieldChange[];
}

/** What apply would do: the items to show, and the changes for `ScheduleStore.applyPlan`. */
export interface ReconcilePlan {
  readonly items: PlanItem[];
  readonly changes: PlanChange[];
}

/** One change of a reconcile plan, applied in one transaction with the others. */
export type PlanChange =
  | {
      readonly op: "create_schedule";
      readonly schedule: ScheduleDeclaration;
      readonly initial: ScheduleRuntimeInit;
    }
  | {
      readonly op: "update_schedule";
      readonly name: string;
      /** Only the declared fields that change. */
      readonly fields: Partial<Omit<ScheduleDeclaration, "name" | "source">>;
      /** New cursor when the timing changed (recomputed by the caller); omitted keeps it. */
      readonly cursor?: ScheduleRuntimeInit;
    }
  | { readonly op: "delete_schedule"; readonly name: string }
  | { readonly op: "upsert_function"; readonly fn: Omit<StoredFunction, "createdAt" | "updatedAt"> }
  | { readonly op: "delete_function"; readonly name: string }
  /**
   * Create a workflow or replace its definition (runtime state — paused, cursor, runs — kept);
   * `nextRunAfter` is the scheduler's next look (recomputed by the caller when timing changed).
   */
  | {
      readonly op: "put_workflow";
      readonly definition: WorkflowDefinition;
      readonly nextRunAfter: number | null;
    }
  /** Delete a config workflow with its runs and history. */
  | { readonly op: "delete_workflow"; readonly name: string };
