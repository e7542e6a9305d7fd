/**
 * @module ports/function-registry
 * The store port for the function registry: functions registered by the processes that
 * `define()` them, and which worker processes are live for each function.
 *
 * Rules every adapter keeps:
 * - `registerDefined` inserts each function with source `define`, or replaces the spec of one
 *   that already has source `define`; a function with another source (declared by `kairos
 *   apply`, or created through the API) is never changed. One transaction.
 * - Presence rows are (fn, instance) pairs with the instance's last heartbeat. `heartbeat`
 *   replaces the instance's rows by exactly the given entries (one transaction) and deletes
 *   every row, of any instance, last seen before `expireBefore`. Reads take a `since` bound and
 *   return only rows seen at or after it, so a dead process stops counting once its rows age
 *   out, whether or not anyone has deleted them yet.
 * - Time is given by the caller (`now`, ms since epoch); the store never reads a clock.
 */
import type { FunctionWorker, StoredFunction } from "../core/functions/types.js";

export type { FunctionWorker } from "../core/functions/types.js";

/** A function a process defines, as it registers it. */
export interface DefinedFunction {
  readonly name: string;
  readonly kind: StoredFunction["kind"];
  /** Its `define()` options as canonical JSON (a function-valued concurrency key is left out). */
  readonly specJson: string;
}

/** One function this instance reports in its heartbeat. */
export interface PresenceEntry {
  readonly fn: string;
  /** Why it cannot run here, or null when it can. */
  readonly unavailable: string | null;
}

/** The function registry port (same database as the schedule store's `functions`). */
export interface FunctionRegistryStore {
  /** Register defined functions; see the module rules. */
  registerDefined(fns: readonly DefinedFunction[], now: number): Promise<void>;
  /** Replace `instance`'s presence by `entries` seen at `now`; drop rows older than `expireBefore`. */
  heartbeat(
    instance: string,
    entries: readonly PresenceEntry[],
    now: number,
    expireBefore: number,
  ): Promise<void>;
  /** Delete every presence row of `instance` (a clean stop). */
  removeInstance(instance: string): Promise<void>;
  /** Presence rows seen at or after `since`, of `fn` or of every function, by fn then instance. */
  liveWorkers(since: number, fn?: string): Promise<FunctionWorker[]>;
}
