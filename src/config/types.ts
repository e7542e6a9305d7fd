/**
 * @module config/types
 * The resolved form of a `kairos.yaml`: what the rest of Kairos consumes once the file has been
 * validated. Units are in the names (`timeoutMs`), paths are absolute (resolved against the
 * config file's directory), `${VAR}`s are already substituted, and schedule declarations have
 * the defaults of a create applied, with `declared` telling which fields the file states.
 */
import type { BackoffPolicy } from "../core/retry/backoff.js";
import type { ScheduleDeclaration } from "../ports/schedule-store.js";
import type { WorkflowDefinition } from "../core/workflows/definition.js";
import type { WorkflowFunctionRef } from "./validate-workflows.js";
import type { ResolvedKubernetes } from "./k8s-schema.js";

/** The kinds of function a config file can declare. */
export type ConfigFunctionKind = "http" | "command" | "module";

/** POST (or PUT) the job's payload as JSON to `url`. */
export interface HttpExecutorSpec {
  readonly url: string;
  readonly method: "POST" | "PUT";
  readonly headers: Readonly<Record<string, string>>;
  /** The executor's own request timeout: the function's `timeout`, or null when not set (or 0). */
  readonly timeoutMs: number | null;
}

/** Run `command` (an argv array, never a shell string) with the payload on stdin. */
export interface CommandExecutorSpec {
  readonly command: readonly string[];
  /** Extra environment variables for the process. */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute working directory (the config file's directory when not set). */
  readonly cwd: string;
  /** The executor's own process timeout: the function's `timeout`, or null when not set (or 0). */
  readonly timeoutMs: number | null;
}

/** Import `file` (absolute) and call its `export` with the payload. */
export interface ModuleExecutorSpec {
  readonly file: string;
  readonly export: string;
}

export type ExecutorSpec = HttpExecutorSpec | CommandExecutorSpec | ModuleExecutorSpec;

/** Job options of a config-declared function; an absent field means "the runtime's default". */
export interface ResolvedFunctionOptions {
  /** `retries + 1`. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  /** 0 disables the timeout. */
  readonly timeoutMs?: number;
  /** `keyTemplate` is rendered per job by `concurrencyKeyFromTemplate`. */
  readonly concurrency?: { readonly keyTemplate: string; readonly limit: number };
  readonly maxPending?: number;
  readonly priority?: number;
  /** How long its finished jobs are kept, in ms; null: forever. Absent: the global default. */
  readonly retentionMs?: number | null;
  /** Payload size limit of its jobs, bytes of JSON. Absent: the global default. */
  readonly maxPayloadBytes?: number;
}

/** A function declared in the file; `kind` says which executor spec it has. */
export type ResolvedFunction =
  | ResolvedFunctionOf<"http", HttpExecutorSpec>
  | ResolvedFunctionOf<"command", CommandExecutorSpec>
  | ResolvedFunctionOf<"module", ModuleExecutorSpec>;

interface ResolvedFunctionOf<K extends ConfigFunctionKind, E> {
  readonly name: string;
  readonly kind: K;
  readonly executor: E;
  readonly options: ResolvedFunctionOptions;
}

/** A schedule declared in the file. */
export interface ResolvedSchedule {
  /** Source "config"; fields the file omits hold the defaults of a create. */
  readonly declaration: ScheduleDeclaration;
  /**
   * The fields the file states (always name, fn, timing and source). On an update only these
   * are enforced; the others stay as the store has them.
   */
  readonly declared: ReadonlySet<keyof ScheduleDeclaration>;
  /** The line of the schedule in the file (1-based). */
  readonly line: number;
}

/** A validated config file. */
export interface ResolvedConfig {
  /** Absolute path of the file. */
  readonly file: string;
  /** Absolute directory of the file: relative paths in it are resolved against this. */
  readonly dir: string;
  /** The store URL, or null when the file does not say. */
  readonly store: string | null;
  /**
   * Retention of finished jobs and schedule history in ms; null: forever. Absent when the file
   * does not say (the library's default applies: 7 days).
   */
  readonly retentionMs?: number | null;
  /** Top-level `eventRetention` in ms (null: forever); absent when the file does not say. */
  readonly eventRetentionMs?: number | null;
  /** The top-level payload size limit, bytes of JSON; absent: the library's default (1 MiB). */
  readonly maxPayloadBytes?: number;
  /** In file order. */
  readonly functions: ResolvedFunction[];
  /** In file order, across all functions. */
  readonly schedules: ResolvedSchedule[];
  /** In file order, normalized (`normalizeWorkflow`); apply stores them with source "config". */
  readonly workflows: WorkflowDefinition[];
  /**
   * Task functions the file does not declare, placed in the file: apply checks them against
   * the store (`unknownWorkflowFunctions`). Absent or empty: every task's function is declared.
   */
  readonly workflowFunctionRefs?: readonly WorkflowFunctionRef[];
  /** The `kubernetes` blocks (file-wide and per function), for `kairos k8s export`. */
  readonly kubernetes?: ResolvedKubernetes;
  /** `scheduler.backend`: where schedules' timing lives; absent: embedded. */
  readonly schedulerBackend?: "embedded" | "kubernetes" | "auto";
  /** `scheduler.prefireLead` (ms): the embedded loop's pre-fire lead; absent: the engine's default. */
  readonly schedulerPrefireLeadMs?: number;
}

/** Defaults of a schedule declaration, applied when the file omits a field and the schedule is created. */
export const SCHEDULE_DEFAULTS = {
  timezone: "UTC",
  payloadJson: "{}",
  enabled: true,
  pauseNote: null,
  overlap: "skip",
  bufferLimit: 10,
  catchup: "latest",
  catchupWindowMs: 3_600_000,
  jitterMs: 0,
} as const satisfies Partial<Record<keyof ScheduleDeclaration | "timezone", unknown>>;
