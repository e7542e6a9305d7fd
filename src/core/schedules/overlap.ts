/**
 * @module core/schedules/overlap
 * What to do with a slot that comes while the schedule's previous jobs are still active, by
 * the schedule's overlap policy (Temporal's names; Kubernetes' in brackets):
 *
 * - `skip` (default) [Forbid]: the slot is skipped (recorded with reason `overlap`).
 * - `buffer_one`: the slot waits until the active jobs end; at most one slot waits, so a new
 *   slot while one is waiting is dropped.
 * - `buffer_all`: slots wait in order, at most `bufferLimit`; when the buffer is full the NEW
 *   slot is dropped (recorded), the waiting ones keep their place.
 * - `cancel_other`: the active jobs are cancelled and the slot waits until they have ended;
 *   it supersedes any slot already waiting (that one is dropped).
 * - `terminate_other` [Replace]: the active jobs are cancelled and the slot fires now.
 * - `allow_all` [Allow]: the slot fires now, alongside them.
 *
 * With no active job every policy fires. Deciding the same slot twice gives the same answer
 * (a slot already buffered is not added again), so a retried decision is harmless.
 */
import { ValidationError } from "../errors.js";
import type { OverlapPolicy } from "./types.js";

/** The state the decision needs. */
export interface OverlapInput {
  readonly policy: OverlapPolicy;
  /** Jobs of this schedule that are not terminal. */
  readonly activeJobIds: readonly string[];
  /** Slots waiting for the active jobs to end, oldest first. */
  readonly bufferedSlots: readonly number[];
  /** The slot being decided. */
  readonly slotAt: number;
  /** For `buffer_all`: the most slots that may wait. */
  readonly bufferLimit: number;
}

/** The decision; `bufferedSlots` is the complete new buffer, `dropped` the slots to record as dropped. */
export type OverlapDecision =
  | { readonly action: "fire" }
  | { readonly action: "skip"; readonly reason: "overlap" }
  | { readonly action: "buffer"; readonly bufferedSlots: number[]; readonly dropped: number[] }
  | {
      readonly action: "cancel_then_buffer";
      readonly cancelJobIds: string[];
      readonly bufferedSlots: number[];
      /** Slots that were waiting and are superseded by this one (record them as dropped). */
      readonly dropped: number[];
    }
  | { readonly action: "cancel_and_fire"; readonly cancelJobIds: string[] };

/**
 * Decide what happens to `slotAt` under the overlap policy (see the module header). Pure;
 * throws ValidationError for an unknown policy or a bad `bufferLimit`.
 */
export function decideOverlap(input: OverlapInput): OverlapDecision {
  const { policy, activeJobIds, bufferedSlots, slotAt, bufferLimit } = input;
  if (!Number.isSafeInteger(bufferLimit) || bufferLimit < 0) {
    throw new ValidationError(
      `bufferLimit must be a whole number >= 0, got ${String(bufferLimit)}`,
    );
  }
  if (activeJobIds.length === 0) return { action: "fire" };
  switch (policy) {
    case "skip":
      return { action: "skip", reason: "overlap" };
    case "buffer_one":
      return buffer(bufferedSlots, slotAt, 1);
    case "buffer_all":
      return buffer(bufferedSlots, slotAt, bufferLimit);
    case "cancel_other":
      return {
        action: "cancel_then_buffer",
        cancelJobIds: [...activeJobIds],
        bufferedSlots: [slotAt],
        dropped: bufferedSlots.filter((s) => s !== slotAt),
      };
    case "terminate_other":
      return { action: "cancel_and_fire", cancelJobIds: [...activeJobIds] };
    case "allow_all":
      return { action: "fire" };
    default: {
      const never: never = policy;
      throw new ValidationError(`unknown overlap policy ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Append `slotAt` if fewer than `limit` slots wait, else drop it. Slots beyond `limit` (the
 * limit was lowered since they were buffered) are dropped too, newest first.
 */
function buffer(
  waiting: readonly number[],
  slotAt: number,
  limit: number,
): { action: "buffer"; bufferedSlots: number[]; dropped: number[] } {
  if (waiting.includes(slotAt))
    return { action: "buffer", bufferedSlots: [...waiting], dropped: [] };
  const kept = waiting.slice(0, limit);
  const dropped = waiting.slice(limit);
  if (kept.length < limit) kept.push(slotAt);
  else dropped.push(slotAt);
  return { action: "buffer", bufferedSlots: kept, dropped };
}
