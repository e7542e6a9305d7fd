/**
 * @module stores/function-worker-row
 * One row of `function_workers` as both adapters read it, and its mapping to the port's
 * FunctionWorker (PostgreSQL may return BIGINT times as strings).
 */
import type { FunctionWorker } from "../ports/function-registry.js";

/** The columns of a `function_workers` row as selected by both adapters. */
export interface FunctionWorkerRow {
  fn: string;
  instance: string;
  unavailable: string | null;
  last_seen_at: string | number;
}

/** The port's view of a row. */
export function toFunctionWorker(row: FunctionWorkerRow): FunctionWorker {
  return {
    fn: row.fn,
    instance: row.instance,
    unavailable: row.unavailable,
    lastSeenAt: Number(row.last_seen_at),
  };
}
