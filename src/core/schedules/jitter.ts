/**
 * @module core/schedules/jitter
 * A deterministic delay per slot, so schedules declared with the same time do not all start
 * at the same instant, and every replica (and every retry of a decision) computes the same
 * delay for the same slot. The delay is a hash (FNV-1a, 32-bit, over the UTF-8 bytes of
 * `scheduleId` and `slotAt`) scaled into the allowed range; it never reaches the next slot.
 */
import { ValidationError } from "../errors.js";

const encoder = new TextEncoder();

/**
 * The delay in whole ms for this schedule's slot: in [0, jitterMs), and strictly less than
 * `nextSlotAt - slotAt` when there is a next slot (0 if that gap is under 1 ms). The same
 * arguments always give the same delay. Throws ValidationError for a negative or non-finite
 * `jitterMs`.
 */
export function jitterFor(
  scheduleId: string,
  slotAt: number,
  jitterMs: number,
  nextSlotAt: number | null,
): number {
  if (!Number.isFinite(jitterMs) || jitterMs < 0) {
    throw new ValidationError(`jitterMs must be a finite number >= 0, got ${String(jitterMs)}`);
  }
  const bound = Math.floor(
    nextSlotAt === null ? jitterMs : Math.min(jitterMs, nextSlotAt - slotAt),
  );
  if (bound <= 1) return 0;
  // hash / 2^32 is in [0, 1), so the result is in [0, bound).
  const scaled = Math.floor((fnv1a32(`${scheduleId}\u0000${slotAt}`) / 0x1_0000_0000) * bound);
  return Math.min(scaled, bound - 1); // guards float rounding for huge bounds
}

/** FNV-1a, 32-bit, over the UTF-8 bytes of `text`; an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
