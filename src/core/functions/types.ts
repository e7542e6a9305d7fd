/**
 * @module core/functions/types
 * A function as Kairos stores it: its executor kind and settings (in-process handlers are not stored).
 */
import type { ObjectSource } from "../object-source.js";

/** A function declared in config (kind and options); in-process handlers are not stored. */
export interface StoredFunction {
  readonly name: string;
  /** `http`, `command`, `module`, or `inline` for a library handler registered through the API. */
  readonly kind: "http" | "command" | "module" | "inline";
  /** Executor settings and job options as canonical JSON (shape owned by config/executors). */
  readonly specJson: string;
  readonly source: ObjectSource;
  readonly createdAt: number;
  readonly updatedAt: number;
}
