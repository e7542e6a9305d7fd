/**
 * @module core/control/types
 * Control requests: durable requests to stop or start a long job or a workflow run
 * (docs/control.md). Each carries the generation it applies to; a start creates the next one.
 */

/** What a control request asks for. */
export const CONTROL_KINDS = ["stop", "start"] as const;
/** What a control request asks for. */
export type ControlKind = (typeof CONTROL_KINDS)[number];

/** Where a control request is: waiting to be carried out, done, or given up with an error. */
export const CONTROL_STATUSES = ["pending", "completed", "failed"] as const;
/** Where a control request is. */
export type ControlStatus = (typeof CONTROL_STATUSES)[number];

/** What a control request acts on. */
export type ControlTargetKind = "job" | "run";

/** A control request as stored. Times are epoch milliseconds. */
export interface ControlRequest {
  readonly id: string;
  readonly targetKind: ControlTargetKind;
  readonly targetId: string;
  readonly kind: ControlKind;
  /**
   * The generation the request applies to: a stop, the generation it stops; a start, the new
   * generation it creates. Unique per (target, kind, generation): asking twice returns the same
   * request.
   */
  readonly generation: number;
  readonly status: ControlStatus;
  /** Who asked: a token name, `cli`, `library`, ... */
  readonly requestedBy: string;
  readonly createdAt: number;
  /** When it completed or failed; null while pending. */
  readonly resolvedAt: number | null;
  /** Why it failed; null unless failed. */
  readonly error: string | null;
}

/**
 * A job or run as the control decisions see it: waiting to run, running (a worker holds it),
 * stopped, or finished for good; and its current generation (1 for a target never restarted).
 */
export interface ControlTargetView {
  readonly phase: "waiting" | "running" | "stopped" | "finished";
  readonly generation: number;
}
