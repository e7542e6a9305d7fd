/**
 * @module core/functions/types
 * A function as Kairos stores it: its executor kind and settings (in-process handlers are not
 * stored), and the presence of the workers that define it.
 */
import type { ObjectSource } from "../object-source.js";

/**
 * Who put a function in the store: `config` (declared in kairos.yaml by `kairos apply`), `api`,
 * or `define` (registered by a process that `define()`s it, when it starts workers). A declared
 * spec is never overwritten by a `define` registration; `kairos apply` takes a `define` one over.
 */
export type FunctionSource = ObjectSource | "define";

/** A function declared in config, or registered by a process that defines it. */
export interface StoredFunction {
  readonly name: string;
  /** `http`, `command`, `module`, or `inline` for a library handler registered by `define()`. */
  readonly kind: "http" | "command" | "module" | "inline";
  /** Executor settings and job options as canonical JSON (shape owned by config/executors). */
  readonly specJson: string;
  readonly source: FunctionSource;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One worker process defining a function, as last reported by its heartbeat. */
export interface FunctionWorker {
  readonly fn: string;
  /** The reporting process's worker id. */
  readonly instance: string;
  /** Why the function cannot run in that process (e.g. its module failed to load), or null. */
  readonly unavailable: string | null;
  readonly lastSeenAt: number;
}
