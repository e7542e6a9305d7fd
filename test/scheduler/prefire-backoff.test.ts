/** PrefireBackoff: retry instants doubling up to the slot's due time, one record per slot. */
import { describe, expect, it } from "vitest";
import { PREFIRE_RETRY_MS, PrefireBackoff } from "../../src/runtime/scheduler/prefire-backoff.js";

const DUE = 10_000;
const at = (nextSlotAt: number | null) => ({ id: "s", nextSlotAt });

describe("PrefireBackoff", () => {
  it("holds a schedule until its retry, doubling, never past the due time", () => {
    const b = new PrefireBackoff();
    expect(b.holds(at(DUE), 9_000)).toBe(false);
    expect(b.failed("s", DUE, DUE, 9_000)).toBe(true);
    expect(b.nextRetryAt(9_000)).toBe(9_000 + PREFIRE_RETRY_MS);
    expect(b.holds(at(DUE), 9_000 + PREFIRE_RETRY_MS - 1)).toBe(true);
    expect(b.holds(at(DUE), 9_000 + PREFIRE_RETRY_MS)).toBe(false);
    // Further failures of the same slot are not to be recorded; the wait doubles.
    expect(b.failed("s", DUE, DUE, 9_100)).toBe(false);
    expect(b.nextRetryAt(9_100)).toBe(9_100 + 2 * PREFIRE_RETRY_MS);
    expect(b.failed("s", DUE, DUE, 9_300)).toBe(false);
    expect(b.failed("s", DUE, DUE, 9_700)).toBe(false);
    expect(b.nextRetryAt(9_700)).toBe(DUE); // 9,700 + 800 is past the due time
    // From the due time the schedule is free again (the normal path fires it) and forgotten.
    expect(b.holds(at(DUE), DUE)).toBe(false);
    expect(b.nextRetryAt(DUE)).toBeNull();
  });

  it("forgets a slot when its pre-fire applies or the cursor moved; a new slot is recorded", () => {
    const b = new PrefireBackoff();
    b.failed("s", DUE, DUE, 9_000);
    b.succeeded("s");
    expect(b.holds(at(DUE), 9_001)).toBe(false);
    b.failed("s", DUE, DUE, 9_000);
    expect(b.holds(at(DUE + 60_000), 9_001)).toBe(false); // another slot: not held
    expect(b.nextRetryAt(9_001)).toBeNull();
    expect(b.failed("s", DUE + 60_000, DUE + 60_000, 69_000)).toBe(true);
  });
});
