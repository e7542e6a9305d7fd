/**
 * @module core/control/decide
 * The decisions of stop and start, pure: what a new request does to its target, whether a
 * report from a process may still be applied, and when a pending start has waited too long.
 * The stores carry these out in one transaction with the reads they were made from.
 *
 * Rules (docs/control.md):
 * - A stop of a waiting target stops it at once (the request completes with it); a stop of a
 *   running target is recorded pending and delivered to the process that runs it; a stop of a
 *   stopped target returns the stop that stopped it; a finished target cannot be stopped.
 * - A start is refused while a stop of the same generation is unresolved, allowed as soon as
 *   the target is observed stopped, and creates generation + 1 (the target is queued again).
 *   Nothing starts by itself after a stop. A start of a target already running the generation
 *   a start created returns that start; a finished target cannot be started.
 * - Asking twice for the same (target, kind, generation) returns the first request. A start
 *   moves the target to its new generation when it is recorded, so a start that fails leaves
 *   the target stopped at that generation and the next start creates the one after.
 * - Every report (result, heartbeat, progress, checkpoint, stop delivery) carries its
 *   generation; one from an older generation is stale: dropped and counted, never applied.
 */
import type { ControlKind, ControlRequest, ControlTargetView } from "./types.js";

/** Why a control request was refused; each has its own message and a stable reason. */
export type ControlRefusal =
  | { readonly reason: "finished"; readonly message: string }
  | { readonly reason: "stop_unresolved"; readonly message: string; readonly stopId: string }
  | { readonly reason: "not_stopped"; readonly message: string };

/** What asking for a control request does. */
export type ControlDecision =
  /** The same request exists already: answer it, change nothing. */
  | { readonly action: "existing"; readonly request: ControlRequest }
  /** Record a new request with this generation and status, and apply `effect` to the target. */
  | {
      readonly action: "create";
      readonly generation: number;
      readonly status: "pending" | "completed";
      readonly effect: "stop_now" | "deliver_stop" | "requeue";
    }
  | { readonly action: "refuse"; readonly refusal: ControlRefusal };

/** The request of `kind` for `generation` among `requests`, if any. */
function find(
  requests: readonly ControlRequest[],
  kind: ControlKind,
  generation: number,
): ControlRequest | undefined {
  return requests.find((r) => r.kind === kind && r.generation === generation);
}

/** What a stop of `target` does, given the target's requests so far. */
export function decideStop(
  target: ControlTargetView,
  requests: readonly ControlRequest[],
  label: string,
): ControlDecision {
  const existing = find(requests, "stop", target.generation);
  if (existing !== undefined) return { action: "existing", request: existing };
  switch (target.phase) {
    case "finished":
      return refuse(
        "finished",
        `${label} has finished; only a running or waiting one can be stopped`,
      );
    case "stopped":
      // Stopped without a stop of this generation (a start of it failed and put it back):
      // the stop is recorded, already done.
      return {
        action: "create",
        generation: target.generation,
        status: "completed",
        effect: "stop_now",
      };
    case "waiting":
      return {
        action: "create",
        generation: target.generation,
        status: "completed",
        effect: "stop_now",
      };
    case "running":
      return {
        action: "create",
        generation: target.generation,
        status: "pending",
        effect: "deliver_stop",
      };
  }
}

/** What a start of `target` does, given the target's requests so far. */
export function decideStart(
  target: ControlTargetView,
  requests: readonly ControlRequest[],
  label: string,
): ControlDecision {
  if (target.phase !== "stopped") {
    const stop = find(requests, "stop", target.generation);
    if (target.phase !== "finished" && stop !== undefined && stop.status === "pending") {
      return {
        action: "refuse",
        refusal: {
          reason: "stop_unresolved",
          stopId: stop.id,
          message:
            `${label} is still stopping (stop request ${stop.id} is pending); ` +
            `start it once it is stopped (kairos ${label.startsWith("run") ? "runs" : "jobs"} show tells)`,
        },
      };
    }
    // The start that created the current generation, asked again: the same answer.
    const current = find(requests, "start", target.generation);
    if (current !== undefined && target.phase !== "finished") {
      return { action: "existing", request: current };
    }
    if (target.phase === "finished") {
      return refuse("finished", `${label} has finished; there is nothing to start`);
    }
    return refuse("not_stopped", `${label} is not stopped (it is ${target.phase}); stop it first`);
  }
  const next = target.generation + 1;
  const again = find(requests, "start", next);
  if (again !== undefined && again.status !== "failed")
    return { action: "existing", request: again };
  return { action: "create", generation: next, status: "pending", effect: "requeue" };
}

function refuse(reason: "finished" | "not_stopped", message: string): ControlDecision {
  return { action: "refuse", refusal: { reason, message } };
}

/** Whether a report of `reported` generation may be applied to a target now at `current`. */
export function reportFate(current: number, reported: number): "apply" | "stale" {
  return reported === current ? "apply" : "stale";
}

/**
 * The final re-check before a restarted target runs: when the function declares
 * `remaining(payload, checkpoint)` and it answers that no work remains, the target completes
 * without running its handler. Absent `remaining` means "run".
 */
export function finalRecheck(remaining: boolean | undefined): "run" | "complete" {
  return remaining === false ? "complete" : "run";
}
